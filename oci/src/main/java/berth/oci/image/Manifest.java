package berth.oci.image;

import berth.oci.Descriptor;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/** An image manifest (OCI or Docker schema 2): one config and its layers, bottom first. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(int schemaVersion, String mediaType, Descriptor config, List<Descriptor> layers,
                       Map<String, String> annotations) {}
