package berth.cli.http;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 connection to the daemon's unix socket. It writes requests (with a fixed or a
 * chunked body), reads responses with Content-Length, chunked or close-delimited bodies, and
 * can be hijacked: after the upgrade reply the socket carries raw bytes both ways, and
 * {@link #shutdownOutput()} half-closes it when stdin ends.
 */
public final class HttpConnection implements Closeable {
    private static final String SELECTOR_PROVIDER = "java.nio.channels.spi.SelectorProvider";
    private static final String EPOLL_PROVIDER = "sun.nio.ch.EPollSelectorProvider";

    static {
        preferDefaultSelectorProvider();
    }

    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;

    private HttpConnection(SocketChannel channel) {
        this.channel = channel;
        // Own streams over the channel: the JDK's Channels.newInputStream may hold the channel's
        // blocking lock while reading, which would stall a concurrent write on a hijacked socket.
        this.in = new java.io.BufferedInputStream(new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                int n = read(b, 0, 1);
                return n < 0 ? -1 : b[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                return channel.read(ByteBuffer.wrap(b, off, len));
            }
        }, 16384);
        this.out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            }
        };
    }

    /**
     * Names the JDK's own selector provider (the one its lookup ends with on Linux) as the system
     * property SelectorProvider.provider() reads first. Without it, the first SocketChannel.open
     * looks for a provider as a service on the class path, which opens and indexes berth-cli.jar:
     * ~15 ms, half of what a {@code berth version} spends after the JVM has started.
     */
    private static void preferDefaultSelectorProvider() {
        if (System.getProperty(SELECTOR_PROVIDER) != null) {
            return;
        }
        try {
            Class.forName(EPOLL_PROVIDER, false, null);
            System.setProperty(SELECTOR_PROVIDER, EPOLL_PROVIDER);
        } catch (ClassNotFoundException otherJdk) {
            // not a Linux JDK with that class: the lookup finds the default itself
        }
    }

    public static HttpConnection open(Path socket) throws IOException {
        SocketChannel ch = UnixChannels.open();
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new HttpConnection(ch);
    }

    /** The status, headers (lower-case names) and body of one response. */
    public record Response(int status, String reason, Map<String, String> headers, InputStream body, HttpConnection connection) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public byte[] readAll() throws IOException {
            return body.readAllBytes();
        }

        /** Whether the body runs to the end of the connection (no length, not chunked, not bodiless like a 204). */
        public boolean endsWithConnection() {
            return body == connection.in;
        }
    }

    /** Sends a request; a non-null {@code body} of unknown length ({@code length < 0}) is sent chunked. */
    public Response exchange(String method, String target, Map<String, String> headers, InputStream body, long length) throws IOException {
        writeHead(method, target, headers, body, length);
        if (body != null) {
            if (length >= 0) {
                body.transferTo(out);
            } else {
                byte[] buf = new byte[65536];
                int n;
                while ((n = body.read(buf)) > 0) {
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(buf, 0, n);
                    out.write(CRLF);
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        }
        return readResponse(method);
    }

    public Response exchange(String method, String target, Map<String, String> headers, byte[] body) throws IOException {
        return exchange(method, target, headers, body == null ? null : new java.io.ByteArrayInputStream(body), body == null ? -1 : body.length);
    }

    /** Writes a bodiless request now; {@link #receive} reads its answer later (wait before start). */
    public void send(String method, String target, Map<String, String> headers) throws IOException {
        writeHead(method, target, headers, null, -1);
    }

    public Response receive(String method) throws IOException {
        return readResponse(method);
    }

    /** Writes a request and reads only the response head; for hijacking the body stays raw. */
    public Response upgrade(String method, String target, Map<String, String> headers, byte[] body) throws IOException {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("Connection", "Upgrade");
        h.put("Upgrade", "tcp");
        writeHead(method, target, h, body == null ? null : new java.io.ByteArrayInputStream(body), body == null ? 0 : body.length);
        if (body != null) {
            out.write(body);
        }
        Response head = readHead();
        if (head.status() == 101 || head.status() == 200) {
            return new Response(head.status(), head.reason(), head.headers(), in, this);
        }
        return new Response(head.status(), head.reason(), head.headers(), bodyStream(head.headers(), method), this);
    }

    private static final byte[] CRLF = {'\r', '\n'};

    private void writeHead(String method, String target, Map<String, String> headers, InputStream body, long length) throws IOException {
        StringBuilder sb = new StringBuilder(256);
        sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: api.moby.localhost\r\n");
        for (Map.Entry<String, String> e : headers.entrySet()) {
            sb.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
        }
        if (body != null) {
            if (length >= 0) {
                sb.append("Content-Length: ").append(length).append("\r\n");
            } else {
                sb.append("Transfer-Encoding: chunked\r\n");
            }
        } else if (method.equals("POST") || method.equals("PUT")) {
            sb.append("Content-Length: 0\r\n");
        }
        sb.append("\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private Response readResponse(String method) throws IOException {
        Response head = readHead();
        return new Response(head.status(), head.reason(), head.headers(), bodyStream(head.headers(), method, head.status()), this);
    }

    private InputStream bodyStream(Map<String, String> headers, String method) {
        return bodyStream(headers, method, 200);
    }

    private InputStream bodyStream(Map<String, String> headers, String method, int status) {
        if (method.equals("HEAD") || status == 204 || status == 304) {
            return InputStream.nullInputStream();
        }
        String te = headers.get("transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            return new ChunkedInputStream(in);
        }
        String cl = headers.get("content-length");
        if (cl != null) {
            return new BoundedInputStream(in, Long.parseLong(cl.strip()));
        }
        return in;
    }

    private Response readHead() throws IOException {
        String status = readLine(in);
        if (status == null) {
            throw new IOException("the daemon closed the connection without a response");
        }
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("malformed HTTP status line: " + status);
        }
        int code = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
        }
        return new Response(code, parts.length > 2 ? parts[2] : "", headers, null, this);
    }

    /** A CRLF- (or LF-) terminated line without its terminator; null at end of stream. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] b = buf.toByteArray();
                int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
                return new String(b, 0, len, StandardCharsets.ISO_8859_1);
            }
            buf.write(c);
        }
        return buf.size() == 0 ? null : buf.toString(StandardCharsets.ISO_8859_1);
    }

    public InputStream input() {
        return in;
    }

    public OutputStream output() {
        return out;
    }

    /** Half-closes: the daemon sees end of stdin and keeps sending output. */
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a socket the daemon already closed
        }
    }

    /** A body with a Content-Length. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long length) {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int c = in.read();
            if (c >= 0) {
                remaining--;
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }
    }
}
