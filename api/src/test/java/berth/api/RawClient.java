package berth.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A bare HTTP/1.1 client over a JDK unix socket, for what the docker CLI cannot show (heads, frames, half-close). */
final class RawClient implements AutoCloseable {
    final SocketChannel channel;
    private byte[] pending = new byte[0];

    RawClient(Path socket) throws IOException {
        channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
    }

    /** A response: its status line, headers (lower-case names) and body (de-chunked). */
    record Response(int status, String statusLine, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** One request with {@code Connection: close}, read to the end. */
    static Response exchange(Path socket, String method, String path, String body) throws IOException {
        try (RawClient c = new RawClient(socket)) {
            byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            c.send(method + " " + path + " HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n"
                    + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n")
                    + "\r\n");
            c.send(b);
            return c.readResponse(true, method.equals("HEAD"));
        }
    }

    /** Reads one chunk of a chunked body (the head already read). */
    String readChunk() throws IOException {
        int size = Integer.parseInt(readLine().strip(), 16);
        String chunk = new String(readExactly(size), StandardCharsets.UTF_8);
        readLine();
        return chunk;
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    /** Reads a head; then the body by Content-Length, chunks, or (if {@code toEof}) to the end of the stream. */
    Response readResponse(boolean toEof) throws IOException {
        return readResponse(toEof, false);
    }

    Response readResponse(boolean toEof, boolean headRequest) throws IOException {
        String head = readHead();
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        byte[] body;
        if (headRequest) {
            body = new byte[0]; // the length of a body that is not sent
        } else if (headers.containsKey("content-length")) {
            body = readExactly(Integer.parseInt(headers.get("content-length")));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                int size = Integer.parseInt(readLine().strip(), 16);
                if (size == 0) {
                    readLine();
                    break;
                }
                out.write(readExactly(size));
                readLine();
            }
            body = out.toByteArray();
        } else if (toEof && status != 204 && status != 304) {
            body = readToEof();
        } else {
            body = new byte[0];
        }
        return new Response(status, lines[0], headers, body);
    }

    String readHead() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String line = readLine();
            if (line.isEmpty()) {
                return out.toString(StandardCharsets.UTF_8);
            }
            out.write((out.size() == 0 ? line : "\r\n" + line).getBytes(StandardCharsets.UTF_8));
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            byte b = readExactly(1)[0];
            if (b == '\n') {
                String s = out.toString(StandardCharsets.UTF_8);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            out.write(b);
        }
    }

    byte[] readExactly(int n) throws IOException {
        while (pending.length < n) {
            if (!fill()) {
                throw new IOException("end of stream after " + pending.length + " of " + n + " bytes");
            }
        }
        byte[] result = Arrays.copyOf(pending, n);
        pending = Arrays.copyOfRange(pending, n, pending.length);
        return result;
    }

    byte[] readToEof() throws IOException {
        while (fill()) {
            // keep reading
        }
        byte[] result = pending;
        pending = new byte[0];
        return result;
    }

    private boolean fill() throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        int n = channel.read(buf);
        if (n < 0) {
            return false;
        }
        byte[] more = Arrays.copyOf(buf.array(), n);
        byte[] joined = Arrays.copyOf(pending, pending.length + n);
        System.arraycopy(more, 0, joined, pending.length, n);
        pending = joined;
        return true;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
