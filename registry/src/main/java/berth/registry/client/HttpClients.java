package berth.registry.client;

import berth.oci.errors.InvalidArgument;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One JDK {@link HttpClient} per registry host, with the TLS material docker reads from
 * {@code /etc/docker/certs.d/<host:port>/}: every {@code *.crt} is a CA trusted beside the system's, and
 * {@code client.cert} with {@code client.key} (PKCS#8 PEM) is the client certificate. Redirects are followed by
 * the caller, which must not carry credentials to another host.
 */
final class HttpClients {
    private final Path certsDir;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

    HttpClients(Path certsDir) {
        this.certsDir = certsDir;
    }

    HttpClient forHost(String host) {
        return clients.computeIfAbsent(host, this::build);
    }

    private HttpClient build(String host) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(15))
                .version(HttpClient.Version.HTTP_1_1);
        Path dir = certsDir.resolve(host);
        if (Files.isDirectory(dir)) {
            builder.sslContext(sslContext(dir));
        }
        return builder.build();
    }

    private static SSLContext sslContext(Path dir) {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            system.init((KeyStore) null);
            int n = 0;
            for (var tm : system.getTrustManagers()) {
                if (tm instanceof javax.net.ssl.X509TrustManager x509) {
                    for (X509Certificate ca : x509.getAcceptedIssuers()) {
                        trust.setCertificateEntry("system-" + n++, ca);
                    }
                }
            }
            try (DirectoryStream<Path> crts = Files.newDirectoryStream(dir, "*.crt")) {
                for (Path crt : crts) {
                    for (Certificate ca : certificates(crt)) {
                        trust.setCertificateEntry("certs.d-" + n++, ca);
                    }
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            Path cert = dir.resolve("client.cert");
            Path key = dir.resolve("client.key");
            if (Files.isRegularFile(cert) && Files.isRegularFile(key)) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("client", privateKey(key), new char[0],
                        certificates(cert).toArray(Certificate[]::new));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, new char[0]);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new InvalidArgument("certificates in " + dir + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Collection<? extends Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
    }

    private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem);
        if (!text.contains("BEGIN PRIVATE KEY")) {
            throw new InvalidArgument(pem + ": only PKCS#8 keys (BEGIN PRIVATE KEY) are supported");
        }
        String body = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(body);
        List<String> algorithms = new ArrayList<>(List.of("RSA", "EC", "Ed25519"));
        GeneralSecurityException last = null;
        for (String algorithm : algorithms) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }
}
