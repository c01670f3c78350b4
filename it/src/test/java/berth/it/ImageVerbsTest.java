package berth.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local image verbs (import, images, tag, rmi, image inspect, history, image prune) from the docker CLI and
 * the berth CLI, with docker's output, messages and exit codes; bad input is refused and changes nothing.
 */
class ImageVerbsTest {
    private static final String BUSYBOX_FORMAT = "{{.Repository}}:{{.Tag}} {{.ID}}";
    private static Daemon daemon;

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        daemon = Daemon.startWithBusybox();
    }

    @AfterAll
    static void stop() throws Exception {
        daemon.close();
    }

    /** Every test leaves only busybox:latest behind, as it found it. */
    @AfterEach
    void onlyBusyboxRemains() {
        for (String id : daemon.docker("ps", "-aq").stdout().split("\\s+")) {
            if (!id.isBlank()) {
                daemon.docker("rm", "-f", id);
            }
        }
        String busybox = id("busybox");
        for (String line : images().lines().toList()) {
            String[] nameAndId = line.split(" ");
            if (!nameAndId[0].equals("busybox:latest")) {
                daemon.docker("rmi", "-f", nameAndId[0].equals("<none>:<none>") ? nameAndId[1] : nameAndId[0]);
            }
        }
        assertEquals("busybox:latest " + busybox + "\n", images());
    }

    /** Every image row, sorted: docker orders the tags of one image at random. */
    private static String images() {
        return daemon.docker("images", "-a", "--no-trunc", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}").stdout()
                .lines().sorted().map(line -> line + "\n").collect(Collectors.joining());
    }

    private static String id(String name) {
        Daemon.Result inspect = daemon.docker("image", "inspect", "--format", "{{.Id}}", name);
        assertEquals(0, inspect.exit(), inspect::toString);
        return inspect.stdout().strip();
    }

    private Path file(String name, byte[] content) throws IOException {
        return Files.write(work.resolve(name), content);
    }

    private static void assertOk(Daemon.Result result) {
        assertEquals(0, result.exit(), result::toString);
    }

    private static void assertRefused(Daemon.Result result, String message) {
        assertEquals(1, result.exit(), result::toString);
        assertTrue(result.stderr().contains(message), () -> "expected \"" + message + "\" in " + result);
    }

    // --- import -----------------------------------------------------------------------------------------------

    @Test
    void importOfPlainGzipAndZstdTarballsFromBothClientsMakesRunnableImages() throws IOException {
        byte[] rootfs = ImageFixtures.busyboxRootfs("imported");
        Path plain = file("rootfs.tar", rootfs);
        Path gzip = file("rootfs.tar.gz", ImageFixtures.gzip(rootfs));
        Path zstd = file("rootfs.tar.zst", ImageFixtures.zstd(rootfs));
        List<Daemon.Result> imports = List.of(
                daemon.docker("import", plain.toString(), "imp:docker-plain"),
                daemon.docker("import", gzip.toString(), "imp:docker-gzip"),
                daemon.berth("import", zstd.toString(), "imp:berth-zstd"),
                daemon.berth("import", gzip.toString(), "imp:berth-gzip"));
        for (Daemon.Result imported : imports) {
            assertOk(imported);
            assertTrue(imported.stdout().matches("sha256:[0-9a-f]{64}\n"), imported::toString);
        }
        for (String tag : List.of("docker-plain", "docker-gzip", "berth-zstd", "berth-gzip")) {
            assertEquals(imports.get(List.of("docker-plain", "docker-gzip", "berth-zstd", "berth-gzip").indexOf(tag))
                    .stdout().strip(), id("imp:" + tag));
            Daemon.Result run = daemon.docker("run", "--rm", "imp:" + tag, "cat", "/marker");
            assertEquals("imported", run.stdout(), run::toString);
        }
        // The same layer imported four ways unpacks to the same diff id.
        assertEquals(1, daemon.docker("images", "--format", "{{.Size}}", "imp").stdout().lines().distinct().count());
    }

    @Test
    void importReadsStdinWithADashFromBothClients() throws IOException {
        Path tar = file("rootfs.tar", ImageFixtures.busyboxRootfs("from stdin"));
        assertOk(daemon.shell("docker import - imp:docker-stdin < " + tar));
        assertOk(daemon.shell("$BERTH import - imp:berth-stdin < " + tar));
        assertEquals("from stdin", daemon.docker("run", "--rm", "imp:docker-stdin", "cat", "/marker").stdout());
        assertEquals("from stdin", daemon.berth("run", "--rm", "imp:berth-stdin", "cat", "/marker").stdout());
    }

    @Test
    void berthImportsADirectory() throws IOException {
        Path dir = work.resolve("rootfs");
        ImageFixtures.writeBusyboxRootfs(dir, "from a directory");
        assertOk(daemon.berth("import", dir.toString(), "imp:dir"));
        Daemon.Result run = daemon.berth("run", "--rm", "imp:dir", "sh", "-c", "cat /marker; ls /bin/busybox");
        assertEquals("from a directory/bin/busybox\n", run.stdout(), run::toString);
    }

    @Test
    void importChangesAndMessageAreSeenByAContainerFromEitherClient() throws IOException {
        Path tar = file("rootfs.tar", ImageFixtures.busyboxRootfs("changed"));
        assertOk(daemon.docker("import",
                "--change", "CMD [\"sh\", \"-c\", \"echo $GREETING from $(pwd) as $(id -u)\"]",
                "--change", "ENV GREETING=hello", "-c", "WORKDIR /tmp", "-c", "USER 65534",
                "-c", "EXPOSE 8080", "-c", "LABEL team=berth", "-m", "imported with changes",
                tar.toString(), "imp:changed"));
        assertEquals("hello from /tmp as 65534\n", daemon.docker("run", "--rm", "imp:changed").stdout());
        assertEquals("hello from /tmp as 65534\n", daemon.berth("run", "--rm", "imp:changed").stdout());
        Daemon.Result inspect = daemon.docker("image", "inspect", "--format",
                "{{.Config.Env}} {{.Config.WorkingDir}} {{.Config.User}} {{.Config.ExposedPorts}} {{.Config.Labels}} "
                        + "{{.Comment}}", "imp:changed");
        assertEquals("[GREETING=hello] /tmp 65534 map[8080/tcp:{}] map[team:berth] imported with changes\n",
                inspect.stdout(), inspect::toString);
        Daemon.Result history = daemon.docker("history", "--format", "{{.Comment}}", "imp:changed");
        assertEquals("imported with changes\n", history.stdout(), history::toString);

        assertOk(daemon.berth("import", "-c", "ENTRYPOINT [\"echo\", \"entry\"]", "-c", "CMD [\"default\"]",
                "-m", "berth message", tar.toString(), "imp:entry"));
        assertEquals("entry default\n", daemon.docker("run", "--rm", "imp:entry").stdout());
        assertEquals("entry given\n", daemon.berth("run", "--rm", "imp:entry", "given").stdout());
        assertEquals("berth message\n", daemon.berth("history", "--format", "{{.Comment}}", "imp:entry").stdout());
    }

    @Test
    void importWithAnInvalidChangeIsRefusedAndStoresNothing() throws IOException {
        Path tar = file("rootfs.tar", ImageFixtures.busyboxRootfs("never"));
        String before = images();
        assertRefused(daemon.docker("import", "-c", "BOGUS x", tar.toString(), "imp:bogus"),
                "bogus is not a valid change command");
        assertRefused(daemon.berth("import", "-c", "BOGUS x", tar.toString(), "imp:bogus"),
                "bogus is not a valid change command");
        assertEquals(before, images());
    }

    @Test
    void importWithAMalformedReferenceIsRefusedAndStoresNothing() throws IOException {
        Path tar = file("rootfs.tar", ImageFixtures.busyboxRootfs("never"));
        String before = images();
        for (Function<String[], Daemon.Result> client : List.<Function<String[], Daemon.Result>>of(daemon::docker, daemon::berth)) {
            assertRefused(client.apply(new String[]{"import", tar.toString(), "Upper:x"}),
                    "invalid reference format: repository name (library/Upper) must be lowercase");
            assertRefused(client.apply(new String[]{"import", tar.toString(), "a:b:c"}), "invalid reference format");
        }
        assertEquals(before, images());
    }

    // --- images -----------------------------------------------------------------------------------------------

    @Test
    void imagesFlagsFromBothClientsAgree() throws IOException {
        String busybox = id("busybox");
        assertOk(daemon.docker("tag", "busybox", "busybox:alias"));
        assertOk(daemon.docker("tag", "busybox", "other:1"));
        Path tar = file("rootfs.tar", ImageFixtures.busyboxRootfs("twice"));
        assertOk(daemon.docker("import", tar.toString(), "imp:twice"));
        String dangling = id("imp:twice");
        assertOk(daemon.docker("import", tar.toString(), "imp:twice")); // takes the tag: the first is now dangling

        for (Function<String[], Daemon.Result> client : List.<Function<String[], Daemon.Result>>of(daemon::docker, daemon::berth)) {
            // -q: one (short) id per row, so an image with three tags shows three times, as docker prints it.
            Daemon.Result quiet = client.apply(new String[]{"images", "-q"});
            assertEquals(3, quiet.stdout().lines().filter(busybox.substring(7, 19)::equals).count(), quiet::toString);
            Daemon.Result noTrunc = client.apply(new String[]{"images", "--no-trunc", "--format", "{{.ID}}", "other"});
            assertEquals(busybox + "\n", noTrunc.stdout(), noTrunc::toString);
            Daemon.Result danglingOnly = client.apply(new String[]{"images", "-q", "--no-trunc", "--filter", "dangling=true"});
            assertEquals(dangling + "\n", danglingOnly.stdout(), danglingOnly::toString);
            Daemon.Result tagged = client.apply(new String[]{"images", "--filter", "dangling=false", "--format",
                    "{{.Repository}}:{{.Tag}}"});
            assertEquals(List.of("busybox:alias", "busybox:latest", "imp:twice", "other:1"),
                    tagged.stdout().lines().sorted().toList(), tagged::toString);
            // reference= matches tags, and only the matching tags of an image are listed.
            Daemon.Result byReference = client.apply(new String[]{"images", "--filter", "reference=busy*", "--format",
                    "{{.Repository}}:{{.Tag}}"});
            assertEquals(List.of("busybox:alias", "busybox:latest"), byReference.stdout().lines().sorted().toList(),
                    byReference::toString);
            Daemon.Result byArgument = client.apply(new String[]{"images", "--format", "{{.Repository}}:{{.Tag}}",
                    "busybox:alias"});
            assertEquals("busybox:alias\n", byArgument.stdout(), byArgument::toString);
            Daemon.Result digests = client.apply(new String[]{"images", "--digests", "other"});
            assertEquals(List.of("REPOSITORY", "TAG", "DIGEST", "IMAGE", "ID", "CREATED", "SIZE"),
                    List.of(digests.stdout().lines().findFirst().orElseThrow().split("\\s+")), digests::toString);
            assertEquals(List.of("other", "1", "<none>", busybox.substring(7, 19)),
                    List.of(digests.stdout().lines().skip(1).findFirst().orElseThrow().split("\\s+")).subList(0, 4),
                    digests::toString);
            Daemon.Result all = client.apply(new String[]{"images", "-a", "-q", "--no-trunc"});
            assertTrue(all.stdout().lines().toList().containsAll(List.of(busybox, dangling)), all::toString);
        }
        // --format renders the same rows from both clients.
        List<String> fromDocker = daemon.docker("images", "--format", BUSYBOX_FORMAT).stdout().lines().sorted().toList();
        List<String> fromBerth = daemon.berth("images", "--format", BUSYBOX_FORMAT).stdout().lines().sorted().toList();
        assertEquals(fromDocker, fromBerth);
        assertEquals(5, fromDocker.size(), fromDocker::toString);
    }

    @Test
    void anInvalidDanglingFilterIsRefused() {
        assertRefused(daemon.docker("images", "--filter", "dangling=maybe"), "invalid filter 'dangling=[maybe]'");
        assertRefused(daemon.berth("images", "--filter", "dangling=maybe"), "invalid filter 'dangling=[maybe]'");
    }

    // --- tag and rmi ------------------------------------------------------------------------------------------

    @Test
    void rmiOfOneOfTwoTagsOnlyUntags() {
        String busybox = id("busybox");
        for (Function<String[], Daemon.Result> client : List.<Function<String[], Daemon.Result>>of(daemon::docker, daemon::berth)) {
            assertOk(client.apply(new String[]{"tag", "busybox", "busybox:alias"}));
            assertEquals(busybox, id("busybox:alias"));
            Daemon.Result rmi = client.apply(new String[]{"rmi", "busybox:alias"});
            assertOk(rmi);
            assertEquals("Untagged: busybox:alias\n", rmi.stdout(), rmi::toString);
            assertEquals("busybox:latest " + busybox + "\n", images());
        }
    }

    @Test
    void rmiByIdOfAnImageWithSeveralTagsNeedsForce() throws IOException {
        Path tar = file("rootfs.tar", ImageFixtures.busyboxRootfs("tags"));
        for (Function<String[], Daemon.Result> client : List.<Function<String[], Daemon.Result>>of(daemon::docker, daemon::berth)) {
            assertOk(daemon.docker("import", tar.toString(), "many:one"));
            String id = id("many:one");
            assertOk(client.apply(new String[]{"tag", "many:one", "many:two"}));
            assertOk(client.apply(new String[]{"tag", id.substring(7, 19), "else:three"}));
            String before = images();
            assertRefused(client.apply(new String[]{"rmi", id.substring(7, 19)}), "conflict: unable to delete "
                    + id.substring(7, 19) + " (must be forced) - image is referenced in multiple repositories");
            assertEquals(before, images());
            Daemon.Result forced = client.apply(new String[]{"rmi", "-f", id.substring(7, 19)});
            assertOk(forced);
            assertEquals(List.of("Deleted: " + id, "Untagged: else:three", "Untagged: many:one", "Untagged: many:two"),
                    forced.stdout().lines().sorted().toList(), forced::toString);
            assertFalse(images().contains(id), images());
        }
    }

    @Test
    void rmiRefusesAnImageAContainerUsesUnlessForced() throws IOException {
        Path tar = file("rootfs.tar", ImageFixtures.busyboxRootfs("in use"));
        assertOk(daemon.docker("import", tar.toString(), "used:1"));
        String id = id("used:1");
        Daemon.Result created = daemon.docker("create", "used:1", "cat", "/marker");
        assertOk(created);
        String container = created.stdout().strip().substring(0, 12);
        String before = images();
        for (Function<String[], Daemon.Result> client : List.<Function<String[], Daemon.Result>>of(daemon::docker, daemon::berth)) {
            assertRefused(client.apply(new String[]{"rmi", "used:1"}),
                    "conflict: unable to remove repository reference \"used:1\" (must force) - container " + container
                            + " is using its referenced image " + id.substring(7, 19));
            assertRefused(client.apply(new String[]{"rmi", id.substring(7)}), "conflict: unable to delete "
                    + id.substring(7, 19) + " (must be forced) - image is being used by stopped container " + container);
            assertEquals(before, images());
        }
        // Forced, the tag goes; the image stays (dangling) while the container needs its layers.
        Daemon.Result forced = daemon.berth("rmi", "-f", "used:1");
        assertOk(forced);
        assertEquals("Untagged: used:1\n", forced.stdout(), forced::toString);
        assertEquals("in use", daemon.docker("start", "-a", container).stdout());
        assertOk(daemon.docker("rm", container));
        Daemon.Result pruned = daemon.docker("image", "prune", "-f");
        assertTrue(pruned.stdout().contains("deleted: " + id), pruned::toString);
    }

    @Test
    void tagWithAMalformedReferenceIsRefusedAndChangesNothing() {
        String before = images();
        for (Function<String[], Daemon.Result> client : List.<Function<String[], Daemon.Result>>of(daemon::docker, daemon::berth)) {
            assertRefused(client.apply(new String[]{"tag", "busybox", "ok:bad tag"}),
                    "Error parsing reference: \"ok:bad tag\" is not a valid repository/tag: invalid reference format");
            assertRefused(client.apply(new String[]{"tag", "busybox", "UPPER"}),
                    "Error parsing reference: \"UPPER\" is not a valid repository/tag: invalid reference format: "
                            + "repository name (library/UPPER) must be lowercase");
            assertRefused(client.apply(new String[]{"tag", "busybox", "a@sha256:" + "0".repeat(64)}),
                    "refusing to create a tag with a digest reference");
        }
        assertEquals(before, images());
    }

    @Test
    void theAPIRefusesAMalformedTagTooWithDockersMessage() {
        String before = images();
        Daemon.Result curl = daemon.run(List.of("curl", "-s", "--unix-socket", daemon.socket.toString(), "-X", "POST",
                "http://berth/v1.51/images/busybox/tag?repo=ok&tag=bad%20tag"), null);
        assertEquals("{\"message\":\"invalid tag format\"}", curl.stdout().strip(), curl::toString);
        assertEquals(before, images());
    }

    // --- unknown images ---------------------------------------------------------------------------------------

    @Test
    void anUnknownImageIsNotFoundByEveryVerb() {
        String before = images();
        Path saved = work.resolve("ghost.tar");
        for (Function<String[], Daemon.Result> client : List.<Function<String[], Daemon.Result>>of(daemon::docker, daemon::berth)) {
            assertRefused(client.apply(new String[]{"rmi", "ghost"}), "No such image: ghost:latest");
            assertRefused(client.apply(new String[]{"image", "inspect", "ghost"}), "No such image: ghost");
            assertRefused(client.apply(new String[]{"history", "ghost"}), "No such image: ghost:latest");
            assertRefused(client.apply(new String[]{"save", "-o", saved.toString(), "ghost"}),
                    "No such image: ghost:latest");
            assertRefused(client.apply(new String[]{"save", "-o", saved.toString(), "busybox", "ghost"}),
                    "No such image: ghost:latest");
            assertRefused(client.apply(new String[]{"tag", "ghost", "x"}), "No such image: ghost:latest");
            assertFalse(Files.exists(saved));
        }
        assertEquals(before, images());
    }

    // --- inspect and history ----------------------------------------------------------------------------------

    @Test
    void imageInspectIsDockerShapedForBothClients() {
        String busybox = id("busybox");
        for (Function<String[], Daemon.Result> client : List.<Function<String[], Daemon.Result>>of(daemon::docker, daemon::berth)) {
            Daemon.Result formatted = client.apply(new String[]{"image", "inspect", "--format",
                    "{{.Id}} {{.Config.Cmd}} {{.RootFS.Layers}}", "busybox"});
            assertOk(formatted);
            assertTrue(formatted.stdout().matches("\\Q" + busybox + "\\E \\[sh] \\[sha256:[0-9a-f]{64}]\n"),
                    formatted::toString);
            // Unset strings are "" and unset booleans false, as docker 28 answers; never null.
            Daemon.Result unset = client.apply(new String[]{"image", "inspect", "--format",
                    "{{.Config.User}}|{{.Config.WorkingDir}}|{{.Config.Tty}}|{{.Parent}}|{{.Architecture}}/{{.Os}}"
                            + "|{{.RepoTags}}", "busybox"});
            assertEquals("||false||amd64/linux|[busybox:latest]\n", unset.stdout(), unset::toString);
        }
        Daemon.Result json = daemon.docker("image", "inspect", "busybox");
        for (String field : List.of("\"Id\"", "\"RepoTags\"", "\"RepoDigests\"", "\"Created\"", "\"Config\"",
                "\"RootFS\"", "\"GraphDriver\"", "\"Size\"", "\"Metadata\"")) {
            assertTrue(json.stdout().contains(field), field + " in " + json);
        }
        assertTrue(json.stdout().contains("\"Hostname\": \"\""), json::toString);
    }

    @Test
    void historyFlagsFromBothClients() throws IOException {
        Path tar = file("rootfs.tar", ImageFixtures.busyboxRootfs("history"));
        assertOk(daemon.docker("import", "-m", "a comment", tar.toString(), "hist:1"));
        String id = id("hist:1");
        for (Function<String[], Daemon.Result> client : List.<Function<String[], Daemon.Result>>of(daemon::docker, daemon::berth)) {
            assertEquals(id.substring(7, 19) + "\n", client.apply(new String[]{"history", "-q", "hist:1"}).stdout());
            assertEquals(id + "\n", client.apply(new String[]{"history", "-q", "--no-trunc", "hist:1"}).stdout());
            Daemon.Result formatted = client.apply(new String[]{"history", "--format", "{{.ID}}|{{.Comment}}|{{.Size}}",
                    "hist:1"});
            assertTrue(formatted.stdout().matches(id.substring(7, 19) + "\\|a comment\\|[0-9.]+MB\n"),
                    formatted::toString);
            Daemon.Result table = client.apply(new String[]{"history", "--no-trunc", "hist:1"});
            assertEquals(List.of("IMAGE", "CREATED", "CREATED", "BY", "SIZE", "COMMENT"),
                    List.of(table.stdout().lines().findFirst().orElseThrow().split("\\s+")), table::toString);
            assertTrue(table.stdout().lines().skip(1).findFirst().orElseThrow().startsWith(id), table::toString);
        }
    }

    // --- prune ------------------------------------------------------------------------------------------------

    @Test
    void imagePruneRemovesDanglingImagesAndWithAllEveryUnusedOne() throws IOException {
        Path tar = file("rootfs.tar", ImageFixtures.busyboxRootfs("prune"));
        assertOk(daemon.docker("import", tar.toString(), "prune:1"));
        String dangling = id("prune:1");
        assertOk(daemon.docker("import", tar.toString(), "prune:1"));
        String tagged = id("prune:1");
        assertOk(daemon.docker("import", tar.toString(), "prune:kept"));
        String kept = id("prune:kept");
        assertOk(daemon.docker("create", "--name", "keeper", "prune:kept", "true"));
        assertOk(daemon.docker("create", "--name", "busybox-keeper", "busybox"));

        Daemon.Result pruned = daemon.berth("image", "prune", "-f");
        assertOk(pruned);
        assertEquals("Deleted Images:\ndeleted: " + dangling + "\n\nTotal reclaimed space: ",
                pruned.stdout().substring(0, pruned.stdout().indexOf("space: ") + 7), pruned::toString);
        assertTrue(images().contains(tagged));

        Daemon.Result all = daemon.docker("image", "prune", "-a", "-f");
        assertOk(all);
        assertEquals("Deleted Images:\nuntagged: prune:1\ndeleted: " + tagged + "\n\nTotal reclaimed space: ",
                all.stdout().substring(0, all.stdout().indexOf("space: ") + 7), all::toString);
        assertTrue(images().contains(kept), images());
        assertTrue(images().contains("busybox:latest"), images());
        assertFalse(images().contains(tagged), images());
        Daemon.Result nothingLeft = daemon.docker("image", "prune", "-a", "-f");
        assertEquals("Total reclaimed space: 0B\n", nothingLeft.stdout(), nothingLeft::toString);
    }
}
