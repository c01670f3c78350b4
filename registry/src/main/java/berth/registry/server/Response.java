package berth.registry.server;

import berth.oci.Json;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An answer of the registry before it meets the wire: status, headers, and a body that is bytes or a range of a
 * blob's file (sent with zero copy where the connection allows). A HEAD request gets the same headers, no body.
 */
final class Response {
    private static final byte[] EMPTY = new byte[0];

    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    byte[] body = EMPTY;
    FileRange file;

    /** {@code length} bytes of {@code path} from {@code offset}. */
    record FileRange(Path path, long offset, long length) {}

    private Response(int status) {
        this.status = status;
    }

    static Response status(int status) {
        return new Response(status);
    }

    Response header(String name, Object value) {
        headers.put(name, String.valueOf(value));
        return this;
    }

    Response body(String contentType, byte[] bytes) {
        headers.put("Content-Type", contentType);
        this.body = bytes;
        return this;
    }

    Response json(Object value) {
        return body("application/json", Json.write(value));
    }

    Response file(String contentType, FileRange range) {
        headers.put("Content-Type", contentType);
        this.file = range;
        return this;
    }

    long contentLength() {
        return file != null ? file.length() : body.length;
    }

    /** The spec's error body: {@code {"errors":[{"code":…,"message":…,"detail":…}]}}. */
    static Response error(RegistryException e) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", e.code().name());
        error.put("message", e.code().message());
        error.put("detail", e.detail());
        return status(e.status()).json(Map.of("errors", List.of(error)));
    }

    /** A fault of the server itself. */
    static Response internal(String message) {
        return status(500).body("application/json", ("{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"internal error\","
                + "\"detail\":" + new String(Json.write(message), StandardCharsets.UTF_8) + "}]}")
                .getBytes(StandardCharsets.UTF_8));
    }
}
