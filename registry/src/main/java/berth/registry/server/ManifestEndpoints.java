package berth.registry.server;

import berth.oci.Digest;
import berth.oci.Json;
import berth.oci.MediaTypes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Lock;

/**
 * Manifests by tag and by digest (fetch with content negotiation, push with every reference checked, delete),
 * tag listing, the catalog and the referrers API.
 */
final class ManifestEndpoints {
    private final Registry registry;

    ManifestEndpoints(Registry registry) {
        this.registry = registry;
    }

    RequestBody manifest(Request request, Route.Manifest route) {
        HttpMethod method = request.method();
        if (Registry.isRead(method)) {
            return RequestBody.none(() -> fetch(request, route));
        }
        if (method.equals(HttpMethod.PUT)) {
            return RequestBody.buffered(ManifestDocument.MAX_SIZE,
                    ErrorCode.MANIFEST_INVALID.with("manifest larger than " + ManifestDocument.MAX_SIZE + " bytes"),
                    body -> push(route, request.header("Content-Type"), body));
        }
        if (method.equals(HttpMethod.DELETE)) {
            return RequestBody.none(() -> delete(route));
        }
        throw Registry.notAllowed(method);
    }

    private Response fetch(Request request, Route.Manifest route) throws IOException {
        RepositoryName name = route.name();
        Digest digest = resolve(name, route.reference());
        String mediaType = registry.repositories.revision(name, digest)
                .orElseThrow(() -> unknown(name, route.reference()));
        if (route.reference() instanceof ManifestReference.Tag && !acceptable(mediaType, request.headers().getAll("Accept"))) {
            throw ErrorCode.MANIFEST_UNKNOWN.with("manifest " + name + ":" + route.reference() + " is " + mediaType
                    + ", which the request's Accept header does not take");
        }
        java.nio.file.Path blob = registry.blobs.path(digest);
        long size;
        try {
            size = Files.size(blob);
        } catch (java.nio.file.NoSuchFileException e) {
            throw unknown(name, route.reference());
        }
        return Response.status(200)
                .header("Docker-Content-Digest", digest)
                .header("ETag", "\"" + digest + "\"")
                .file(mediaType, new Response.FileRange(blob, 0, size));
    }

    private Digest resolve(RepositoryName name, ManifestReference reference) throws IOException {
        return switch (reference) {
            case ManifestReference.Tag tag -> registry.repositories.tag(name, tag).orElseThrow(() -> unknown(name, tag));
            case ManifestReference.ByDigest(Digest digest) -> digest;
        };
    }

    private static RegistryException unknown(RepositoryName name, ManifestReference reference) {
        return ErrorCode.MANIFEST_UNKNOWN.with("manifest " + name + (reference instanceof ManifestReference.Tag ? ":" : "@")
                + reference + " is not in the registry");
    }

    /** Whether a media type is among those of Accept headers; no header, or a wildcard, takes anything. */
    static boolean acceptable(String mediaType, List<String> acceptHeaders) {
        if (acceptHeaders.isEmpty()) {
            return true;
        }
        String family = mediaType.substring(0, mediaType.indexOf('/') + 1) + "*";
        return acceptHeaders.stream()
                .flatMap(header -> Arrays.stream(header.split(",")))
                .map(entry -> entry.split(";", 2)[0].strip())
                .anyMatch(type -> type.equals(mediaType) || type.equals("*/*") || type.equals(family));
    }

    private Response push(Route.Manifest route, String contentType, byte[] body) throws IOException {
        RepositoryName name = route.name();
        ManifestDocument manifest = ManifestDocument.parse(body, contentType);
        Digest digest = Digest.sha256(body);
        if (route.reference() instanceof ManifestReference.ByDigest(Digest named) && !named.equals(digest)) {
            throw ErrorCode.DIGEST_INVALID.with("the manifest's digest is " + digest + ", not " + named);
        }
        Lock shared = registry.collection.readLock();
        shared.lock();
        try {
            // Each check also refreshes the link it checked: garbage collection keeps what a push just used.
            for (Digest blob : manifest.blobs()) {
                if (!registry.repositories.hasLayer(name, blob) || !registry.blobs.exists(blob)) {
                    throw ErrorCode.MANIFEST_BLOB_UNKNOWN.with("blob " + blob + " is not in " + name);
                }
                registry.repositories.linkLayer(name, blob);
            }
            for (Digest child : manifest.manifests()) {
                if (registry.repositories.revision(name, child).isEmpty() || !registry.blobs.exists(child)) {
                    throw ErrorCode.MANIFEST_BLOB_UNKNOWN.with("manifest " + child + " is not in " + name);
                }
                registry.repositories.touchRevision(name, child);
            }
            registry.blobs.put(body);
            registry.repositories.putRevision(name, digest, manifest.mediaType());
            if (manifest.subject().isPresent()) {
                registry.repositories.putReferrer(name, manifest.subject().get(), digest,
                        manifest.referrerDescriptor(digest, body.length));
            }
            if (route.reference() instanceof ManifestReference.Tag tag) {
                registry.repositories.putTag(name, tag, digest);
            }
        } finally {
            shared.unlock();
        }
        Response response = Response.status(201)
                .header("Location", "/v2/" + name + "/manifests/" + digest)
                .header("Docker-Content-Digest", digest);
        manifest.subject().ifPresent(subject -> response.header("OCI-Subject", subject));
        return response;
    }

    private Response delete(Route.Manifest route) throws IOException {
        if (!registry.deleteEnabled) {
            throw registry.deletesDisabled();
        }
        RepositoryName name = route.name();
        switch (route.reference()) {
            case ManifestReference.Tag tag -> {
                if (!registry.repositories.deleteTag(name, tag)) {
                    throw unknown(name, tag);
                }
            }
            case ManifestReference.ByDigest(Digest digest) -> {
                Optional<String> mediaType = registry.repositories.revision(name, digest);
                if (mediaType.isEmpty()) {
                    throw unknown(name, route.reference());
                }
                if (registry.blobs.exists(digest)) {
                    ManifestDocument manifest = ManifestDocument.parse(registry.blobs.read(digest), mediaType.get());
                    if (manifest.subject().isPresent()) {
                        registry.repositories.deleteReferrer(name, manifest.subject().get(), digest);
                    }
                }
                for (String tag : registry.repositories.tags(name)) {
                    ManifestReference.Tag t = new ManifestReference.Tag(tag);
                    if (registry.repositories.tag(name, t).filter(digest::equals).isPresent()) {
                        registry.repositories.deleteTag(name, t);
                    }
                }
                registry.repositories.deleteRevision(name, digest);
            }
        }
        return Response.status(202);
    }

    RequestBody tags(Request request, Route.Tags route) {
        return RequestBody.none(() -> {
            RepositoryName name = route.name();
            if (!registry.repositories.exists(name)) {
                throw ErrorCode.NAME_UNKNOWN.with("repository " + name + " is not in the registry");
            }
            Page page = Page.of(registry.repositories.tags(name), request.query("n"), request.query("last"),
                    "/v2/" + name + "/tags/list");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name.value());
            body.put("tags", page.entries());
            return page.addLink(Response.status(200).json(body));
        });
    }

    RequestBody catalog(Request request) {
        return RequestBody.none(() -> {
            List<String> names = registry.repositories.list().stream().map(RepositoryName::value).toList();
            Page page = Page.of(names, request.query("n"), request.query("last"), "/v2/_catalog");
            return page.addLink(Response.status(200).json(Map.of("repositories", page.entries())));
        });
    }

    RequestBody referrers(Request request, Route.Referrers route) {
        return RequestBody.none(() -> {
            String artifactType = request.query("artifactType");
            ArrayNode manifests = Json.MAPPER.createArrayNode();
            for (byte[] stored : registry.repositories.referrers(route.name(), route.digest())) {
                JsonNode descriptor = Json.MAPPER.readTree(stored);
                if (artifactType == null || artifactType.equals(descriptor.path("artifactType").asText(null))) {
                    manifests.add(descriptor);
                }
            }
            ObjectNode index = Json.MAPPER.createObjectNode();
            index.put("schemaVersion", 2);
            index.put("mediaType", MediaTypes.OCI_INDEX);
            index.set("manifests", manifests);
            Response response = Response.status(200).body(MediaTypes.OCI_INDEX, Json.write(index));
            return artifactType == null ? response : response.header("OCI-Filters-Applied", "artifactType");
        });
    }
}
