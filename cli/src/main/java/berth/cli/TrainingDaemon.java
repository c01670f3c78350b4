package berth.cli;

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
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A canned Engine API on a temporary unix socket, for the AOT training run only: it answers the
 * calls of version, ps, images, run (create, attach, wait, start), inspect, logs, rm and exec the
 * way berthd does, so the training goes through the CLI's real daemon paths (socket, HTTP, JSON,
 * formatting) and the cache holds their classes, linked call sites and profiles.
 */
final class TrainingDaemon implements AutoCloseable {
    private static final String ID = "639e13bad96ffea253f37ae855ad807f2f893add90724505105c2c0da365e207";
    private static final String VERSION = """
            {"Components":[{"Name":"Engine","Version":"0.1.0","Details":{"ApiVersion":"1.51"}}],"Version":"0.1.0",\
            "ApiVersion":"1.51","MinAPIVersion":"1.24","GitCommit":"","GoVersion":"java25","Os":"linux","Arch":"amd64",\
            "KernelVersion":"6.1.0","BuildTime":""}""";
    private static final String CONTAINERS = """
            [{"Id":"%s","Names":["/sleeper"],"Image":"busybox","ImageID":"sha256:acc08c9200f4","Command":"sleep 600",\
            "Created":1700000000,"Ports":[{"PrivatePort":80,"PublicPort":8080,"Type":"tcp","IP":"0.0.0.0"}],"SizeRw":12345,\
            "SizeRootFs":1982358,"Labels":{"a":"b"},"State":"running","Status":"Up 3 seconds","HostConfig":{"NetworkMode":"none"},\
            "NetworkSettings":{"Networks":{"none":{"IPAddress":""}}},"Mounts":[]}]""".formatted(ID);
    private static final String IMAGES = """
            [{"Id":"sha256:acc08c9200f4637ac66f27eeb83e1b9bb465a346f7cf306dcf85c8605249e26c","ParentId":"","RepoTags":["busybox:latest"],\
            "RepoDigests":[],"Created":1700000000,"Size":1982358,"SharedSize":-1,"Labels":{},"Containers":-1}]""";
    private static final String INSPECT = """
            {"Id":"%s","Created":"2025-11-23T11:50:54.873696951Z","Path":"sh","Args":["-c","true"],"State":{"Status":"exited",\
            "Running":false,"Paused":false,"ExitCode":0,"StartedAt":"2025-11-23T11:50:54.952520556Z"},"Name":"/x",\
            "Config":{"Tty":false,"OpenStdin":false,"Env":["PATH=/bin"],"Cmd":["sh"],"Labels":{}}}""".formatted(ID);

    private final Path dir;
    private final ServerSocketChannel server;

    TrainingDaemon() throws IOException {
        dir = newDirectory();
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("d.sock")));
        Thread accept = new Thread(() -> {
            while (server.isOpen()) {
                try {
                    SocketChannel c = server.accept();
                    Thread t = new Thread(() -> serve(c), "training-connection");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "training-daemon");
        accept.setDaemon(true);
        accept.start();
    }

    /**
     * A new directory for the socket. Not Files.createTempDirectory: its SecureRandom would load the JDK's security
     * providers, which the CLI never uses, into the cache, and every start would load them from it.
     */
    private static Path newDirectory() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        while (true) {
            try {
                return Files.createDirectory(tmp.resolve("berth-aot-" + System.nanoTime()));
            } catch (FileAlreadyExistsException taken) {
                // another build's; try the next name
            }
        }
    }

    String host() {
        return "unix://" + dir.resolve("d.sock");
    }

    /** Answers requests on one connection until the client closes it or a hijacked stream ends. */
    private void serve(SocketChannel c) {
        try (c) {
            InputStream in = Channels.newInputStream(c);
            OutputStream out = Channels.newOutputStream(c);
            String line;
            while ((line = readLine(in)) != null && !line.isEmpty()) {
                String[] request = line.split(" ");
                long length = 0;
                String header;
                while ((header = readLine(in)) != null && !header.isEmpty()) {
                    if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Long.parseLong(header.substring(15).strip());
                    }
                }
                in.skipNBytes(length);
                if (!answer(request[0] + " " + route(request[1]), out)) {
                    return;
                }
            }
        } catch (IOException gone) {
            // the client closed the connection
        }
    }

    /**
     * The path of a request target without its version and query, the container named as {id}:
     * /v1.51/containers/x/start?a=1 is /containers/{id}/start. String operations, not regexes, whose classes the
     * cache would hold for every start.
     */
    static String route(String target) {
        String path = target.startsWith("/v") ? target.substring(target.indexOf('/', 1)) : target;
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        String prefix = "/containers/";
        if (path.startsWith(prefix)) {
            int end = path.indexOf('/', prefix.length());
            String name = end < 0 ? path.substring(prefix.length()) : path.substring(prefix.length(), end);
            if (name.equals("x") || name.equals(ID)) {
                path = prefix + "{id}" + (end < 0 ? "" : path.substring(end));
            }
        }
        return path;
    }

    /** Writes the answer to "METHOD /route"; false when the connection ends with it (a hijacked stream). */
    private static boolean answer(String route, OutputStream out) throws IOException {
        switch (route) {
            case "GET /_ping" -> out.write(response("200 OK", "text/plain; charset=utf-8", "OK"));
            case "GET /version" -> out.write(response("200 OK", "application/json", VERSION));
            case "GET /containers/json" -> out.write(response("200 OK", "application/json", CONTAINERS));
            case "GET /images/json" -> out.write(response("200 OK", "application/json", IMAGES));
            case "GET /containers/{id}/json" -> out.write(response("200 OK", "application/json", INSPECT));
            case "POST /containers/create" -> out.write(response("201 Created", "application/json", "{\"Id\":\"" + ID + "\",\"Warnings\":[]}"));
            case "POST /containers/{id}/exec" -> out.write(response("201 Created", "application/json", "{\"Id\":\"e1\"}"));
            case "GET /exec/e1/json" -> out.write(response("200 OK", "application/json", "{\"ExitCode\":0,\"Running\":false}"));
            case "POST /containers/{id}/start", "DELETE /containers/{id}" -> out.write(head("204 No Content", "").getBytes(StandardCharsets.US_ASCII));
            case "POST /containers/{id}/wait" -> {
                out.write(head("200 OK", "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String body = "{\"StatusCode\":0,\"Error\":null}\n";
                out.write((Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            case "GET /containers/{id}/logs" -> {
                out.write(head("200 OK", "Content-Type: application/vnd.docker.multiplexed-stream\r\nTransfer-Encoding: chunked\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] frame = frame("hello\n");
                out.write((Integer.toHexString(frame.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(frame);
                out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            case "POST /containers/{id}/attach", "POST /exec/e1/start" -> {
                out.write(head("101 UPGRADED", "Content-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(frame("hi\n"));
                out.flush();
                return false;
            }
            default -> out.write(response("404 Not Found", "application/json", "{\"message\":\"page not found\"}"));
        }
        out.flush();
        return true;
    }

    private static String head(String status, String headers) {
        return "HTTP/1.1 " + status + "\r\n" + headers + "Api-Version: 1.51\r\nServer: Berth/0.1.0\r\n\r\n";
    }

    private static byte[] response(String status, String type, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(head(status, "Content-Type: " + type + "\r\nContent-Length: " + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        o.writeBytes(b);
        return o.toByteArray();
    }

    /** One stdout frame of a multiplexed stream. */
    private static byte[] frame(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        byte[] f = new byte[8 + b.length];
        f[0] = 1;
        f[7] = (byte) b.length;
        System.arraycopy(b, 0, f, 8, b.length);
        return f;
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

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(dir.resolve("d.sock"));
        Files.deleteIfExists(dir);
    }
}
