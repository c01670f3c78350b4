package berth.engine.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.Map;

/** {@code GET /version}. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record VersionInfo(
        List<Map<String, Object>> components,
        String version,
        String apiVersion,
        @JsonProperty("MinAPIVersion") String minApiVersion,
        String gitCommit,
        String goVersion,
        String os,
        String arch,
        String kernelVersion,
        String buildTime) {}
