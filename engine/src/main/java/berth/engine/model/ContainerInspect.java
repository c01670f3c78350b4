package berth.engine.model;

import berth.oci.container.ContainerConfig;
import berth.oci.container.HostConfig;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.Map;

/** {@code GET /containers/{id}/json}, shaped as docker's so that {@code inspect --format} templates work. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record ContainerInspect(
        String id,
        String created,
        String path,
        List<String> args,
        ContainerState state,
        String image,
        String resolvConfPath,
        String hostnamePath,
        String hostsPath,
        String logPath,
        String name,
        int restartCount,
        String driver,
        String platform,
        @JsonProperty("ExecIDs") List<String> execIds,
        HostConfig hostConfig,
        GraphDriver graphDriver,
        Long sizeRw,
        Long sizeRootFs,
        List<Object> mounts,
        ContainerConfig config,
        NetworkSettings networkSettings) {

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record GraphDriver(String name, Map<String, String> data) {}
}
