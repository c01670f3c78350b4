package berth.engine.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/** {@code POST /volumes/prune}: the names removed and the bytes their files took. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record VolumePruneReport(List<String> volumesDeleted, long spaceReclaimed) {}
