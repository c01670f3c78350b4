package berth.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** diff, commit and export from both clients: what a container changed, kept as a layer, and its whole file system. */
class CommitTest extends SharedDaemonTest {
    @TempDir
    Path work;

    @AfterEach
    void cleanUp() {
        removeAllContainers();
        for (String image : daemon.berth("images", "--format", "{{.Repository}}:{{.Tag}}").stdout().split("\\s+")) {
            if (image.startsWith("committed")) {
                daemon.berth("rmi", "-f", image);
            }
        }
    }

    private static Daemon.Result ok(Daemon.Result r) {
        assertEquals(0, r.exit(), r::toString);
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void diffListsAddedChangedAndDeletedInDockersOrder(String client) {
        String c = "diff-" + client;
        ok(daemon.berth("run", "--name", c, "busybox", "sh", "-c",
                "echo new > /added; echo more >> /etc/passwd; rm /bin/vi; mkdir -p /tmp/d; touch /tmp/d/f"));
        assertEquals("""
                A /added
                C /bin
                D /bin/vi
                C /etc
                C /etc/passwd
                C /tmp
                A /tmp/d
                A /tmp/d/f
                """, ok(daemon.cli(client, "diff", c)).stdout());
        ok(daemon.berth("run", "--name", c + "-fresh", "busybox", "true"));
        assertEquals("", ok(daemon.cli(client, "diff", c + "-fresh")).stdout(), "the runtime's mount points are no change");
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void committedImageRunsWithTheChangesAndDeletionsStay(String client) {
        String c = "commit-" + client;
        ok(daemon.berth("run", "--name", c, "busybox", "sh", "-c", "echo committed data > /data; rm /bin/vi"));
        String id = ok(daemon.cli(client, "commit", "-m", "my message", "-a", "Ann Author <ann@example.com>",
                "-c", "CMD [\"cat\", \"/data\"]", "-c", "ENV STAGE=two", c, "committed-" + client + ":v1")).stdout().strip();
        assertTrue(id.matches("sha256:[0-9a-f]{64}"), id);
        String image = "committed-" + client + ":v1";
        assertEquals("committed data\n", daemon.berthRunOk(image));
        assertEquals("two\n", daemon.berthRunOk(image, "sh", "-c", "echo $STAGE"));
        Daemon.Result vi = daemon.berth("run", "--rm", image, "ls", "/bin/vi");
        assertNotEquals(0, vi.exit(), "the whiteout kept /bin/vi deleted");
        assertEquals("my message|Ann Author <ann@example.com>|[cat /data]|2",
                ok(daemon.cli(client, "image", "inspect", "-f",
                        "{{.Comment}}|{{.Author}}|{{.Config.Cmd}}|{{len .RootFS.Layers}}", image)).stdout().strip());
        String history = ok(daemon.cli(client, "history", "--no-trunc", "--format", "{{.Comment}}", image)).stdout();
        assertEquals("my message", history.lines().findFirst().orElseThrow());
        // a commit of the committed image's container stacks a third layer on the same parent layers
        ok(daemon.berth("run", "--name", c + "-2", image, "sh", "-c", "echo layer3 > /three"));
        ok(daemon.cli(client, "commit", c + "-2", "committed-" + client + ":v2"));
        assertEquals("committed data\nlayer3\n",
                daemon.berthRunOk("committed-" + client + ":v2", "cat", "/data", "/three"));
        // each history entry shows the size of the layer it made; together they are the image's size
        List<Long> sizes = ok(daemon.cli(client, "history", "--human=false", "--format", "{{.Size}}",
                "committed-" + client + ":v2")).stdout().lines().map(Long::parseLong).toList();
        assertEquals(3, sizes.size(), sizes::toString);
        assertTrue(sizes.stream().allMatch(size -> size > 0), sizes::toString);
        assertTrue(sizes.getLast() > sizes.getFirst(), "busybox's layer outweighs a one-file layer: " + sizes);
        long imageSize = Long.parseLong(ok(daemon.cli(client, "image", "inspect", "-f", "{{.Size}}",
                "committed-" + client + ":v2")).stdout().strip());
        assertEquals(imageSize, sizes.stream().mapToLong(Long::longValue).sum(), sizes::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void aDirectoryMadeAgainHidesWhatTheImageHadInIt(String client) {
        String c = "opaque-" + client;
        ok(daemon.berth("run", "--name", c, "busybox", "sh", "-c", "mkdir /data; echo a > /data/a; echo b > /data/b"));
        String base = "committed-opaque-" + client + ":base";
        ok(daemon.cli(client, "commit", c, base));
        // removed and made again: overlay marks the new directory opaque
        ok(daemon.berth("run", "--name", c + "-2", base, "sh", "-c", "rm -rf /data; mkdir /data; echo c > /data/c"));
        assertEquals("""
                C /data
                D /data/a
                D /data/b
                A /data/c
                """, ok(daemon.cli(client, "diff", c + "-2")).stdout());
        ok(daemon.cli(client, "commit", c + "-2", "committed-opaque-" + client + ":again"));
        assertEquals("c\n", daemon.berthRunOk("committed-opaque-" + client + ":again", "ls", "/data"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void commitOfARunningContainerPausesItAndLeavesItRunning(String client) throws Exception {
        String c = "commit-run-" + client;
        ok(daemon.berth("run", "-d", "--name", c, "busybox", "sh", "-c", "echo live > /live; sleep 1000"));
        Thread.sleep(300);
        long since = System.currentTimeMillis() / 1000 - 1;
        ok(daemon.cli(client, "commit", c, "committed-run-" + client));
        assertEquals("running", ok(daemon.berth("inspect", "-f", "{{.State.Status}}", c)).stdout().strip());
        assertEquals("live\n", daemon.berthRunOk("committed-run-" + client, "cat", "/live"));
        String events = ok(daemon.berth("events", "--since", Long.toString(since), "--until",
                Long.toString(System.currentTimeMillis() / 1000 + 1), "--filter", "container=" + c,
                "--filter", "event=pause", "--filter", "event=unpause", "--filter", "event=commit",
                "--format", "{{.Action}}")).stdout();
        assertEquals(List.of("pause", "unpause", "commit"), events.lines().toList());
        ok(daemon.cli(client, "commit", "--pause=false", c, "committed-run-" + client + ":nopause"));
        assertEquals("live\n", daemon.berthRunOk("committed-run-" + client + ":nopause", "cat", "/live"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void commitOfARemovedContainerIsNotFound(String client) {
        ok(daemon.berth("run", "--name", "gone-" + client, "busybox", "true"));
        ok(daemon.berth("rm", "gone-" + client));
        int images = ok(daemon.berth("images", "-q")).stdout().lines().toList().size();
        Daemon.Result r = daemon.cli(client, "commit", "gone-" + client, "committed-gone");
        assertNotEquals(0, r.exit());
        assertTrue(r.stderr().contains("No such container: gone-" + client), r::toString);
        assertEquals(images, ok(daemon.berth("images", "-q")).stdout().lines().toList().size());
        Daemon.Result badTag = daemon.cli(client, "commit", "diff-none", "Bad:Tag");
        assertNotEquals(0, badTag.exit());
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void exportWritesTheContainersFileSystem(String client) {
        String c = "export-" + client;
        ok(daemon.berth("run", "--name", c, "busybox", "sh", "-c", "echo exported > /exported; rm /bin/vi"));
        Path tar = work.resolve("fs.tar");
        ok(daemon.cli(client, "export", "-o", tar.toString(), c));
        String listing = ok(daemon.run(List.of("tar", "-tf", tar.toString()), null)).stdout();
        assertTrue(listing.lines().anyMatch("exported"::equals), listing);
        assertTrue(listing.lines().anyMatch("bin/sh"::equals), listing);
        assertFalse(listing.lines().anyMatch("bin/vi"::equals), "a deleted file is not exported");
        assertEquals("exported\n", ok(daemon.run(List.of("tar", "-xOf", tar.toString(), "exported"), null)).stdout());
        Daemon.Result piped = ok(daemon.shell(daemon.commandOf(client) + " export " + c + " | tar -tf - | grep -c ."));
        assertEquals(listing.lines().count(), Long.parseLong(piped.stdout().strip()));
    }
}
