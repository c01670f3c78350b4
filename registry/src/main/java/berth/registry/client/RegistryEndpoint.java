package berth.registry.client;

import berth.oci.Digest;
import berth.oci.Json;
import berth.oci.errors.InvalidArgument;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One call of the distribution API as a value: its method, where it goes, what it sends and how its answer is
 * read. {@link RegistryCaller} sends any of them, doing authentication, retries and redirects. {@link #read} is
 * given the response only for a status the endpoint {@link #accepts}; it owns the body stream from then on.
 */
sealed interface RegistryEndpoint<T> {
    int MANIFEST_LIMIT = 4 * 1024 * 1024;
    String MANIFEST_ACCEPT = String.join(", ", berth.oci.MediaTypes.OCI_INDEX, berth.oci.MediaTypes.DOCKER_MANIFEST_LIST,
            berth.oci.MediaTypes.OCI_MANIFEST, berth.oci.MediaTypes.DOCKER_MANIFEST);

    String method();

    /** The target: a path under {@code /v2/}, or an absolute upload location the registry gave. */
    URI uri(URI base);

    /** Whether the endpoint may be repeated after a failed connection. */
    default boolean idempotent() {
        return method().equals("GET") || method().equals("HEAD");
    }

    default Map<String, String> headers() {
        return Map.of();
    }

    default HttpRequest.BodyPublisher body() {
        return HttpRequest.BodyPublishers.noBody();
    }

    default boolean accepts(int status) {
        return status / 100 == 2;
    }

    T read(HttpResponse<InputStream> response) throws IOException;

    private static URI under(URI base, String path) {
        return base.resolve("/v2/" + path);
    }

    /** A manifest as the registry sent it: bytes, media type, and the digest it claims. */
    record FetchedManifest(byte[] bytes, String mediaType, Optional<Digest> claimed) {
        Digest digest() {
            return Digest.sha256(bytes);
        }
    }

    record ManifestGet(String repository, String reference) implements RegistryEndpoint<FetchedManifest> {
        @Override public String method() { return "GET"; }
        @Override public URI uri(URI base) { return under(base, repository + "/manifests/" + reference); }
        @Override public Map<String, String> headers() { return Map.of("Accept", MANIFEST_ACCEPT); }

        @Override
        public FetchedManifest read(HttpResponse<InputStream> response) throws IOException {
            byte[] bytes;
            try (InputStream in = response.body()) {
                bytes = in.readNBytes(MANIFEST_LIMIT + 1);
            }
            if (bytes.length > MANIFEST_LIMIT) {
                throw new InvalidArgument("manifest " + reference + " is larger than " + MANIFEST_LIMIT + " bytes");
            }
            Optional<Digest> claimed = response.headers().firstValue("Docker-Content-Digest").map(Digest::parse);
            String type = response.headers().firstValue("Content-Type").orElse("");
            return new FetchedManifest(bytes, type.replaceFirst(";.*", "").trim(), claimed);
        }
    }

    /** A blob's bytes from {@code offset} on; a registry that ignores the range answers 200 from the start. */
    record BlobGet(String repository, Digest digest, long offset) implements RegistryEndpoint<BlobStream> {
        @Override public String method() { return "GET"; }
        @Override public URI uri(URI base) { return under(base, repository + "/blobs/" + digest); }
        @Override public Map<String, String> headers() {
            return offset > 0 ? Map.of("Range", "bytes=" + offset + "-") : Map.of();
        }

        @Override
        public BlobStream read(HttpResponse<InputStream> response) {
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            boolean ranged = response.statusCode() == 206;
            return new BlobStream(response.body(), ranged ? offset : 0, length);
        }
    }

    /** An open blob body: where in the blob it starts and how many bytes it says it has (-1 unknown). */
    record BlobStream(InputStream body, long start, long length) {}

    record BlobHead(String repository, Digest digest) implements RegistryEndpoint<Boolean> {
        @Override public String method() { return "HEAD"; }
        @Override public URI uri(URI base) { return under(base, repository + "/blobs/" + digest); }
        @Override public boolean accepts(int status) { return status == 200 || status == 404; }

        @Override
        public Boolean read(HttpResponse<InputStream> response) throws IOException {
            response.body().close();
            return response.statusCode() == 200;
        }
    }

    /**
     * Starts an upload, asking first to mount the blob from {@code from} (another repository of the registry):
     * empty when the mount took (201), else the upload location (202).
     */
    record UploadStart(String repository, Optional<Digest> mount, Optional<String> from) implements RegistryEndpoint<Optional<URI>> {
        @Override public String method() { return "POST"; }
        @Override public boolean idempotent() { return true; }

        @Override
        public URI uri(URI base) {
            String query = mount.isPresent() && from.isPresent()
                    ? "?mount=" + mount.get() + "&from=" + URLEncoder.encode(from.get(), StandardCharsets.UTF_8) : "";
            return under(base, repository + "/blobs/uploads/" + query);
        }

        @Override
        public Optional<URI> read(HttpResponse<InputStream> response) throws IOException {
            response.body().close();
            if (response.statusCode() == 201) {
                return Optional.empty();
            }
            String location = response.headers().firstValue("Location")
                    .orElseThrow(() -> new IOException("the registry gave no upload location"));
            return Optional.of(response.uri().resolve(location));
        }
    }

    /** Sends a whole blob to an upload location and commits it under its digest. */
    record UploadPut(URI location, Digest digest, HttpRequest.BodyPublisher content) implements RegistryEndpoint<Void> {
        @Override public String method() { return "PUT"; }
        @Override public boolean idempotent() { return false; }
        @Override public Map<String, String> headers() { return Map.of("Content-Type", "application/octet-stream"); }
        @Override public HttpRequest.BodyPublisher body() { return content; }

        @Override
        public URI uri(URI base) {
            String sep = location.getRawQuery() == null ? "?" : "&";
            return URI.create(base.resolve(location) + sep + "digest=" + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8));
        }

        @Override
        public Void read(HttpResponse<InputStream> response) throws IOException {
            response.body().close();
            return null;
        }
    }

    record ManifestPut(String repository, String reference, String mediaType, byte[] bytes) implements RegistryEndpoint<Void> {
        @Override public String method() { return "PUT"; }
        @Override public boolean idempotent() { return true; }
        @Override public URI uri(URI base) { return under(base, repository + "/manifests/" + reference); }
        @Override public Map<String, String> headers() { return Map.of("Content-Type", mediaType); }
        @Override public HttpRequest.BodyPublisher body() { return HttpRequest.BodyPublishers.ofByteArray(bytes); }

        @Override
        public Void read(HttpResponse<InputStream> response) throws IOException {
            response.body().close();
            return null;
        }
    }

    /** {@code GET /v2/}: the base check a login makes; answers 200 once authorised. */
    record Ping() implements RegistryEndpoint<Void> {
        @Override public String method() { return "GET"; }
        @Override public URI uri(URI base) { return under(base, ""); }

        @Override
        public Void read(HttpResponse<InputStream> response) throws IOException {
            response.body().close();
            return null;
        }
    }

    /** {@code GET /v2/_catalog}: the repositories of the registry, following its pagination links. */
    record Catalog(int pageSize, String last) implements RegistryEndpoint<Page> {
        @Override public String method() { return "GET"; }

        @Override
        public URI uri(URI base) {
            return under(base, "_catalog?n=" + pageSize + (last == null ? "" : "&last=" + URLEncoder.encode(last, StandardCharsets.UTF_8)));
        }

        @Override
        public Page read(HttpResponse<InputStream> response) throws IOException {
            return Page.of(response, "repositories");
        }
    }

    /** {@code GET /v2/<name>/tags/list}: one page of a repository's tags, after {@code last} (null: the first). */
    record TagList(String repository, String last) implements RegistryEndpoint<Page> {
        @Override public String method() { return "GET"; }

        @Override
        public URI uri(URI base) {
            return under(base, repository + "/tags/list?n=1000" + (last == null ? "" : "&last=" + URLEncoder.encode(last, StandardCharsets.UTF_8)));
        }

        @Override
        public Page read(HttpResponse<InputStream> response) throws IOException {
            return Page.of(response, "tags");
        }
    }

    /** One page of names and whether the registry linked a next page. */
    record Page(List<String> names, boolean more) {
        static Page of(HttpResponse<InputStream> response, String field) throws IOException {
            JsonNode node;
            try (InputStream in = response.body()) {
                node = Json.MAPPER.readTree(in.readNBytes(MANIFEST_LIMIT));
            }
            List<String> names = new ArrayList<>();
            if (node != null && node.get(field) != null) {
                node.get(field).forEach(n -> names.add(n.asText()));
            }
            return new Page(names, response.headers().firstValue("Link").isPresent());
        }
    }
}
