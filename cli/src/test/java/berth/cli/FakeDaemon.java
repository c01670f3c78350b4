package berth.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A scripted Engine API server on a unix socket, for tests of the CLI's calls without berthd. */
final class FakeDaemon implements AutoCloseable {
    record Request(String method, String target, String body) {}

    /** The raw bytes to answer a request with; the connection closes after an upgrade answer. */
    private final Function<Request, byte[]> handler;
    private final ServerSocketChannel server;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final Path socket;

    FakeDaemon(Path socket, Function<Request, byte[]> handler) throws IOException {
        this.socket = socket;
        this.handler = handler;
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread.ofVirtual().start(() -> {
            while (server.isOpen()) {
                try {
                    SocketChannel c = server.accept();
                    Thread.ofVirtual().start(() -> serve(c));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    String host() {
        return "unix://" + socket;
    }

    private void serve(SocketChannel c) {
        try (c) {
            InputStream in = new BufferedInputStream(Channels.newInputStream(c));
            OutputStream out = Channels.newOutputStream(c);
            while (true) {
                String line = readLine(in);
                if (line == null || line.isEmpty()) {
                    return;
                }
                String[] parts = line.split(" ");
                long length = 0;
                boolean upgrade = false;
                String h;
                while ((h = readLine(in)) != null && !h.isEmpty()) {
                    String lower = h.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Long.parseLong(h.substring(15).strip());
                    }
                    if (lower.startsWith("upgrade:")) {
                        upgrade = true;
                    }
                }
                String body = new String(in.readNBytes((int) length), StandardCharsets.UTF_8);
                Request r = new Request(parts[0], parts[1], body);
                requests.add(r);
                out.write(handler.apply(r));
                out.flush();
                if (upgrade) {
                    return;
                }
            }
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    static byte[] json(int status, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " X\r\nApi-Version: 1.45\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n";
        return concat(head.getBytes(StandardCharsets.UTF_8), b);
    }

    static byte[] chunked(String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(b.length) + "\r\n";
        return concat(head.getBytes(StandardCharsets.UTF_8), b, "\r\n0\r\n\r\n".getBytes(StandardCharsets.UTF_8));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
