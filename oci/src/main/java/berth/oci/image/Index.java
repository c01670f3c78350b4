package berth.oci.image;

import berth.oci.Descriptor;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/** An image index (OCI) or manifest list (Docker): one manifest per platform, or an OCI layout's entry points. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Index(int schemaVersion, String mediaType, List<Descriptor> manifests, Map<String, String> annotations) {}
