package berth.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The token server of docker's token authentication, on loopback, for a docker-registry configured with
 * {@code auth: token:}: it checks the user's password (HTTP basic), then issues an RS256 JWT for the scopes asked
 * for, signed with a key whose certificate (in the {@code x5c} header) is the registry's trusted root. Anonymous
 * callers get a token granting nothing, as Docker Hub's does for private repositories. It records each scope asked.
 */
final class TokenServer implements AutoCloseable {
    static final String ISSUER = "berth-test-issuer";
    static final String SERVICE = "berth-test-registry";

    private final HttpServer server;
    private final PrivateKey key;
    private final String certificate;
    private final String user;
    private final String password;
    final List<String> scopes = new CopyOnWriteArrayList<>();

    /** Makes a key and self-signed certificate with openssl in {@code dir} ({@code cert.pem} is the registry's root). */
    TokenServer(Path dir, String user, String password) throws Exception {
        this.user = user;
        this.password = password;
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=berth-token", "-keyout", dir.resolve("key.pem").toString(),
                "-out", dir.resolve("cert.pem").toString()).redirectErrorStream(true).start();
        String out = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (openssl.waitFor() != 0) {
            throw new IllegalStateException("openssl failed: " + out);
        }
        String pem = Files.readString(dir.resolve("key.pem"));
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        this.key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        X509Certificate cert;
        try (var in = Files.newInputStream(dir.resolve("cert.pem"))) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        this.certificate = Base64.getEncoder().encodeToString(cert.getEncoded());
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/token", this::token);
        server.start();
    }

    String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** The registry config's auth section for this server. */
    String authSection(Path cert) {
        return """
                auth:
                  token:
                    realm: %s
                    service: %s
                    issuer: %s
                    rootcertbundle: %s
                """.formatted(realm(), SERVICE, ISSUER, cert);
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            boolean anonymous = authorization == null;
            if (!anonymous) {
                String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
                if (!expected.equals(authorization)) {
                    exchange.sendResponseHeaders(401, -1);
                    return;
                }
            }
            List<String> asked = new ArrayList<>();
            String query = exchange.getRequestURI().getRawQuery();
            for (String pair : query == null ? new String[0] : query.split("&")) {
                if (pair.startsWith("scope=")) {
                    asked.add(URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8));
                }
            }
            scopes.addAll(asked);
            StringBuilder access = new StringBuilder();
            if (!anonymous) {
                for (String scope : asked) {
                    String[] parts = scope.split(":");
                    if (parts.length != 3) {
                        continue;
                    }
                    String actions = "\"" + String.join("\",\"", parts[2].split(",")) + "\"";
                    access.append(access.isEmpty() ? "" : ",").append("{\"type\":\"").append(parts[0])
                            .append("\",\"name\":\"").append(parts[1]).append("\",\"actions\":[").append(actions).append("]}");
                }
            }
            long now = System.currentTimeMillis() / 1000;
            String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5c\":[\"" + certificate + "\"]}";
            String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + (anonymous ? "" : user) + "\",\"aud\":\"" + SERVICE
                    + "\",\"exp\":" + (now + 300) + ",\"nbf\":" + (now - 10) + ",\"iat\":" + now + ",\"jti\":\""
                    + UUID.randomUUID() + "\",\"access\":[" + access + "]}";
            String signingInput = b64(header) + "." + b64(claims);
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            String jwt = signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
            byte[] body = ("{\"token\":\"" + jwt + "\",\"expires_in\":300}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
