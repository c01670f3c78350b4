package berth.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** berthd listens on TCP only with TLS and client certificates; the docker CLI reaches it that way. */
class DaemonTlsTest {
    @TempDir
    Path dir;

    @Test
    void tcpWithoutTlsIsRefusedAtStart() throws Exception {
        Process berthd = berthd(List.of("--host", "tcp://127.0.0.1:" + freePort()));
        assertTrue(berthd.waitFor(60, TimeUnit.SECONDS), "berthd should exit");
        String output = new String(berthd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, berthd.exitValue(), output);
        assertTrue(output.contains("TLS"), output);
    }

    @Test
    void dockerWithAClientCertificateIsServedAndWithoutOneIsRefused() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem",
                "-days", "1", "-subj", "/CN=berth-it-ca");
        issue("server", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        issue("client", "extendedKeyUsage=clientAuth\n");
        int port = freePort();
        String address = "tcp://127.0.0.1:" + port;
        Process berthd = berthd(List.of("--host", address, "--tlsverify", "--tlscacert", dir.resolve("ca.pem").toString(),
                "--tlscert", dir.resolve("server.pem").toString(), "--tlskey", dir.resolve("server-key.pem").toString()));
        try {
            List<String> withCert = List.of(Dockerd.CLI, "-H", address, "--tlsverify",
                    "--tlscacert", dir.resolve("ca.pem").toString(), "--tlscert", dir.resolve("client.pem").toString(),
                    "--tlskey", dir.resolve("client-key.pem").toString(), "version", "--format", "{{.Server.Version}}");
            String version = "";
            for (int attempt = 0; attempt < 300 && version.isEmpty(); attempt++) {
                assertTrue(berthd.isAlive(), "berthd exited");
                version = run(withCert).strip();
                Thread.sleep(100);
            }
            assertEquals("0.1.0", version);
            List<String> withoutCert = List.of(Dockerd.CLI, "-H", address, "--tls",
                    "--tlscacert", dir.resolve("ca.pem").toString(), "version", "--format", "{{.Server.Version}}");
            assertNotEquals("0.1.0", run(withoutCert).strip());
        } finally {
            berthd.destroy();
            berthd.waitFor(15, TimeUnit.SECONDS);
        }
    }

    private Process berthd(List<String> extra) throws IOException {
        List<String> command = new ArrayList<>(List.of(Daemon.REPO.resolve("bin/berthd").toString(),
                "--root", dir.resolve("root").toString(), "--exec-root", dir.resolve("run").toString()));
        command.addAll(extra);
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private void issue(String name, String extensions) throws Exception {
        Files.writeString(dir.resolve(name + ".ext"), extensions);
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + "-key.pem", "-out", name + ".csr",
                "-subj", "/CN=" + name);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                "-out", name + ".pem", "-days", "1", "-extfile", name + ".ext");
    }

    private void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
    }

    private String run(List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("DOCKER_CONFIG", dir.resolve("docker-config").toString());
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
