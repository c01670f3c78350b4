package berth.engine.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.Map;

/** One row of {@code GET /containers/json}, shaped as docker's. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record ContainerSummary(
        String id,
        List<String> names,
        String image,
        @JsonProperty("ImageID") String imageId,
        String command,
        long created,
        List<Port> ports,
        Long sizeRw,
        Long sizeRootFs,
        Map<String, String> labels,
        String state,
        String status,
        HostConfigSummary hostConfig,
        NetworkSettings networkSettings,
        List<Object> mounts) {

    /** A published or exposed port. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record Port(@JsonProperty("IP") String ip, int privatePort, Integer publicPort, String type) {}

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record HostConfigSummary(String networkMode) {}
}
