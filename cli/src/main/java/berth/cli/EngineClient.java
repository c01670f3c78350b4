package berth.cli;

import berth.cli.format.Json;
import berth.cli.http.HttpConnection;
import berth.cli.http.HttpConnection.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Engine API as the CLI calls it: negotiates the version once with {@code GET /_ping}
 * (min of ours and the daemon's {@code Api-Version}), prefixes every path with {@code /vX.Y},
 * turns error answers into {@link DaemonException} and an unreachable socket into
 * {@link CannotConnectException}. The ping's connection is kept for the next call.
 */
public final class EngineClient {
    public static final String OWN_VERSION = "1.51";

    private final String host;
    private final Path socket;
    private String version;
    private HttpConnection idle;
    private final List<HttpConnection> handedOut = new ArrayList<>();

    public EngineClient(String host) {
        this.host = host;
        if (!host.startsWith("unix://")) {
            throw new IllegalArgumentException("unsupported host " + host + ": only unix:// sockets are supported");
        }
        this.socket = Path.of(host.substring("unix://".length()));
    }

    public String host() {
        return host;
    }

    /** Query parameters in order; null values are left out. */
    public static final class Query {
        private final StringBuilder sb = new StringBuilder();

        public Query add(String key, Object value) {
            if (value != null) {
                sb.append(sb.isEmpty() ? '?' : '&').append(key).append('=')
                        .append(URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8).replace("+", "%20"));
            }
            return this;
        }

        public Query flag(String key, boolean on) {
            return on ? add(key, "1") : this;
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }

    public static Query query() {
        return new Query();
    }

    public synchronized String apiVersion() {
        if (version == null) {
            negotiate();
        }
        return version;
    }

    private void negotiate() {
        HttpConnection c = connect();
        try {
            Response r = c.exchange("GET", "/_ping", headers(), null);
            r.readAll();
            String server = r.header("Api-Version");
            version = server == null || compare(server, OWN_VERSION) > 0 ? OWN_VERSION : server;
            if (!"close".equalsIgnoreCase(r.header("Connection"))) {
                idle = c;
            } else {
                c.close();
            }
        } catch (IOException e) {
            c.close();
            throw new CannotConnectException(host);
        }
    }

    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length ? parseOr0(x[i]) : 0;
            int q = i < y.length ? parseOr0(y[i]) : 0;
            if (p != q) {
                return Integer.compare(p, q);
            }
        }
        return 0;
    }

    private static int parseOr0(String s) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private synchronized HttpConnection connect() {
        if (idle != null) {
            HttpConnection c = idle;
            idle = null;
            return c;
        }
        try {
            return HttpConnection.open(socket);
        } catch (IOException e) {
            throw new CannotConnectException(host);
        }
    }

    private Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("User-Agent", "Berth-Client/" + Main.VERSION + " (linux)");
        return h;
    }

    private String target(String path, Query q) {
        return "/v" + apiVersion() + path + (q == null ? "" : q.toString());
    }

    /** A call whose answer body is streamed by the caller (logs, events, save); error answers throw. */
    public Response stream(String method, String path, Query q, InputStream body, long length, String contentType) {
        return stream(method, path, q, body, length, contentType, Map.of());
    }

    /** As {@link #stream(String, String, Query, InputStream, long, String)}, with more request headers (X-Registry-Auth). */
    public Response stream(String method, String path, Query q, InputStream body, long length, String contentType,
                           Map<String, String> extraHeaders) {
        String target = target(path, q);
        HttpConnection c = connect();
        try {
            Map<String, String> h = headers();
            h.putAll(extraHeaders);
            if (body != null) {
                h.put("Content-Type", contentType);
            }
            Response r = c.exchange(method, target, h, body, length);
            if (r.status() >= 400) {
                throw error(r);
            }
            return r;
        } catch (IOException e) {
            c.close();
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of {@code jsonBody}, or null for none; a body's Content-Type goes into {@code headers}. */
    private static byte[] jsonBody(Object jsonBody, Map<String, String> headers) {
        if (jsonBody == null) {
            return null;
        }
        headers.put("Content-Type", "application/json");
        return Json.write(jsonBody).getBytes(StandardCharsets.UTF_8);
    }

    /** A JSON call: the parsed answer, or null for an empty body. The connection is reused. */
    public Object call(String method, String path, Query q, Object jsonBody) {
        return call(method, path, q, jsonBody, Map.of());
    }

    /** As {@link #call(String, String, Query, Object)}, with more request headers (X-Registry-Auth). */
    public Object call(String method, String path, Query q, Object jsonBody, Map<String, String> extraHeaders) {
        String target = target(path, q);
        HttpConnection c = connect();
        try {
            Map<String, String> h = headers();
            h.putAll(extraHeaders);
            byte[] body = jsonBody(jsonBody, h);
            Response r = c.exchange(method, target, h, body);
            if (r.status() >= 400) {
                DaemonException e = error(r);
                c.close();
                throw e;
            }
            byte[] bytes = r.readAll();
            if ("close".equalsIgnoreCase(r.header("Connection")) || r.endsWithConnection()) {
                c.close();
            } else {
                release(c);
            }
            return bytes.length == 0 ? null : Json.parse(bytes);
        } catch (IOException e) {
            c.close();
            throw new UncheckedIOException(e);
        }
    }

    public Object get(String path, Query q) {
        return call("GET", path, q, null);
    }

    public Object post(String path, Query q, Object body) {
        return call("POST", path, q, body);
    }

    /**
     * A request sent on a connection of its own whose answer is read later: its head once the daemon has
     * registered the request (a wait before start), its JSON body when the daemon sends it.
     */
    public final class Pending {
        private final HttpConnection connection;
        private Response response;

        private Pending(HttpConnection connection) {
            this.connection = connection;
        }

        /** Reads the answer's head, which the daemon sends once the request is registered. */
        public Pending registered() {
            if (response == null) {
                try {
                    response = connection.receive("POST");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return this;
        }

        /** The JSON answer, or null for an empty body; an error answer throws. */
        public Object get() {
            registered();
            if (response.status() >= 400) {
                throw error(response);
            }
            try {
                byte[] bytes = response.readAll();
                return bytes.length == 0 ? null : Json.parse(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Sends {@code POST path} on its own connection; the answer is read through the returned handle. */
    public Pending send(String path, Query q) {
        String target = target(path, q);
        HttpConnection c;
        try {
            c = HttpConnection.open(socket);
        } catch (IOException e) {
            throw new CannotConnectException(host);
        }
        handedOut(c);
        try {
            c.send("POST", target, headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Pending(c);
    }

    /** As {@link #send}, having read the answer's head: the request is registered when this returns. */
    public Pending postNow(String path, Query q) {
        return send(path, q).registered();
    }

    /** An attach or exec start: the hijacked connection, raw both ways, with its content type. */
    public Response hijack(String path, Query q, Object jsonBody) {
        String target = target(path, q);
        HttpConnection c = connect();
        try {
            Map<String, String> h = headers();
            byte[] body = jsonBody(jsonBody, h);
            Response r = c.upgrade("POST", target, h, body);
            if (r.status() >= 400) {
                DaemonException e = error(r);
                c.close();
                throw e;
            }
            handedOut(c);
            return r;
        } catch (IOException e) {
            c.close();
            throw new UncheckedIOException(e);
        }
    }

    private static DaemonException error(Response r) {
        String message;
        try {
            byte[] bytes = r.readAll();
            String text = new String(bytes, StandardCharsets.UTF_8).strip();
            Object tree = null;
            try {
                tree = Json.parse(bytes);
            } catch (RuntimeException notJson) {
                // a plain-text error body
            }
            message = tree instanceof Map<?, ?> m && m.get("message") != null ? String.valueOf(m.get("message")) : text;
            if (message.isEmpty()) {
                message = r.reason().isEmpty() ? "status " + r.status() : r.reason();
            }
        } catch (IOException e) {
            message = "status " + r.status();
        }
        r.connection().close();
        return new DaemonException(r.status(), message);
    }

    /** A connection the caller keeps (a hijacked stream, a pending answer): {@link #close} closes it. */
    private synchronized void handedOut(HttpConnection c) {
        handedOut.add(c);
    }

    private synchronized void release(HttpConnection c) {
        if (idle != null) {
            idle.close();
        }
        idle = c;
    }

    /**
     * Closes the idle connection and those handed out. A command run as its own process does not call this: its
     * connections end with it, and closing a connected channel first initialises the JDK's network classes.
     */
    public synchronized void close() {
        if (idle != null) {
            idle.close();
            idle = null;
        }
        handedOut.forEach(HttpConnection::close);
        handedOut.clear();
    }
}
