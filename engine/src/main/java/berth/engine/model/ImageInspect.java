package berth.engine.model;

import berth.oci.container.ContainerConfig;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.Map;

/** {@code GET /images/{name}/json}, shaped as docker's. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record ImageInspect(
        String id,
        List<String> repoTags,
        List<String> repoDigests,
        String parent,
        String comment,
        String created,
        String author,
        ContainerConfig config,
        String architecture,
        String os,
        long size,
        ContainerInspect.GraphDriver graphDriver,
        @JsonProperty("RootFS") RootFs rootFs,
        Map<String, String> metadata) {

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record RootFs(String type, List<String> layers) {}
}
