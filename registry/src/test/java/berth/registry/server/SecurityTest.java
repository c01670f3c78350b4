package berth.registry.server;

import at.favre.lib.crypto.bcrypt.BCrypt;
import berth.oci.Digest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static berth.registry.server.TestRegistry.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Basic auth from an htpasswd file of bcrypt entries, and TLS from PEM files. */
class SecurityTest {
    @TempDir
    Path dir;

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void htpasswdUsersMustLogIn() throws Exception {
        // As `htpasswd -B` writes it: $2y$, cost 5.
        String hash = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(5, "s3cret".toCharArray());
        Path htpasswd = dir.resolve("htpasswd");
        Files.writeString(htpasswd, "# users\nalice:" + hash + "\n");
        RegistryConfig config = new RegistryConfig("127.0.0.1:0", dir.resolve("root"), htpasswd, null, null, true,
                Duration.ZERO, RegistryConfig.DEFAULT_GC_GRACE);
        try (TestRegistry registry = new TestRegistry(config)) {
            HttpResponse<byte[]> anonymous = registry.get("/v2/");
            assertError(401, ErrorCode.UNAUTHORIZED, anonymous);
            assertEquals("Basic realm=\"Berth Registry\"", anonymous.headers().firstValue("WWW-Authenticate").orElseThrow());
            assertError(401, ErrorCode.UNAUTHORIZED, registry.get("/v2/", "Authorization", basic("alice", "wrong")));
            assertError(401, ErrorCode.UNAUTHORIZED, registry.get("/v2/", "Authorization", basic("bob", "s3cret")));
            byte[] blob = "guarded".getBytes(StandardCharsets.UTF_8);
            Digest digest = Digest.sha256(blob);
            assertError(401, ErrorCode.UNAUTHORIZED,
                    registry.send("POST", "/v2/private/blobs/uploads/?digest=" + digest, blob));
            assertEquals(200, registry.get("/v2/", "Authorization", basic("alice", "s3cret")).statusCode());
            assertEquals(201, registry.send("POST", "/v2/private/blobs/uploads/?digest=" + digest, blob,
                    "Authorization", basic("alice", "s3cret")).statusCode());
            assertArrayEquals(blob, registry.get("/v2/private/blobs/" + digest, "Authorization",
                    basic("alice", "s3cret")).body());
        }
    }

    @Test
    void htpasswdWithoutBcryptIsRefusedAtStart() throws Exception {
        Path htpasswd = dir.resolve("htpasswd");
        Files.writeString(htpasswd, "alice:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n");
        RegistryConfig config = new RegistryConfig("127.0.0.1:0", dir.resolve("root"), htpasswd, null, null, true,
                Duration.ZERO, RegistryConfig.DEFAULT_GC_GRACE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RegistryServer(config));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void tlsFromPemFiles() throws Exception {
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1").directory(dir.toFile()).redirectErrorStream(true).start();
        assertTrue(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0,
                new String(openssl.getInputStream().readAllBytes()));
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve("cert.pem"))) {
            trust.setCertificateEntry("registry", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context).build();

        RegistryConfig config = new RegistryConfig("127.0.0.1:0", dir.resolve("root"), null, dir.resolve("cert.pem"),
                dir.resolve("key.pem"), true, Duration.ZERO, RegistryConfig.DEFAULT_GC_GRACE);
        try (TestRegistry registry = new TestRegistry(config, client)) {
            assertTrue(registry.base.startsWith("https://"), registry.base);
            byte[] blob = new byte[3 << 20];
            new Random(7).nextBytes(blob);
            Digest digest = registry.pushBlob("secure", blob);
            assertArrayEquals(blob, registry.get("/v2/secure/blobs/" + digest).body());
            HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            assertThrows(Exception.class, () -> plain.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(registry.base.replace("https:", "http:") + "/v2/"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()));
        }
    }
}
