package berth.it;

import at.favre.lib.crypto.bcrypt.BCrypt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Berth's registry server for docker's own engine: a private dockerd, driven by the docker CLI, pushes to and pulls
 * from {@code berth registry serve} on loopback (plain HTTP, which dockerd allows for 127.0.0.0/8). The image keeps
 * its Id and manifest digest through the round trip, the registry serves the digest the push printed, a second push
 * uploads nothing, a second repository mounts the layers it shares, and behind basic auth only a logged-in client
 * gets in. Each test has a registry of its own, so that what one pushed never turns another's upload into a mount.
 */
class DockerdRegistryTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "s3cret";
    private static final Pattern PUSHED_DIGEST = Pattern.compile("1: digest: (sha256:[a-f0-9]{64}) size: \\d+");
    private static final List<Process> servers = new ArrayList<>();
    private static Path work;
    private static Dockerd dockerd;
    private static String busyboxId;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory(Path.of("/tmp"), "berth-registry-for-dockerd-");
        dockerd = Dockerd.startWithBusybox();
        busyboxId = imageId("busybox");
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process server : servers) {
            server.destroy();
            server.waitFor(15, TimeUnit.SECONDS);
        }
        if (dockerd != null) {
            dockerd.close();
        }
        if (work != null) {
            TestFiles.deleteTree(work);
        }
    }

    /** Starts {@code berth registry serve} on a fresh root named {@code name}; answers its address. */
    private static String serve(String name, String... options) throws Exception {
        Path log = work.resolve(name + ".out");
        Process server = BerthRegistry.serve(work.resolve(name), log, options);
        servers.add(server);
        return BerthRegistry.awaitAddress(log, server);
    }

    private static Daemon.Result ok(Daemon.Result result) {
        assertEquals(0, result.exit(), result.toString());
        return result;
    }

    private static String docker(String... args) {
        return ok(dockerd.docker(args)).stdout();
    }

    private static String imageId(String ref) {
        return docker("image", "inspect", "--format", "{{.Id}}", ref).strip();
    }

    private static String pushedDigest(String output) {
        Matcher m = PUSHED_DIGEST.matcher(output);
        assertTrue(m.find(), output);
        return m.group(1);
    }

    private static long count(String output, String text) {
        return output.lines().filter(line -> line.contains(text)).count();
    }

    /** The manifest digest the registry serves for {@code repo:tag}: its Docker-Content-Digest, and its body's. */
    private static String servedDigest(String registry, String repo, String tag) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://" + registry + "/v2/" + repo + "/manifests/" + tag))
                    .header("Accept", "application/vnd.docker.distribution.manifest.v2+json, "
                            + "application/vnd.oci.image.manifest.v1+json").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
            String digest = response.headers().firstValue("Docker-Content-Digest").orElseThrow();
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(response.body());
            assertEquals("sha256:" + HexFormat.of().formatHex(hash), digest);
            return digest;
        }
    }

    /** Whatever a test removed or failed to put back, the next one finds busybox under its name. */
    private static void keepBusybox() throws Exception {
        if (dockerd.docker("image", "inspect", "busybox").exit() != 0
                && dockerd.docker("tag", busyboxId, "busybox").exit() != 0) {
            dockerd.importBusybox();
            busyboxId = imageId("busybox");
        }
    }

    @Test
    void pushesThenPullsByTagAndByDigestAndRuns() throws Exception {
        String registry = serve("round-trip");
        String repo = registry + "/dockerd/busybox";
        String ref = repo + ":1";
        docker("tag", "busybox", ref);
        try {
            String pushed = docker("push", ref);
            assertTrue(pushed.contains("The push refers to repository [" + repo + "]"), pushed);
            assertEquals(1, count(pushed, ": Pushed"), pushed);
            String digest = pushedDigest(pushed);
            assertEquals(digest, servedDigest(registry, "dockerd/busybox", "1"));
            String again = docker("push", ref);
            assertEquals(1, count(again, ": Layer already exists"), again);
            assertFalse(again.contains("Pushed"), again);
            assertEquals(digest, pushedDigest(again));

            // Nothing of the image is left in dockerd: the pulls download every layer.
            docker("rmi", "busybox", ref);
            assertNotEquals(0, dockerd.docker("image", "inspect", busyboxId).exit());
            String pulled = docker("pull", ref);
            assertEquals(1, count(pulled, ": Pull complete"), pulled);
            assertTrue(pulled.contains("Digest: " + digest), pulled);
            assertTrue(pulled.contains("Status: Downloaded newer image for " + ref), pulled);
            assertEquals(busyboxId, imageId(ref));
            String byDigest = repo + "@" + digest;
            assertEquals("[\"" + byDigest + "\"]",
                    docker("image", "inspect", "--format", "{{json .RepoDigests}}", ref).strip());
            assertEquals("hi\n", docker("run", "--rm", "--network", "none", ref, "echo", "hi"));

            docker("rmi", ref);
            assertNotEquals(0, dockerd.docker("image", "inspect", busyboxId).exit());
            pulled = docker("pull", byDigest);
            assertEquals(1, count(pulled, ": Pull complete"), pulled);
            assertTrue(pulled.contains("Status: Downloaded newer image for " + byDigest), pulled);
            assertEquals(busyboxId, imageId(byDigest));
            assertEquals("root\n", docker("run", "--rm", "--network", "none", byDigest, "whoami"));
        } finally {
            keepBusybox();
        }
    }

    @Test
    void aSecondRepositoryMountsTheLayersItShares() throws Exception {
        String registry = serve("mounts");
        String first = registry + "/mount/a:1";
        String second = registry + "/mount/b:1";
        // An image of two layers: busybox's and one a container made.
        docker("run", "--name", "maker", "--network", "none", "busybox", "sh", "-c", "echo made > /made");
        docker("commit", "maker", first);
        docker("rm", "maker");
        docker("tag", first, second);

        String uploaded = docker("push", first);
        assertEquals(2, count(uploaded, ": Pushed"), uploaded);
        String mounted = docker("push", second);
        assertEquals(2, count(mounted, ": Mounted from mount/a"), mounted);
        assertFalse(mounted.contains("Pushed"), mounted);
        String digest = pushedDigest(mounted);
        assertEquals(pushedDigest(uploaded), digest);
        assertEquals(digest, servedDigest(registry, "mount/b", "1"));

        // Only the made layer goes; busybox's stays and is not downloaded again.
        docker("rmi", first, second);
        String byDigest = registry + "/mount/b@" + digest;
        String pulled = docker("pull", byDigest);
        assertEquals(1, count(pulled, ": Pull complete"), pulled);
        assertEquals(1, count(pulled, ": Already exists"), pulled);
        assertEquals("made\n", docker("run", "--rm", "--network", "none", byDigest, "cat", "/made"));
        docker("rmi", byDigest);
    }

    @Test
    void onlyALoggedInClientPushesAndPullsBehindBasicAuth() throws Exception {
        Path htpasswd = work.resolve("htpasswd");
        Files.writeString(htpasswd, USER + ":" + BCrypt.with(BCrypt.Version.VERSION_2Y)
                .hashToString(5, PASSWORD.toCharArray()) + "\n");
        String registry = serve("auth", "--htpasswd", htpasswd.toString());
        String ref = registry + "/private/busybox:1";
        Path config = dockerd.config().resolve("config.json");
        docker("tag", "busybox", ref);

        Daemon.Result anonymous = dockerd.docker("push", ref);
        assertNotEquals(0, anonymous.exit(), anonymous.toString());
        assertTrue(anonymous.stderr().contains("no basic auth credentials"), anonymous.toString());
        Daemon.Result wrong = dockerd.dockerWithInput("guess\n", "login", "-u", USER, "--password-stdin", registry);
        assertNotEquals(0, wrong.exit(), wrong.toString());
        assertTrue(wrong.stderr().contains("401 Unauthorized"), wrong.toString());
        assertFalse(Files.exists(config) && Files.readString(config).contains(registry));

        String login = ok(dockerd.dockerWithInput(PASSWORD + "\n", "login", "-u", USER, "--password-stdin", registry))
                .stdout();
        assertTrue(login.contains("Login Succeeded"), login);
        String auth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertTrue(Files.readString(config).contains("\"auth\": \"" + auth + "\""), Files.readString(config));
        String pushed = docker("push", ref);
        assertEquals(1, count(pushed, ": Pushed"), pushed);
        String digest = pushedDigest(pushed);
        docker("rmi", ref);
        String pulled = docker("pull", ref);
        assertTrue(pulled.contains("Digest: " + digest), pulled);
        assertEquals(busyboxId, imageId(ref));

        String logout = docker("logout", registry);
        assertTrue(logout.contains("Removing login credentials for " + registry), logout);
        docker("rmi", ref);
        Daemon.Result refused = dockerd.docker("pull", ref);
        assertNotEquals(0, refused.exit(), refused.toString());
        assertTrue(refused.stderr().contains("no basic auth credentials"), refused.toString());
    }
}
