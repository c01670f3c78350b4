package berth.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Berth's registry server ({@code berth registry serve}, and inside berthd with {@code --registry-addr}) as a real
 * client sees it: skopeo copies an image that {@code berth save} wrote into it and back out as an OCI layout,
 * digests unchanged both ways, and inspects, lists tags and deletes.
 */
class RegistryServerTest extends SharedDaemonTest {

    @TempDir
    Path work;
    private Process server;

    @BeforeEach
    void checkSkopeo() {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/skopeo")), "skopeo is missing (scripts/install-deps.sh)");
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        if (server != null && server.isAlive()) {
            server.destroy();
            server.waitFor(15, TimeUnit.SECONDS);
        }
    }

    /** Starts {@code berth registry serve} on a free port, with more options; its address. */
    private String serve(Path root, String... options) throws Exception {
        Path out = work.resolve("serve.out");
        server = BerthRegistry.serve(root, out, options);
        return BerthRegistry.awaitAddress(out, server);
    }

    private Daemon.Result skopeo(String... args) {
        List<String> command = new ArrayList<>(List.of("skopeo"));
        command.addAll(List.of(args));
        return daemon.run(command, null);
    }

    private Daemon.Result ok(Daemon.Result result) {
        assertEquals(0, result.exit(), result::toString);
        return result;
    }

    private Path busyboxArchive() {
        Path archive = work.resolve("busybox.tar");
        ok(daemon.berth("save", "-o", archive.toString(), "busybox:latest"));
        return archive;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** The digest of the one manifest an OCI layout's index.json lists. */
    private static String layoutDigest(Path layout) throws IOException {
        Matcher m = Pattern.compile("\"digest\"\\s*:\\s*\"(sha256:[0-9a-f]{64})\"").matcher(
                Files.readString(layout.resolve("index.json")));
        assertTrue(m.find(), "no manifest in " + layout);
        return m.group(1);
    }

    /** The digests a manifest names: its config, then its layers. */
    private static List<String> blobDigests(byte[] manifest) {
        Matcher m = Pattern.compile("sha256:[0-9a-f]{64}").matcher(new String(manifest));
        List<String> digests = new ArrayList<>();
        while (m.find()) {
            digests.add(m.group());
        }
        return digests;
    }

    private static long blobFiles(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root.resolve("blobs"))) {
            return walk.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void skopeoCopiesToAndFromBerthsRegistryWithDigestsUnchanged() throws Exception {
        Path root = work.resolve("registry");
        String registry = serve(root);
        String image = "docker://" + registry + "/library/busybox:latest";

        ok(skopeo("copy", "--dest-tls-verify=false", "docker-archive:" + busyboxArchive(), image));
        byte[] manifest = ok(skopeo("inspect", "--tls-verify=false", "--raw", image)).stdout().getBytes();
        String digest = sha256(manifest);
        assertEquals(digest, ok(skopeo("inspect", "--tls-verify=false", "--format", "{{.Digest}}", image)).stdout().strip());

        // An OCI layout holds OCI manifests and configs: skopeo rewrites the Docker ones, the layers stay the same blobs.
        Path layout = work.resolve("layout");
        ok(skopeo("copy", "--src-tls-verify=false", image, "oci:" + layout + ":latest"));
        String ociDigest = layoutDigest(layout);
        byte[] ociManifest = Files.readAllBytes(layout.resolve("blobs/sha256/" + ociDigest.substring(7)));
        assertEquals(ociDigest, sha256(ociManifest));
        List<String> layers = blobDigests(manifest);
        List<String> ociLayers = blobDigests(ociManifest);
        assertEquals(layers.subList(1, layers.size()), ociLayers.subList(1, ociLayers.size()));

        String copy = "docker://" + registry + "/mirror/busybox:v2";
        ok(skopeo("copy", "--dest-tls-verify=false", "--preserve-digests", "oci:" + layout + ":latest", copy));
        assertEquals(ociDigest, ok(skopeo("inspect", "--tls-verify=false", "--format", "{{.Digest}}", copy)).stdout().strip());
        long stored = blobFiles(root);

        Path again = work.resolve("again");
        ok(skopeo("copy", "--src-tls-verify=false", copy, "oci:" + again + ":v2"));
        assertEquals(ociDigest, layoutDigest(again));
        assertEquals(stored, blobFiles(root), "a second repository of the same image stores no blob twice");

        ok(skopeo("copy", "--dest-tls-verify=false", "oci:" + layout + ":latest", "docker://" + registry
                + "/library/busybox:1.36"));
        String tags = ok(skopeo("list-tags", "--tls-verify=false", "docker://" + registry + "/library/busybox")).stdout();
        assertTrue(tags.contains("\"latest\"") && tags.contains("\"1.36\""), tags);

        ok(skopeo("delete", "--tls-verify=false", copy));
        Daemon.Result gone = skopeo("inspect", "--tls-verify=false", copy);
        assertNotEquals(0, gone.exit(), gone::toString);
        assertTrue(gone.stderr().contains("manifest unknown"), gone::toString);
        ok(skopeo("inspect", "--tls-verify=false", image));

        Daemon.Result busy = daemon.berth("registry", "gc", "--root", root.toString());
        assertEquals(1, busy.exit(), busy::toString);
        assertTrue(busy.stderr().contains("another Berth registry"), busy::toString);
        server.destroy();
        assertTrue(server.waitFor(15, TimeUnit.SECONDS));
        Daemon.Result collected = ok(daemon.berth("registry", "gc", "--root", root.toString(), "--grace", "0"));
        assertTrue(collected.stdout().startsWith("0 blobs removed"), collected::toString);
        assertEquals(stored, blobFiles(root));
    }

    @Test
    void badInputGetsClearErrors() throws Exception {
        Daemon.Result badAddress = daemon.berth("registry", "serve", "--addr", "nowhere", "--root",
                work.resolve("r").toString());
        assertEquals(1, badAddress.exit(), badAddress::toString);
        assertTrue(badAddress.stderr().contains("invalid address \"nowhere\""), badAddress::toString);
        Daemon.Result badDuration = daemon.berth("registry", "serve", "--gc-interval", "soon", "--root",
                work.resolve("r").toString());
        assertTrue(badDuration.stderr().contains("invalid duration \"soon\""), badDuration::toString);
        Daemon.Result notARegistry = daemon.berth("registry", "gc", "--root", work.toString());
        assertEquals(1, notARegistry.exit(), notARegistry::toString);
        assertTrue(notARegistry.stderr().contains("is not a registry root"), notARegistry::toString);

        String registry = serve(work.resolve("registry"));
        Daemon.Result missing = skopeo("inspect", "--tls-verify=false", "docker://" + registry + "/no/such:image");
        assertNotEquals(0, missing.exit());
        assertTrue(missing.stderr().contains("manifest unknown"), missing::toString);
    }

    @Test
    void berthdServesTheRegistryWithRegistryAddr() throws Exception {
        try (Daemon withRegistry = Daemon.startWith("--registry-addr", "127.0.0.1:0")) {
            Path log = withRegistry.root.getParent().resolve("berthd.log");
            String registry = BerthRegistry.awaitAddress(log, null);
            String image = "docker://" + registry + "/served/by/berthd:latest";
            ok(skopeo("copy", "--dest-tls-verify=false", "docker-archive:" + busyboxArchive(), image));
            ok(skopeo("inspect", "--tls-verify=false", image));
            assertTrue(Files.isDirectory(withRegistry.root.resolve("registry/repositories/served/by/berthd")));
        }
    }

    @Test
    void skopeoLogsInOverTls() throws Exception {
        // skopeo's --cert-dir: the CA to trust as ca.crt (a *.key there would be taken for a client key).
        Path certs = Files.createDirectories(work.resolve("certs"));
        ok(daemon.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", work.resolve("registry-key.pem").toString(), "-out", certs.resolve("ca.crt").toString(),
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"), null));
        Path htpasswd = work.resolve("htpasswd");
        Files.writeString(htpasswd, "alice:" + at.favre.lib.crypto.bcrypt.BCrypt.with(
                at.favre.lib.crypto.bcrypt.BCrypt.Version.VERSION_2Y).hashToString(5, "s3cret".toCharArray()) + "\n");
        String registry = serve(work.resolve("registry"), "--htpasswd", htpasswd.toString(),
                "--tls-cert", certs.resolve("ca.crt").toString(), "--tls-key", work.resolve("registry-key.pem").toString());
        String image = "docker://" + registry + "/secure/busybox:1";
        Path archive = busyboxArchive();

        Daemon.Result anonymous = skopeo("copy", "--dest-cert-dir", certs.toString(), "docker-archive:" + archive, image);
        assertNotEquals(0, anonymous.exit(), anonymous::toString);
        assertTrue(anonymous.stderr().contains("authentication required"), anonymous::toString);
        Daemon.Result untrusted = skopeo("inspect", "--creds", "alice:s3cret", image);
        assertNotEquals(0, untrusted.exit(), untrusted::toString);
        assertTrue(untrusted.stderr().contains("certificate"), untrusted::toString);

        ok(skopeo("copy", "--dest-cert-dir", certs.toString(), "--dest-creds", "alice:s3cret",
                "docker-archive:" + archive, image));
        ok(skopeo("inspect", "--cert-dir", certs.toString(), "--creds", "alice:s3cret", image));
        Daemon.Result wrong = skopeo("inspect", "--cert-dir", certs.toString(), "--creds", "alice:guess", image);
        assertNotEquals(0, wrong.exit(), wrong::toString);
    }
}
