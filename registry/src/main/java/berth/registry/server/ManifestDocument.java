package berth.registry.server;

import berth.oci.Digest;
import berth.oci.Json;
import berth.oci.MediaTypes;
import berth.oci.errors.InvalidArgument;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A manifest pushed to the registry, read as far as the registry must: its media type (an OCI image manifest or
 * index, a Docker schema 2 manifest or manifest list), the blobs and manifests it references, which must exist
 * before it is accepted, and its {@code subject}, which makes it a referrer.
 *
 * @param blobs     config and layers of an image manifest, which the repository must hold (foreign layers
 *                  excepted: their bytes live elsewhere)
 * @param manifests the manifests an index lists, which the repository must hold
 */
record ManifestDocument(String mediaType, List<Digest> blobs, List<Digest> manifests, Optional<Digest> subject,
                        String artifactType, JsonNode annotations) {
    static final Set<String> MEDIA_TYPES = Set.of(MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX,
            MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST);
    /** The largest manifest accepted, as distribution's limit. */
    static final int MAX_SIZE = 4 << 20;

    /**
     * Reads a manifest body. {@code contentType} is the request's Content-Type (may be null); when both it and
     * the body's mediaType are given they must agree.
     */
    static ManifestDocument parse(byte[] body, String contentType) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw ErrorCode.MANIFEST_INVALID.with("manifest is not JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw ErrorCode.MANIFEST_INVALID.with("manifest is not a JSON object");
        }
        if (root.path("schemaVersion").asInt(-1) != 2) {
            throw ErrorCode.MANIFEST_INVALID.with("schemaVersion must be 2");
        }
        String declared = root.path("mediaType").isTextual() ? root.get("mediaType").asText() : null;
        String mediaType = mediaType(contentType, declared, root);
        boolean index = mediaType.equals(MediaTypes.OCI_INDEX) || mediaType.equals(MediaTypes.DOCKER_MANIFEST_LIST);
        List<Digest> blobs = new ArrayList<>();
        List<Digest> manifests = new ArrayList<>();
        if (index) {
            for (JsonNode entry : array(root, "manifests", true)) {
                manifests.add(descriptorDigest(entry, "manifests[]"));
            }
        } else {
            JsonNode config = root.get("config");
            if (config == null || !config.isObject()) {
                throw ErrorCode.MANIFEST_INVALID.with("an image manifest needs a config descriptor");
            }
            blobs.add(descriptorDigest(config, "config"));
            for (JsonNode layer : array(root, "layers", !mediaType.equals(MediaTypes.OCI_MANIFEST))) {
                Digest digest = descriptorDigest(layer, "layers[]");
                if (!foreign(layer.path("mediaType").asText())) {
                    blobs.add(digest);
                }
            }
        }
        Optional<Digest> subject = Optional.empty();
        if (root.hasNonNull("subject")) {
            subject = Optional.of(descriptorDigest(root.get("subject"), "subject"));
        }
        String artifactType = root.path("artifactType").isTextual() ? root.get("artifactType").asText()
                : index ? null : root.path("config").path("mediaType").asText(null);
        return new ManifestDocument(mediaType, List.copyOf(blobs), List.copyOf(manifests), subject, artifactType,
                root.get("annotations"));
    }

    private static String mediaType(String contentType, String declared, JsonNode root) {
        String header = contentType == null ? null : contentType.split(";", 2)[0].strip();
        if (header != null && (header.isEmpty() || !MEDIA_TYPES.contains(header))) {
            header = null;
        }
        if (header != null && declared != null && !header.equals(declared)) {
            throw ErrorCode.MANIFEST_INVALID.with("Content-Type " + header + " does not match the manifest's mediaType "
                    + declared);
        }
        String mediaType = header != null ? header : declared;
        if (mediaType == null) {
            // OCI documents may leave mediaType out; their shape tells them apart.
            mediaType = root.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
        }
        if (!MEDIA_TYPES.contains(mediaType)) {
            throw ErrorCode.MANIFEST_INVALID.with("unsupported manifest media type: " + mediaType);
        }
        return mediaType;
    }

    private static Iterable<JsonNode> array(JsonNode root, String field, boolean required) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw ErrorCode.MANIFEST_INVALID.with("the manifest has no " + field);
            }
            return List.of();
        }
        if (!node.isArray()) {
            throw ErrorCode.MANIFEST_INVALID.with(field + " is not an array");
        }
        return node;
    }

    private static Digest descriptorDigest(JsonNode descriptor, String where) {
        if (!descriptor.isObject() || !descriptor.path("digest").isTextual() || !descriptor.path("size").canConvertToLong()
                || descriptor.get("size").asLong() < 0 || !descriptor.path("mediaType").isTextual()) {
            throw ErrorCode.MANIFEST_INVALID.with(where + ": a descriptor needs mediaType, digest and size");
        }
        try {
            return Digest.parse(descriptor.get("digest").asText());
        } catch (InvalidArgument e) {
            throw ErrorCode.MANIFEST_INVALID.with(where + ": " + e.getMessage());
        }
    }

    // Non-distributable layers (Windows base layers): registries neither hold nor check them.
    private static boolean foreign(String mediaType) {
        return mediaType.startsWith("application/vnd.oci.image.layer.nondistributable.")
                || mediaType.equals("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");
    }

    /** The descriptor of this manifest as the referrers API lists it. */
    byte[] referrerDescriptor(Digest digest, long size) {
        ObjectNode descriptor = Json.MAPPER.createObjectNode();
        descriptor.put("mediaType", mediaType);
        descriptor.put("digest", digest.toString());
        descriptor.put("size", size);
        if (artifactType != null) {
            descriptor.put("artifactType", artifactType);
        }
        if (annotations != null && annotations.isObject() && !annotations.isEmpty()) {
            descriptor.set("annotations", annotations);
        }
        return Json.write(descriptor);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
