package berth.registry.server;

import berth.oci.Digest;
import berth.oci.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A registry server on 127.0.0.1 and a temporary root, driven with the JDK's HttpClient as any client would. */
final class TestRegistry implements AutoCloseable {
    final RegistryServer server;
    final Path root;
    final HttpClient client;
    final String base;

    TestRegistry(RegistryConfig config) {
        this(config, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    }

    TestRegistry(RegistryConfig config, HttpClient client) {
        this.server = new RegistryServer(config);
        server.start();
        this.root = config.root();
        this.client = client;
        this.base = server.url();
    }

    static TestRegistry start(Path root) {
        return new TestRegistry(RegistryConfig.of("127.0.0.1:0", root));
    }

    /** Sends a request; {@code headers} alternate name and value. A null body sends none. */
    HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<byte[]> get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    /** Pushes a blob in one POST; asserts it was created. */
    Digest pushBlob(String repository, byte[] bytes) {
        Digest digest = Digest.sha256(bytes);
        HttpResponse<byte[]> response = send("POST", "/v2/" + repository + "/blobs/uploads/?digest=" + digest, bytes);
        assertEquals(201, response.statusCode(), () -> text(response));
        return digest;
    }

    /** Pushes an image manifest of the given blobs (first the config); returns its bytes. */
    byte[] pushImage(String repository, String reference, String mediaType, Digest config, long configSize,
                     List<Digest> layers, List<Long> sizes) {
        byte[] manifest = manifest(mediaType, config, configSize, layers, sizes, null);
        HttpResponse<byte[]> response = send("PUT", "/v2/" + repository + "/manifests/" + reference, manifest,
                "Content-Type", mediaType);
        assertEquals(201, response.statusCode(), () -> text(response));
        return manifest;
    }

    static byte[] manifest(String mediaType, Digest config, long configSize, List<Digest> layers, List<Long> sizes,
                           String extra) {
        boolean docker = mediaType.contains("docker");
        List<String> layerJson = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            layerJson.add("{\"mediaType\":\"" + (docker ? "application/vnd.docker.image.rootfs.diff.tar.gzip"
                    : "application/vnd.oci.image.layer.v1.tar+gzip") + "\",\"digest\":\"" + layers.get(i)
                    + "\",\"size\":" + sizes.get(i) + "}");
        }
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + mediaType + "\",\"config\":{\"mediaType\":\""
                + (docker ? "application/vnd.docker.container.image.v1+json" : "application/vnd.oci.image.config.v1+json")
                + "\",\"digest\":\"" + config + "\",\"size\":" + configSize + "},\"layers\":[" + String.join(",", layerJson)
                + "]" + (extra == null ? "" : "," + extra) + "}").getBytes(StandardCharsets.UTF_8);
    }

    static String text(HttpResponse<byte[]> response) {
        return response.statusCode() + " " + new String(response.body(), StandardCharsets.UTF_8);
    }

    static JsonNode json(HttpResponse<byte[]> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text(response), e);
        }
    }

    /** Asserts a spec error: status, the one code in the errors array, and a message. */
    static void assertError(int status, ErrorCode code, HttpResponse<byte[]> response) {
        assertEquals(status, response.statusCode(), () -> text(response));
        if (!response.request().method().equals("HEAD")) {
            JsonNode errors = json(response).path("errors");
            assertEquals(1, errors.size(), () -> text(response));
            assertEquals(code.name(), errors.get(0).path("code").asText(), () -> text(response));
            assertEquals(code.message(), errors.get(0).path("message").asText());
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
