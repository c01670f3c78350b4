package berth.registry.server;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.List;

/** A request's head as the registry reads it: method, decoded path, query parameters and headers. */
record Request(HttpMethod method, QueryStringDecoder uri, HttpHeaders headers) {
    String path() {
        return uri.path();
    }

    /** The first value of query parameter {@code name}, or null. */
    String query(String name) {
        List<String> values = uri.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    String header(String name) {
        return headers.get(name);
    }

    boolean isHead() {
        return method.equals(HttpMethod.HEAD);
    }
}
