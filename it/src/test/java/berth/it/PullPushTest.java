package berth.it;

import berth.oci.Digest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pull and push against a real docker-registry on loopback, with skopeo as the independent client: images made
 * here as OCI layouts (an index over linux/amd64 and linux/arm64; gzip and zstd layers) are copied in by skopeo
 * with their digests preserved and pulled by Berth; what Berth pushes (busybox as imported: a plain tar layer),
 * skopeo reads back with the same digests and Berth pulls again. The docker CLI drives
 * the same endpoints. Connections cut in the middle of a layer, corrupt blobs and a dead registry are refused
 * with nothing half-stored.
 */
class PullPushTest {
    private static Daemon daemon;
    private static RegistryFixture registry;
    private static Path work;
    private static OciLayoutFixture.Layer base;
    private static OciLayoutFixture.Image amd64;
    private static OciLayoutFixture.Image arm64;
    private static Digest indexDigest;
    private static OciLayoutFixture.Layer big;
    private static OciLayoutFixture.Layer other;

    @BeforeAll
    static void start() throws Exception {
        daemon = Daemon.startWithBusybox();
        registry = RegistryFixture.start();
        work = Files.createTempDirectory(Path.of("/tmp"), "berth-layouts-");
        Path rootfs = work.resolve("rootfs.tar");
        Daemon.Result made = daemon.run(List.of("bash", Daemon.REPO.resolve("scripts/busybox-rootfs.sh").toString(),
                "--tar", rootfs.toString()), null);
        assertEquals(0, made.exit(), made.toString());
        base = OciLayoutFixture.Layer.gzip(Files.readAllBytes(rootfs));
        OciLayoutFixture layout = new OciLayoutFixture(work.resolve("layout"));
        amd64 = layout.image("amd64", null, List.of(base,
                OciLayoutFixture.Layer.zstd(new ImageFixtures.Tar().file("arch", "amd64\n").bytes())));
        arm64 = layout.image("arm64", "v8", List.of(
                OciLayoutFixture.Layer.gzip(new ImageFixtures.Tar().file("arch", "arm64\n").bytes())));
        byte[] index = layout.index(List.of(amd64, arm64));
        indexDigest = Digest.sha256(index);
        other = OciLayoutFixture.Layer.gzip(new ImageFixtures.Tar().file("other", "other\n").bytes());
        OciLayoutFixture.Image shared = layout.image("amd64", null, List.of(base, other));
        byte[] random = new byte[6 * 1024 * 1024];
        new Random(42).nextBytes(random);
        big = OciLayoutFixture.Layer.gzip(new ImageFixtures.Tar().file("random", random, 0644).bytes());
        OciLayoutFixture.Image bigImage = layout.image("amd64", null, List.of(base, big));
        layout.refs(Map.of("multi", index, "shared", shared.manifest(), "big", bigImage.manifest()),
                Map.of("multi", OciLayoutFixture.INDEX, "shared", OciLayoutFixture.MANIFEST, "big", OciLayoutFixture.MANIFEST));
        copyIn("multi", "multi:1", true);
        copyIn("shared", "shared:1", false);
        copyIn("shared", "shared:2", false);
        copyIn("big", "big:1", false);
    }

    private static void copyIn(String ref, String target, boolean all) {
        List<String> args = new java.util.ArrayList<>(List.of("copy", "-q", "--preserve-digests", "--dest-tls-verify=false"));
        if (all) {
            args.add("--all");
        }
        args.add("oci:" + work.resolve("layout") + ":" + ref);
        args.add("docker://" + registry.host() + "/" + target);
        registry.skopeo(daemon, args.toArray(String[]::new));
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (work != null) {
            TestFiles.deleteTree(work);
        }
    }

    private static Daemon.Result ok(Daemon.Result result) {
        assertEquals(0, result.exit(), result.toString());
        return result;
    }

    private static String digestLine(String output) {
        Matcher m = Pattern.compile("Digest: (sha256:[a-f0-9]{64})").matcher(output);
        assertTrue(m.find(), output);
        return m.group(1);
    }

    private static String skopeoDigest(String reference) {
        String json = registry.skopeo(daemon, "inspect", "--raw", "--tls-verify=false", "docker://" + reference);
        return Digest.sha256(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    @Test
    void berthPushIsWhatSkopeoReadsAndPullRestoresIt() {
        String ref = registry.host() + "/berth/bb:1";
        ok(daemon.berth("tag", "busybox", ref));
        String pushed = ok(daemon.berth("push", ref)).stdout();
        Matcher m = Pattern.compile("1: digest: (sha256:[a-f0-9]{64}) size: (\\d+)").matcher(pushed);
        assertTrue(m.find(), pushed);
        assertEquals(m.group(1), skopeoDigest(ref));
        String pushedAgain = ok(daemon.berth("push", ref)).stdout();
        assertTrue(pushedAgain.contains("Layer already exists"), pushedAgain);
        ok(daemon.berth("rmi", ref));
        ok(daemon.berth("rmi", "busybox"));
        try {
            String pulled = ok(daemon.berth("pull", ref)).stdout();
            assertEquals(m.group(1), digestLine(pulled));
            assertTrue(pulled.contains("Pull complete") && pulled.contains("Status: Downloaded newer image for " + ref), pulled);
        } finally {
            ok(daemon.berth("tag", ref, "busybox"));
        }
        assertEquals("hi\n", daemon.berthRunOk(ref, "echo", "hi"));
        ok(daemon.berth("rmi", ref));
    }

    @Test
    void dockerCliPushesAndPullsThroughBerth() {
        String ref = registry.host() + "/docker/bb:2";
        ok(daemon.docker("tag", "busybox", ref));
        String pushed = ok(daemon.docker("push", ref)).stdout();
        assertTrue(pushed.contains("The push refers to repository [" + registry.host() + "/docker/bb]"), pushed);
        Matcher m = Pattern.compile("2: digest: (sha256:[a-f0-9]{64})").matcher(pushed);
        assertTrue(m.find(), pushed);
        assertEquals(m.group(1), skopeoDigest(ref));
        ok(daemon.docker("rmi", ref));
        ok(daemon.docker("rmi", "busybox"));
        try {
            String pulled = ok(daemon.docker("pull", ref)).stdout();
            assertTrue(pulled.contains("Pull complete"), pulled);
            assertEquals(m.group(1), digestLine(pulled));
            assertEquals("hi\n", daemon.dockerRunOk(ref, "echo", "hi"));
        } finally {
            ok(daemon.docker("tag", ref, "busybox"));
            ok(daemon.docker("rmi", ref));
        }
    }

    @Test
    void indexPullTakesLinuxAmd64WithGzipAndZstdLayers() {
        String ref = registry.host() + "/multi:1";
        String pulled = ok(daemon.berth("pull", ref)).stdout();
        assertEquals(indexDigest.toString(), digestLine(pulled));
        assertTrue(pulled.contains("Status: Downloaded newer image for " + ref), pulled);
        assertEquals("amd64", ok(daemon.berth("image", "inspect", "--format", "{{.Architecture}}", ref)).stdout().strip());
        assertEquals("amd64\n", daemon.berthRunOk(ref, "cat", "/arch"));
        String again = ok(daemon.berth("pull", ref)).stdout();
        assertTrue(again.contains("Status: Image is up to date for " + ref), again);
        ok(daemon.berth("rmi", ref));
    }

    @Test
    void runPullsAMissingImageUnlessToldNever() {
        String ref = registry.host() + "/multi:1";
        Daemon.Result never = daemon.berth("run", "--rm", "--pull", "never", ref, "true");
        assertEquals(125, never.exit(), never.toString());
        assertTrue(never.stderr().contains("No such image"), never.toString());
        Daemon.Result run = ok(daemon.berth("run", "--rm", ref, "cat", "/arch"));
        assertEquals("amd64\n", run.stdout());
        assertTrue(run.stderr().contains("Unable to find image '" + ref + "' locally"), run.toString());
        ok(daemon.berth("rmi", ref));
        Daemon.Result viaDocker = ok(daemon.docker("run", "--rm", ref, "cat", "/arch"));
        assertEquals("amd64\n", viaDocker.stdout());
        ok(daemon.berth("rmi", ref));
    }

    @Test
    void platformFlagPicksArm64AndAMissingPlatformIsRefused() {
        String ref = registry.host() + "/multi:1";
        ok(daemon.berth("pull", "--platform", "linux/arm64", ref));
        assertEquals("arm64", ok(daemon.berth("image", "inspect", "--format", "{{.Architecture}}", ref)).stdout().strip());
        ok(daemon.berth("rmi", ref));
        Daemon.Result refused = daemon.berth("pull", "--platform", "linux/s390x", ref);
        assertEquals(1, refused.exit(), refused.toString());
        assertTrue(refused.stderr().contains("no matching manifest for linux/s390x in the manifest list entries"), refused.toString());
        assertFalse(ok(daemon.berth("images")).stdout().contains("multi"));
    }

    @Test
    void pullByDigestVerifiesAndNamesTheImageByIt() {
        String ref = registry.host() + "/multi@" + amd64.digest();
        String pulled = ok(daemon.berth("pull", ref)).stdout();
        assertEquals(amd64.digest().toString(), digestLine(pulled));
        assertEquals("amd64\n", daemon.berthRunOk(ref, "cat", "/arch"));
        ok(daemon.berth("rmi", ref));
        String wrong = registry.host() + "/multi@sha256:" + "0".repeat(64);
        Daemon.Result missing = daemon.berth("pull", wrong);
        assertEquals(1, missing.exit(), missing.toString());
        assertTrue(missing.stderr().contains("not found"), missing.toString());
    }

    @Test
    void concurrentPullsOfImagesSharingALayerBothSucceedAndShareIt() throws Exception {
        String one = registry.host() + "/shared:1";
        String two = registry.host() + "/shared:2";
        String other = registry.host() + "/multi:1";
        CompletableFuture<Daemon.Result> a = CompletableFuture.supplyAsync(() -> daemon.berth("pull", one));
        CompletableFuture<Daemon.Result> b = CompletableFuture.supplyAsync(() -> daemon.berth("pull", two));
        CompletableFuture<Daemon.Result> c = CompletableFuture.supplyAsync(() -> daemon.docker("pull", other));
        ok(a.get());
        ok(b.get());
        ok(c.get());
        String layers = "{{index .RootFS.Layers 0}}";
        String baseOfOne = ok(daemon.berth("image", "inspect", "--format", layers, one)).stdout();
        assertEquals(base.diffId().toString(), baseOfOne.strip());
        assertEquals(baseOfOne, ok(daemon.berth("image", "inspect", "--format", layers, other)).stdout());
        try (Stream<Path> snapshots = Files.list(daemon.root.resolve("overlay"))) {
            List<String> names = snapshots.map(p -> p.getFileName().toString()).toList();
            assertEquals(1, names.stream().filter(n -> n.equals("sha256_" + base.diffId().hex())).count(), names.toString());
            assertTrue(names.stream().noneMatch(n -> n.startsWith("extract-")), names.toString());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        ok(daemon.berth("rmi", one, two, other));
    }

    @Test
    void pullResumesWithARangeAfterTheRegistryIsCutMidLayer() throws Exception {
        try (CuttingProxy proxy = new CuttingProxy(registry.port)) {
            String ref = "127.0.0.1:" + proxy.port() + "/big:1";
            proxy.cutAfter = 1024 * 1024;
            Daemon.Result cut = daemon.berth("pull", ref);
            assertEquals(1, cut.exit(), cut.toString());
            assertFalse(ok(daemon.berth("images")).stdout().contains("big"));
            Path partial = daemon.root.resolve("content/ingest/" + big.digest().hex() + ".partial");
            assertTrue(Files.size(partial) > 1024 * 1024, "partial layer kept for the retry");
            assertTrue(Files.size(partial) < big.blob().length);
            long kept = Files.size(partial);
            proxy.cutAfter = -1;
            String pulled = ok(daemon.berth("pull", ref)).stdout();
            assertTrue(pulled.contains("Downloaded newer image"), pulled);
            assertTrue(proxy.requests().contains("Range: bytes=" + kept + "-")
                    || proxy.requests().toLowerCase().contains("range: bytes=" + kept + "-"), "resumed from " + kept);
            assertFalse(Files.exists(partial));
            assertEquals("6291456\n", daemon.berthRunOk(ref, "sh", "-c", "wc -c < /random"));
            ok(daemon.berth("rmi", ref));
        }
    }

    @Test
    void aDeadRegistryIsAClearErrorAndChangesNothing() throws Exception {
        String before = ok(daemon.berth("images", "-q")).stdout();
        Daemon.Result dead = daemon.berth("pull", "127.0.0.1:" + RegistryFixture.freePort() + "/nothing:1");
        assertEquals(1, dead.exit(), dead.toString());
        assertTrue(dead.stderr().contains("connection refused"), dead.toString());
        Daemon.Result viaDocker = daemon.docker("pull", "127.0.0.1:" + RegistryFixture.freePort() + "/nothing:1");
        assertEquals(1, viaDocker.exit(), viaDocker.toString());
        assertTrue(viaDocker.stderr().contains("connection refused"), viaDocker.toString());
        assertEquals(before, ok(daemon.berth("images", "-q")).stdout());
    }

    @Test
    void corruptLayerAndManifestBytesAreRefusedAndNothingIsStored() throws Exception {
        try (RegistryFixture own = RegistryFixture.start()) {
            registry.skopeo(daemon, "copy", "-q", "--preserve-digests", "--dest-tls-verify=false",
                    "oci:" + work.resolve("layout") + ":shared", "docker://" + own.host() + "/bad:layer");
            registry.skopeo(daemon, "copy", "-q", "--all", "--preserve-digests", "--dest-tls-verify=false",
                    "oci:" + work.resolve("layout") + ":multi", "docker://" + own.host() + "/bad:manifest");
            flipLastByte(own.dir.resolve("storage/docker/registry/v2/blobs/sha256/" + other.digest().hex().substring(0, 2)
                    + "/" + other.digest().hex() + "/data"));
            String before = ok(daemon.berth("images", "-q")).stdout();
            Daemon.Result badLayer = daemon.berth("pull", own.host() + "/bad:layer");
            assertEquals(1, badLayer.exit(), badLayer.toString());
            assertTrue(badLayer.stderr().contains("filesystem layer verification failed for digest " + other.digest()),
                    badLayer.toString());
            assertFalse(Files.exists(daemon.root.resolve("content/ingest/" + other.digest().hex() + ".partial")));
            assertFalse(Files.exists(daemon.root.resolve("content/blobs/sha256/" + other.digest().hex())));

            Path index = own.dir.resolve("storage/docker/registry/v2/blobs/sha256/" + indexDigest.hex().substring(0, 2)
                    + "/" + indexDigest.hex() + "/data");
            String text = Files.readString(index);
            Files.writeString(index, text.replace("\"arm64\"", "\"arm65\""));
            Daemon.Result badManifest = daemon.berth("pull", own.host() + "/bad:manifest");
            assertEquals(1, badManifest.exit(), badManifest.toString());
            assertTrue(badManifest.stderr().contains("manifest verification failed for digest " + indexDigest),
                    badManifest.toString());
            assertEquals(before, ok(daemon.berth("images", "-q")).stdout());
        }
    }

    private static void flipLastByte(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() - 20);
            int b = f.read();
            f.seek(f.length() - 20);
            f.write(b ^ 0xff);
        }
    }

    @Test
    void searchListsCatalogRepositoriesAndAllTagsPullsEveryTag() {
        String found = ok(daemon.berth("search", registry.host() + "/shar")).stdout();
        assertTrue(found.startsWith("NAME"), found);
        assertTrue(found.contains(registry.host() + "/shared"), found);
        assertFalse(found.contains("/multi"), found);
        String viaDocker = ok(daemon.docker("search", "--format", "{{.Name}}", registry.host() + "/multi")).stdout();
        assertEquals(registry.host() + "/multi\n", viaDocker);
        String all = ok(daemon.berth("pull", "--all-tags", registry.host() + "/shared")).stdout();
        assertTrue(all.contains("Status: Downloaded newer image for " + registry.host() + "/shared:1"), all);
        String images = ok(daemon.berth("images", "--format", "{{.Repository}}:{{.Tag}}", registry.host() + "/shared")).stdout();
        assertTrue(images.contains(registry.host() + "/shared:1") && images.contains(registry.host() + "/shared:2"), images);
        assertNotEquals(-1, images.indexOf("shared:2"));
        ok(daemon.berth("rmi", registry.host() + "/shared:1", registry.host() + "/shared:2"));
    }
}
