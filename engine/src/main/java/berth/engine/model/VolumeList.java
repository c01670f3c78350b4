package berth.engine.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/** {@code GET /volumes}. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record VolumeList(List<Volume> volumes, List<String> warnings) {}
