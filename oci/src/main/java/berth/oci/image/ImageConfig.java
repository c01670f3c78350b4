package berth.oci.image;

import berth.oci.Digest;
import berth.oci.container.ContainerConfig;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** An image's configuration blob (OCI image-spec {@code config.json}): run defaults, layer diff ids, history. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImageConfig(
        String created,
        String author,
        String architecture,
        String os,
        ContainerConfig config,
        RootFs rootfs,
        List<History> history) {

    /** The uncompressed digests of the layers, bottom first. */
    public record RootFs(String type, @JsonProperty("diff_ids") List<Digest> diffIds) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record History(
            String created,
            @JsonProperty("created_by") String createdBy,
            String author,
            String comment,
            @JsonProperty("empty_layer") Boolean emptyLayer) {}
}
