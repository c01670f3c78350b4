package berth.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * save and load, docker-archive and OCI layout, between two daemons and from both clients; a bad archive is
 * refused with a clear error and leaves the store exactly as it was.
 */
class ArchiveTest {
    private static Daemon source;
    private static Daemon target;

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        source = Daemon.startWithBusybox();
        target = Daemon.start();
    }

    @AfterAll
    static void stop() throws Exception {
        try (Daemon a = source; Daemon b = target) {
            // both closed, even if one fails
        }
    }

    /** The source keeps only busybox:latest, the target nothing. */
    @AfterEach
    void cleanUp() {
        for (Daemon daemon : List.of(source, target)) {
            for (String line : images(daemon).lines().toList()) {
                String[] nameAndId = line.split(" ");
                if (!(daemon == source && nameAndId[0].equals("busybox:latest"))) {
                    daemon.docker("rmi", "-f", nameAndId[0].equals("<none>:<none>") ? nameAndId[1] : nameAndId[0]);
                }
            }
        }
        assertEquals("", images(target));
        assertEquals(1, images(source).lines().count(), images(source));
    }

    /** Every image row, sorted: docker orders the tags of one image at random. */
    private static String images(Daemon daemon) {
        return daemon.docker("images", "-a", "--no-trunc", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}").stdout()
                .lines().sorted().map(line -> line + "\n").collect(Collectors.joining());
    }

    /** Images, blobs and unpacked layers: what a failed load must leave as it found. */
    private static String state(Daemon daemon) throws IOException {
        return images(daemon) + ImageFixtures.tree(daemon.root.resolve("content")) + ImageFixtures.tree(
                daemon.root.resolve("overlay"));
    }

    private static String id(Daemon daemon, String name) {
        Daemon.Result inspect = daemon.docker("image", "inspect", "--format", "{{.Id}}", name);
        assertEquals(0, inspect.exit(), inspect::toString);
        return inspect.stdout().strip();
    }

    private static void assertOk(Daemon.Result result) {
        assertEquals(0, result.exit(), result::toString);
    }

    private static List<String> sortedLines(String text) {
        return text.lines().sorted().toList();
    }

    private Path file(String name, byte[] content) throws IOException {
        return Files.write(work.resolve(name), content);
    }

    /** busybox:latest and busybox:v2 (one image), and other:1 (another), in the source. */
    private void twoImagesThreeTags() throws IOException {
        assertOk(source.docker("tag", "busybox", "busybox:v2"));
        assertOk(source.docker("import", file("other.tar", ImageFixtures.busyboxRootfs("other")).toString(), "other:1"));
    }

    // --- round trips ------------------------------------------------------------------------------------------

    @Test
    void dockerSaveToAFileThenBerthLoadOnAnotherDaemonKeepsIdsAndTags() throws IOException {
        twoImagesThreeTags();
        Path archive = work.resolve("images.tar");
        assertOk(source.docker("save", "-o", archive.toString(), "busybox:latest", "busybox:v2", "other:1"));
        Daemon.Result loaded = target.berth("load", "-i", archive.toString());
        assertOk(loaded);
        assertEquals(List.of("Loaded image: busybox:latest", "Loaded image: busybox:v2", "Loaded image: other:1"),
                sortedLines(loaded.stdout()), loaded::toString);
        assertEquals(images(source), images(target));
        assertEquals("other", target.docker("run", "--rm", "other:1", "cat", "/marker").stdout());
        assertEquals("hi\n", target.berth("run", "--rm", "busybox:v2", "echo", "hi").stdout());
    }

    @Test
    void berthSaveToStdoutThenDockerLoadFromStdinKeepsIdsAndTags() throws IOException {
        twoImagesThreeTags();
        Path archive = work.resolve("images.tar");
        assertOk(source.shell("$BERTH save busybox other:1 > " + archive));
        Daemon.Result loaded = target.shell("docker load < " + archive);
        assertOk(loaded);
        assertEquals(List.of("Loaded image: busybox:latest", "Loaded image: busybox:v2", "Loaded image: other:1"),
                sortedLines(loaded.stdout()), loaded::toString);
        assertEquals(images(source), images(target));
    }

    @Test
    void pipingSaveIntoLoadBetweenDaemonsWorksFromBothClients() {
        Daemon.Result docker = source.shell("docker save busybox | DOCKER_HOST=" + target.host() + " docker load");
        assertOk(docker);
        assertEquals("Loaded image: busybox:latest\n", docker.stdout(), docker::toString);
        assertEquals(id(source, "busybox"), id(target, "busybox"));
        assertOk(target.docker("rmi", "busybox"));
        Daemon.Result berth = source.shell("$BERTH save busybox | " + Daemon.REPO.resolve("bin/berth") + " -H "
                + target.host() + " load");
        assertOk(berth);
        assertEquals("Loaded image: busybox:latest\n", berth.stdout(), berth::toString);
        assertEquals(id(source, "busybox"), id(target, "busybox"));
    }

    @Test
    void saveOfARepositoryNameSavesEveryTagAndOfATagOnlyThatTag() throws IOException {
        twoImagesThreeTags();
        for (Daemon.Result saved : List.of(source.docker("save", "-o", work.resolve("docker.tar").toString(), "busybox"),
                source.berth("save", "-o", work.resolve("berth.tar").toString(), "busybox"))) {
            assertOk(saved);
        }
        for (String name : List.of("docker.tar", "berth.tar")) {
            String manifest = new String(ImageFixtures.entries(work.resolve(name)).get("manifest.json"),
                    StandardCharsets.UTF_8);
            assertTrue(manifest.contains("\"RepoTags\":[\"busybox:latest\",\"busybox:v2\"]"), manifest);
            assertFalse(manifest.contains("other"), manifest);
        }
        assertOk(source.docker("save", "-o", work.resolve("one-tag.tar").toString(), "busybox:v2"));
        String manifest = new String(ImageFixtures.entries(work.resolve("one-tag.tar")).get("manifest.json"),
                StandardCharsets.UTF_8);
        assertTrue(manifest.contains("\"RepoTags\":[\"busybox:v2\"]"), manifest);
    }

    @Test
    void saveWritesADockerArchiveThatIsAlsoAnOciLayout() throws IOException {
        String busybox = id(source, "busybox");
        assertOk(source.berth("save", "-o", work.resolve("busybox.tar").toString(), "busybox"));
        Map<String, byte[]> entries = ImageFixtures.entries(work.resolve("busybox.tar"));
        assertTrue(entries.keySet().containsAll(List.of("manifest.json", "index.json", "oci-layout",
                "blobs/sha256/" + busybox.substring(7))), entries::toString);
        String index = new String(entries.get("index.json"), StandardCharsets.UTF_8);
        assertTrue(index.contains("\"io.containerd.image.name\":\"docker.io/library/busybox:latest\""), index);
        for (Map.Entry<String, byte[]> blob : entries.entrySet()) {
            if (blob.getKey().startsWith("blobs/sha256/")) {
                assertEquals(blob.getKey().substring(13), ImageFixtures.sha256(blob.getValue()), blob.getKey());
            }
        }
    }

    @Test
    void saveByIdKeepsTheImageUntaggedAndLoadSaysItsId() throws IOException {
        String busybox = id(source, "busybox");
        Path archive = work.resolve("by-id.tar");
        assertOk(source.docker("save", "-o", archive.toString(), busybox.substring(7, 19)));
        Daemon.Result loaded = target.docker("load", "-i", archive.toString());
        assertOk(loaded);
        assertEquals("Loaded image ID: " + busybox + "\n", loaded.stdout(), loaded::toString);
        assertEquals("<none>:<none> " + busybox + "\n", images(target));
    }

    @Test
    void loadOfATarredOciLayoutFromBothClients() throws IOException {
        byte[] layer = ImageFixtures.busyboxRootfs("from an oci layout");
        Path named = file("named.tar", ImageFixtures.ociLayout(layer, "oci", "docker.io/library/ocitest:v1"));
        Daemon.Result docker = target.docker("load", "-i", named.toString());
        assertOk(docker);
        assertEquals("Loaded image: ocitest:v1\n", docker.stdout(), docker::toString);
        assertEquals("from an oci layout", target.docker("run", "--rm", "ocitest:v1").stdout());
        Daemon.Result env = target.docker("image", "inspect", "--format", "{{.Config.Env}} {{.RootFS.Layers}}",
                "ocitest:v1");
        assertEquals("[FIXTURE=oci] [sha256:" + ImageFixtures.sha256(layer) + "]\n", env.stdout(), env::toString);

        Path unnamed = file("unnamed.tar", ImageFixtures.ociLayout(layer, "unnamed", null));
        Daemon.Result berth = target.shell("$BERTH load < " + unnamed);
        assertOk(berth);
        assertTrue(berth.stdout().matches("Loaded image ID: sha256:[0-9a-f]{64}\n"), berth::toString);
        String id = berth.stdout().strip().substring("Loaded image ID: ".length());
        assertEquals("from an oci layout", target.berth("run", "--rm", id, "cat", "/marker").stdout());
    }

    @Test
    void loadOfAHandMadeDockerArchiveWithSeveralTags() throws IOException {
        byte[] layer = ImageFixtures.busyboxRootfs("hand made");
        Path archive = file("hand.tar", ImageFixtures.dockerArchive(layer, "hand", "hand:1", "hand:2", "me/hand:3"));
        Daemon.Result loaded = target.berth("load", "-i", archive.toString());
        assertOk(loaded);
        assertEquals(List.of("Loaded image: hand:1", "Loaded image: hand:2", "Loaded image: me/hand:3"),
                sortedLines(loaded.stdout()), loaded::toString);
        String id = id(target, "hand:1");
        assertEquals(id, id(target, "me/hand:3"));
        assertEquals("sha256:" + ImageFixtures.sha256(ImageFixtures.config(ImageFixtures.sha256(layer), "hand")), id);
        assertEquals("hand made", target.docker("run", "--rm", "hand:2").stdout());
    }

    // --- bad archives -----------------------------------------------------------------------------------------

    private void assertLoadRefusedByBothClients(Path archive, String message) throws IOException {
        String before = state(target);
        Daemon.Result docker = target.docker("load", "-i", archive.toString());
        assertEquals(1, docker.exit(), docker::toString);
        assertTrue(docker.stderr().contains(message), () -> "expected \"" + message + "\" in " + docker);
        assertEquals(before, state(target));
        Daemon.Result berth = target.shell("$BERTH load < " + archive);
        assertEquals(1, berth.exit(), berth::toString);
        assertTrue(berth.stderr().contains(message), () -> "expected \"" + message + "\" in " + berth);
        assertEquals(before, state(target));
    }

    @Test
    void loadOfACorruptArchiveStoresNothing() throws IOException {
        byte[] garbage = new byte[64 * 1024];
        new java.util.Random(7).nextBytes(garbage);
        assertLoadRefusedByBothClients(file("garbage.tar", garbage), "invalid archive");
        assertLoadRefusedByBothClients(file("empty.tar", new byte[0]), "invalid archive");
    }

    @Test
    void loadOfATruncatedArchiveStoresNothing() throws IOException {
        twoImagesThreeTags();
        Path archive = work.resolve("whole.tar");
        assertOk(source.docker("save", "-o", archive.toString(), "busybox", "other:1"));
        byte[] whole = Files.readAllBytes(archive);
        // Cut inside the last layer, once the configs and the first layer are already in.
        assertLoadRefusedByBothClients(file("truncated.tar", Arrays.copyOf(whole, whole.length - 600_000)),
                "invalid archive");
        // A tar missing the blob manifest.json lists.
        byte[] layer = ImageFixtures.busyboxRootfs("missing");
        byte[] full = ImageFixtures.dockerArchive(layer, "missing", "missing:1");
        assertLoadRefusedByBothClients(file("cut.tar", Arrays.copyOf(full, full.length / 2)), "invalid archive");
    }

    @Test
    void loadOfALayerWhoseDigestDoesNotMatchStoresNothing() throws IOException {
        byte[] layer = ImageFixtures.busyboxRootfs("lies");
        String otherDigest = ImageFixtures.sha256("something else".getBytes(StandardCharsets.UTF_8));
        // The blob's name claims a digest its bytes do not have.
        assertLoadRefusedByBothClients(file("misnamed.tar", ImageFixtures.dockerArchiveClaiming(layer, otherDigest,
                otherDigest, "lies", "lies:1")), "digest mismatch");
        // The blob is what its name says, but the config expects another diff id.
        assertLoadRefusedByBothClients(file("wrong-diff-id.tar", ImageFixtures.dockerArchiveClaiming(layer,
                ImageFixtures.sha256(layer), otherDigest, "lies", "lies:2")), "mismatch");
    }

    @Test
    void loadOfALayerWithPathEscapesStoresNothingAndWritesNothingOutside() throws IOException {
        Path outside = Files.createDirectories(work.resolve("outside"));
        List<byte[]> hostileLayers = List.of(
                new ImageFixtures.Tar().file("ok", "fine").file("../escaped", "evil").bytes(),
                new ImageFixtures.Tar().file("../../../../../../.." + outside + "/escaped", "evil").bytes(),
                new ImageFixtures.Tar().symlink("etc", outside.toString()).file("etc/escaped", "evil").bytes(),
                new ImageFixtures.Tar().symlink("etc", "../../../../../../../.." + outside).file("etc/escaped", "evil")
                        .bytes(),
                new ImageFixtures.Tar().dir("d").symlink("d/link", "/").file("d/link" + outside + "/escaped", "evil")
                        .bytes());
        int n = 0;
        for (byte[] layer : hostileLayers) {
            Path archive = file("hostile-" + n++ + ".tar", ImageFixtures.dockerArchive(layer, "evil", "evil:1"));
            assertLoadRefusedByBothClients(archive, "invalid tar entry");
            assertEquals(List.of(""), ImageFixtures.tree(outside), "nothing written outside the layer");
        }
        assertNotEquals(0, n);
    }

    @Test
    void saveOfAnUnknownImageWritesNoFile() {
        Path archive = work.resolve("never.tar");
        for (Daemon.Result saved : List.of(source.docker("save", "-o", archive.toString(), "ghost"),
                source.berth("save", "-o", archive.toString(), "busybox", "ghost"),
                source.shell("docker save ghost > /dev/null"))) {
            assertEquals(1, saved.exit(), saved::toString);
            assertTrue(saved.stderr().contains("No such image: ghost:latest"), saved::toString);
        }
        assertFalse(Files.exists(archive));
    }
}
