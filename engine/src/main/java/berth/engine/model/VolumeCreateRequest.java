package berth.engine.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.Map;

/** The body of {@code POST /volumes/create}: an empty name asks for a generated one. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record VolumeCreateRequest(String name, String driver, Map<String, String> driverOpts,
                                  Map<String, String> labels) {}
