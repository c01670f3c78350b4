package berth.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A loopback TCP proxy in front of a registry that can cut connections: while {@link #cutAfter} is set, every
 * connection is closed once that many bytes went from the registry to the client, as a registry killed in the
 * middle of a layer would. It keeps the request heads it forwarded, to see what a client asked for (a Range).
 */
final class CuttingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int upstream;
    private final StringBuffer requests = new StringBuffer();
    volatile long cutAfter = -1;

    CuttingProxy(int upstreamPort) throws IOException {
        this.upstream = upstreamPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    String requests() {
        return requests.toString();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket registry = new Socket(InetAddress.getLoopbackAddress(), upstream);
                Thread.ofVirtual().start(() -> pump(client, registry, false));
                Thread.ofVirtual().start(() -> pump(registry, client, true));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean downstream) {
        byte[] buffer = new byte[16 * 1024];
        long sent = 0;
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                long limit = cutAfter;
                if (downstream && limit >= 0 && sent + n > limit) {
                    out.write(buffer, 0, (int) Math.max(0, limit - sent));
                    out.flush();
                    break;
                }
                if (!downstream) {
                    requests.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                }
                out.write(buffer, 0, n);
                sent += n;
            }
        } catch (IOException e) {
            // the other direction closed the connection
        } finally {
            close(from);
            close(to);
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
