package berth.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code tcp://} with TLS and required client certificates, checked with openssl-made certificates and docker. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsListenerTest {
    private static final Path DOCKER = Path.of("/usr/local/bin/docker");
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");

    @TempDir
    Path dir;
    ApiServer server;
    int port;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(DOCKER) && Files.isExecutable(OPENSSL), "docker or openssl missing");
        run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem",
                "-days", "1", "-subj", "/CN=berth-test-ca");
        issue("server", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        issue("client", "extendedKeyUsage=clientAuth\n");
        server = new ApiServer(new ScriptedEngine(), List.of("tcp://127.0.0.1:0", "unix://" + dir.resolve("s.sock")),
                "0.1.0-test", new ApiServer.Tls(dir.resolve("ca.pem"), dir.resolve("server.pem"),
                dir.resolve("server-key.pem")));
        server.start();
        port = server.boundAddresses().stream().filter(a -> a instanceof InetSocketAddress)
                .mapToInt(a -> ((InetSocketAddress) a).getPort()).findFirst().orElseThrow();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void issue(String name, String extensions) throws Exception {
        Files.writeString(dir.resolve(name + ".ext"), extensions);
        run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + "-key.pem", "-out",
                name + ".csr", "-subj", "/CN=" + name);
        run(dir, "openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
                "-CAcreateserial", "-out", name + ".pem", "-days", "1", "-extfile", name + ".ext");
    }

    private static String[] run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(false).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return new String[] {String.valueOf(p.exitValue()), out, err};
    }

    private String[] docker(List<String> tlsFlags, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(DOCKER.toString(), "-H", "tcp://127.0.0.1:" + port));
        command.addAll(tlsFlags);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().put("DOCKER_CONFIG", dir.resolve("docker-config").toString());
        pb.environment().remove("DOCKER_HOST");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new String[] {String.valueOf(p.exitValue()), out, err};
    }

    @Test
    void clientWithACertificateFromTheCaIsServed() throws Exception {
        String[] r = docker(List.of("--tlsverify", "--tlscacert", "ca.pem", "--tlscert", "client.pem",
                "--tlskey", "client-key.pem"), "version", "--format", "{{.Server.Version}}");
        assertEquals("0", r[0], r[2]);
        assertEquals("0.1.0-test", r[1].strip());
    }

    @Test
    void clientWithoutACertificateIsRefused() throws Exception {
        String[] r = docker(List.of("--tlsverify", "--tlscacert", "ca.pem"), "version", "--format",
                "{{.Server.Version}}");
        assertNotEquals("0", r[0]);
        assertTrue(r[1].strip().isEmpty() || !r[1].contains("0.1.0-test"), r[1]);
    }
}
