package berth.oci;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/** An OCI content descriptor: what a manifest, index or layout says about one blob. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Descriptor(String mediaType, Digest digest, long size, Map<String, String> annotations, Platform platform) {
    public Descriptor(String mediaType, Digest digest, long size) {
        this(mediaType, digest, size, null, null);
    }

    /** The platform an index entry is built for. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Platform(String architecture, String os, String variant) {}
}
