package berth.api;

import io.netty.handler.codec.http.HttpMethod;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The API's routes as values: a method, a path pattern, how the request body is read and the handler. A pattern's
 * segment {@code {id}} matches one path segment; at most one {@code {name*}} matches one or more segments, which is
 * how image names with slashes ({@code localhost:5000/a/b:tag}) fit in {@code /images/{name*}/json}. Routes are
 * tried in the order added.
 */
final class Router {

    /** Handles one request on a virtual thread; it must answer through the exchange (or throw). */
    @FunctionalInterface
    interface Handler {
        void handle(Exchange exchange) throws Exception;
    }

    /** How a route takes its request body. */
    enum Body {
        /** Read whole (bounded) before the handler runs. */
        BUFFERED,
        /** Handed to the handler as an {@link java.io.InputStream} while it arrives (import, load). */
        STREAMED,
        /** Not read: the connection is hijacked as soon as the request head is in (attach). */
        HIJACK
    }

    record Route(HttpMethod method, String pattern, Body body, Predicate<byte[]> hijacksAfterBody, Handler handler) {
        List<String> segments() {
            return split(pattern);
        }
    }

    record Match(Route route, Map<String, String> params) {}

    private final List<Route> routes = new ArrayList<>();

    Router add(HttpMethod method, String pattern, Handler handler) {
        return add(method, pattern, Body.BUFFERED, handler);
    }

    Router add(HttpMethod method, String pattern, Body body, Handler handler) {
        routes.add(new Route(method, pattern, body, null, handler));
        return this;
    }

    /** A buffered route that hijacks the connection after its body when {@code hijacks} says so (exec start). */
    Router addHijackingAfterBody(HttpMethod method, String pattern, Predicate<byte[]> hijacks, Handler handler) {
        routes.add(new Route(method, pattern, Body.BUFFERED, hijacks, handler));
        return this;
    }

    /** The route for a request; an unknown path or method is docker's 404 {@code page not found}. */
    Match match(HttpMethod method, String path) {
        List<String> segments = split(path);
        for (Route route : routes) {
            boolean sameMethod = route.method().equals(method)
                    || (method.equals(HttpMethod.HEAD) && route.method().equals(HttpMethod.GET));
            if (!sameMethod) {
                continue;
            }
            Map<String, String> params = matchSegments(route.segments(), segments);
            if (params != null) {
                return new Match(route, params);
            }
        }
        throw HttpError.pageNotFound();
    }

    private static Map<String, String> matchSegments(List<String> pattern, List<String> path) {
        int greedy = -1;
        for (int i = 0; i < pattern.size(); i++) {
            if (pattern.get(i).endsWith("*}")) {
                greedy = i;
            }
        }
        Map<String, String> params = new HashMap<>();
        if (greedy < 0) {
            if (pattern.size() != path.size()) {
                return null;
            }
            for (int i = 0; i < pattern.size(); i++) {
                if (!matchOne(pattern.get(i), path.get(i), params)) {
                    return null;
                }
            }
            return params;
        }
        int after = pattern.size() - greedy - 1;
        if (path.size() < pattern.size()) {
            return null;
        }
        for (int i = 0; i < greedy; i++) {
            if (!matchOne(pattern.get(i), path.get(i), params)) {
                return null;
            }
        }
        for (int i = 0; i < after; i++) {
            if (!matchOne(pattern.get(pattern.size() - 1 - i), path.get(path.size() - 1 - i), params)) {
                return null;
            }
        }
        String name = pattern.get(greedy);
        params.put(name.substring(1, name.length() - 2), String.join("/", path.subList(greedy, path.size() - after)));
        return params;
    }

    private static boolean matchOne(String pattern, String segment, Map<String, String> params) {
        if (pattern.startsWith("{") && pattern.endsWith("}")) {
            if (segment.isEmpty()) {
                return false;
            }
            params.put(pattern.substring(1, pattern.length() - 1), segment);
            return true;
        }
        return pattern.equals(segment);
    }

    private static List<String> split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? List.of() : Arrays.asList(trimmed.split("/", -1));
    }
}
