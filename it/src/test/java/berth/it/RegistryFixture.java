package berth.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real registry for the tests: Debian's {@code docker-registry} (distribution 2.8) on 127.0.0.1 at a free port,
 * with its own config and storage in a temporary directory, optionally behind htpasswd (basic) or token (bearer)
 * authentication. Closing it stops the registry and deletes its storage.
 */
final class RegistryFixture implements AutoCloseable {
    final Path dir;
    final int port;
    private final Process process;

    private RegistryFixture(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** An open registry. */
    static RegistryFixture start() throws Exception {
        return start("");
    }

    /** A registry whose config has {@code authSection} (an {@code auth:} block, indented as YAML wants). */
    static RegistryFixture start(String authSection) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "berth-registry-");
        int port = freePort();
        Files.writeString(dir.resolve("config.yml"), """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                %s
                """.formatted(dir.resolve("storage"), port, authSection));
        Process process = new ProcessBuilder("docker-registry", "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("registry.log").toFile()))
                .start();
        RegistryFixture registry = new RegistryFixture(dir, port, process);
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            }
            try {
                client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                return registry;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        registry.close();
        throw new IllegalStateException("docker-registry did not answer in 20 s");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    String host() {
        return "127.0.0.1:" + port;
    }

    /** Runs skopeo (plain HTTP to this registry), which must succeed; its stdout. */
    String skopeo(Daemon daemon, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("skopeo"));
        command.addAll(List.of(args));
        Daemon.Result result = daemon.run(command, null);
        if (result.exit() != 0) {
            throw new AssertionError("skopeo failed: " + result);
        }
        return result.stdout();
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        TestFiles.deleteTree(dir);
    }
}
