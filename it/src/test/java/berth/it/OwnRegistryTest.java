package berth.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Berth's client against Berth's own registry server, both as {@code berth registry serve} on its own and inside
 * berthd ({@code --registry-addr}), driven by {@code berth} and by the docker CLI: pushes and pulls keep the image's
 * Id and manifest digest, a pull by digest finds the same image, and a second repository sharing layers mounts them
 * instead of uploading them again.
 */
class OwnRegistryTest {
    private static Daemon daemon;
    private static Path work;
    private static Process server;
    private static String standalone;
    private static String builtIn;

    @BeforeAll
    static void start() throws Exception {
        daemon = Daemon.startWith("--registry-addr", "127.0.0.1:0");
        Daemon.Result imported = daemon.run(List.of("bash", Daemon.REPO.resolve("scripts/busybox-image.sh").toString(),
                "-H", daemon.host()), null);
        assertEquals(0, imported.exit(), imported.toString());
        builtIn = BerthRegistry.awaitAddress(daemon.root.getParent().resolve("berthd.log"), null);
        work = Files.createTempDirectory(Path.of("/tmp"), "berth-own-registry-");
        Path log = work.resolve("serve.out");
        server = BerthRegistry.serve(work.resolve("registry"), log);
        standalone = BerthRegistry.awaitAddress(log, server);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.destroy();
            server.waitFor(15, TimeUnit.SECONDS);
        }
        if (daemon != null) {
            daemon.close();
        }
        if (work != null) {
            TestFiles.deleteTree(work);
        }
    }

    private static Daemon.Result ok(Daemon.Result result) {
        assertEquals(0, result.exit(), result.toString());
        return result;
    }

    private static String pushedDigest(String output, String tag) {
        Matcher m = Pattern.compile(Pattern.quote(tag) + ": digest: (sha256:[a-f0-9]{64}) size: \\d+").matcher(output);
        assertTrue(m.find(), output);
        return m.group(1);
    }

    private static String pulledDigest(String output) {
        Matcher m = Pattern.compile("Digest: (sha256:[a-f0-9]{64})").matcher(output);
        assertTrue(m.find(), output);
        return m.group(1);
    }

    private static String imageId(String ref) {
        return ok(daemon.berth("image", "inspect", "--format", "{{.Id}}", ref)).stdout().strip();
    }

    /**
     * Pushes busybox as REGISTRY/x/busybox:1 with {@code cli} ("berth" or "docker"), removes every local name of it,
     * pulls it back and runs it; busybox is tagged again whatever happens.
     */
    private static void roundTrip(String registry, String cli, String repo) {
        String ref = registry + "/" + repo + ":1";
        String id = imageId("busybox");
        ok(command(cli, "tag", "busybox", ref));
        try {
            String digest = pushTwice(registry, cli, repo, ref);
            String byDigest = registry + "/" + repo + "@" + digest;
            ok(command(cli, "rmi", "busybox"));
            ok(command(cli, "rmi", ref));
            String pulled = ok(command(cli, "pull", ref)).stdout();
            assertTrue(pulled.contains("Pull complete"), pulled);
            assertEquals(digest, pulledDigest(pulled));
            assertTrue(pulled.contains("Status: Downloaded newer image for " + ref), pulled);
            assertEquals(id, imageId(ref));
            assertEquals("[\"" + byDigest + "\"]", repoDigests(ref));
            assertEquals("hi\n", "berth".equals(cli) ? daemon.berthRunOk(ref, "echo", "hi") : daemon.dockerRunOk(ref, "echo", "hi"));

            pulled = ok(command(cli, "pull", byDigest)).stdout();
            assertEquals(digest, pulledDigest(pulled));
            assertEquals(id, imageId(byDigest));
            // As docker: removing a repository's last tag takes its digest references along.
            ok(daemon.berth("tag", ref, "busybox"));
            ok(daemon.berth("rmi", ref));
            Daemon.Result gone = daemon.berth("image", "inspect", byDigest);
            assertEquals(1, gone.exit(), gone.toString());
        } finally {
            // Whatever failed, the next test finds busybox under its name and nothing else of this one's.
            if (daemon.berth("image", "inspect", "busybox").exit() != 0) {
                daemon.berth("tag", ref, "busybox");
            }
            daemon.berth("rmi", ref);
        }
    }

    /** Pushes {@code ref}, checks its RepoDigests, pushes it again (nothing uploaded); answers the digest. */
    private static String pushTwice(String registry, String cli, String repo, String ref) {
        String pushed = ok(command(cli, "push", ref)).stdout();
        assertTrue(pushed.contains("The push refers to repository [" + registry + "/" + repo + "]"), pushed);
        // busybox's one layer may be in the registry from another test's push already: then it is mounted.
        assertTrue(pushed.contains("Pushed") || pushed.contains("Mounted from ") || pushed.contains("Layer already exists"),
                pushed);
        String digest = pushedDigest(pushed, "1");
        assertTrue(repoDigests(ref).contains("\"" + registry + "/" + repo + "@" + digest + "\""), repoDigests(ref));
        String again = ok(command(cli, "push", ref)).stdout();
        assertTrue(again.contains("Layer already exists"), again);
        assertEquals(digest, pushedDigest(again, "1"));
        return digest;
    }

    private static String repoDigests(String ref) {
        return ok(daemon.berth("image", "inspect", "--format", "{{json .RepoDigests}}", ref)).stdout().strip();
    }

    private static Daemon.Result command(String cli, String... args) {
        return "berth".equals(cli) ? daemon.berth(args) : daemon.docker(args);
    }

    @Test
    void berthPushesPullsAndRunsThroughTheStandaloneServer() {
        roundTrip(standalone, "berth", "x/busybox");
    }

    @Test
    void dockerCliPushesAndPullsThroughTheStandaloneServer() {
        roundTrip(standalone, "docker", "docker/busybox");
    }

    @Test
    void berthPushesPullsAndRunsThroughTheDaemonsOwnRegistry() {
        roundTrip(builtIn, "berth", "own/busybox");
    }

    @Test
    void dockerCliPushesAndPullsThroughTheDaemonsOwnRegistry() {
        roundTrip(builtIn, "docker", "own/docker/busybox");
    }

    @Test
    void aSecondRepositoryMountsTheLayersItShares() {
        for (String registry : List.of(standalone, builtIn)) {
            String first = registry + "/mount/a:1";
            String second = registry + "/mount/b:1";
            try {
                mountsSharedLayers(registry, first, second);
            } finally {
                daemon.berth("rmi", "-f", first, second);
            }
        }
    }

    private static void mountsSharedLayers(String registry, String first, String second) {
        // A layer no other test pushed: made by a container and committed.
        String container = "mount-" + registry.replaceAll("\\D", "");
        ok(daemon.berth("run", "--name", container, "busybox", "sh", "-c", "echo " + container + " > /made"));
        ok(daemon.berth("commit", container, first));
        ok(daemon.berth("rm", container));
        ok(daemon.berth("tag", first, second));
        String uploaded = ok(daemon.berth("push", first)).stdout();
        assertTrue(uploaded.contains("Pushed"), uploaded);
        String pushed = ok(daemon.berth("push", second)).stdout();
        assertTrue(pushed.contains("Mounted from mount/a"), pushed);
        assertFalse(pushed.contains("Pushed"), pushed);
        String byDigest = registry + "/mount/b@" + pushedDigest(pushed, "1");
        ok(daemon.berth("rmi", first, second));

        // A pull by digest names the image by no tag, only by the digest reference (docker's RepoDigests).
        String pulled = ok(daemon.berth("pull", byDigest)).stdout();
        assertTrue(pulled.contains("Pull complete"), pulled);
        assertTrue(pulled.contains("Status: Downloaded newer image for " + byDigest), pulled);
        assertEquals("[] [\"" + byDigest + "\"]", ok(daemon.berth("image", "inspect", "--format",
                "{{json .RepoTags}} {{json .RepoDigests}}", byDigest)).stdout().strip());
        String listed = ok(daemon.berth("images", "--digests", "--format", "{{.Repository}} {{.Tag}} {{.Digest}}",
                registry + "/mount/b")).stdout();
        assertEquals(registry + "/mount/b <none> " + byDigest.substring(byDigest.indexOf('@') + 1) + "\n", listed);
        assertEquals(container + "\n", daemon.berthRunOk(byDigest, "cat", "/made"));
        ok(daemon.berth("rmi", byDigest));
        assertFalse(ok(daemon.berth("images", "--digests")).stdout().contains("/mount/"));
    }
}
