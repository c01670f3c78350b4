package berth.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cp} in both directions from both clients, into running and stopped containers, through tar streams,
 * and the attacks: symlinks to {@code /} and climbing {@code ..}, swapped while copies run, must never let a copy
 * read or write a file of the host.
 */
class CopyTest extends SharedDaemonTest {
    @TempDir
    Path work;

    @AfterEach
    void removeContainers() {
        removeAllContainers();
    }

    private static Daemon.Result ok(Daemon.Result r) {
        assertEquals(0, r.exit(), r::toString);
        return r;
    }

    private static String exec(String container, String... command) {
        List<String> args = new java.util.ArrayList<>(List.of("exec", container));
        args.addAll(List.of(command));
        return ok(daemon.berth(args.toArray(String[]::new))).stdout();
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void roundTripKeepsModesAndOwners(String client) throws Exception {
        String c = "cp-rt-" + client;
        ok(daemon.berth("run", "-d", "--name", c, "busybox", "sleep", "1000"));
        Path src = Files.createDirectories(work.resolve("src/sub"));
        Files.writeString(work.resolve("src/secret"), "setuid data");
        Files.writeString(work.resolve("src/sub/plain"), "plain");
        new ProcessBuilder("chown", "1234:5678", work.resolve("src/secret").toString()).start().waitFor();
        new ProcessBuilder("chmod", "4750", work.resolve("src/secret").toString()).start().waitFor();
        Files.createSymbolicLink(work.resolve("src/link"), Path.of("secret"));

        ok(daemon.cli(client, "cp", work.resolve("src").toString(), c + ":/copied"));

        assertEquals("1234:5678 4750 setuid data", exec(c, "sh", "-c",
                "stat -c '%u:%g %a' /copied/secret | tr -d '\\n'; echo -n ' '; cat /copied/secret"));
        assertEquals("plain", exec(c, "cat", "/copied/sub/plain"));
        assertEquals("secret", exec(c, "readlink", "/copied/link").strip());
        // -a into a container: owned by the container's user (root here), as docker's copyUIDGID
        ok(daemon.cli(client, "cp", "-a", work.resolve("src/secret").toString(), c + ":/owned"));
        assertEquals("0:0", exec(c, "stat", "-c", "%u:%g", "/owned").strip());

        // out again: berth's -a keeps the owners as docker documents (the docker CLI itself never chowns on the
        // host: its extraction passes NoLchown); without -a the files are the caller's
        ok(daemon.cli(client, "cp", "-a", c + ":/copied", work.resolve("back-a").toString()));
        Path back = work.resolve("back-a/secret");
        assertEquals("setuid data", Files.readString(back));
        if (client.equals("berth")) {
            assertEquals(1234, Files.getAttribute(back, "unix:uid"));
            assertEquals(5678, Files.getAttribute(back, "unix:gid"));
        }
        assertEquals(04750, (Integer) Files.getAttribute(back, "unix:mode") & 07777);
        assertTrue(Files.isSymbolicLink(work.resolve("back-a/link")));
        ok(daemon.cli(client, "cp", c + ":/copied/secret", work.resolve("plain-copy").toString()));
        assertEquals(0, Files.getAttribute(work.resolve("plain-copy"), "unix:uid"));
        assertEquals("setuid data", Files.readString(work.resolve("plain-copy")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void trailingDotCopiesContentsAndMissingDestinationTakesItsName(String client) throws Exception {
        String c = "cp-dot-" + client;
        ok(daemon.berth("run", "-d", "--name", c, "busybox", "sleep", "1000"));
        Files.createDirectories(work.resolve("d"));
        Files.writeString(work.resolve("d/f"), "f");
        exec(c, "mkdir", "/existing");

        ok(daemon.cli(client, "cp", work.resolve("d").toString(), c + ":/existing"));   // into: /existing/d/f
        ok(daemon.cli(client, "cp", work.resolve("d") + "/.", c + ":/existing"));       // contents: /existing/f
        ok(daemon.cli(client, "cp", work.resolve("d").toString(), c + ":/renamed"));    // new name: /renamed/f
        ok(daemon.cli(client, "cp", work.resolve("d/f").toString(), c + ":/file-as"));  // file to a new name
        assertEquals("/existing/d/f\n/existing/f\n/file-as\n/renamed/f\n",
                exec(c, "sh", "-c", "ls -d /existing/d/f /existing/f /renamed/f /file-as"));

        ok(daemon.cli(client, "cp", c + ":/existing/.", work.resolve("out").toString()));
        assertTrue(Files.isRegularFile(work.resolve("out/f")));
        assertTrue(Files.isRegularFile(work.resolve("out/d/f")));
        Daemon.Result dirOntoFile = daemon.cli(client, "cp", work.resolve("d").toString(), c + ":/file-as");
        assertNotEquals(0, dirOntoFile.exit());
        assertTrue(dirOntoFile.stderr().contains("cannot copy directory"), dirOntoFile::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void copyIntoAndOutOfAStoppedContainer(String client) throws Exception {
        String c = "cp-stopped-" + client;
        ok(daemon.berth("create", "--name", c, "busybox", "cat", "/in"));
        Files.writeString(work.resolve("hello"), "hello stopped");
        ok(daemon.cli(client, "cp", work.resolve("hello").toString(), c + ":/in"));
        ok(daemon.cli(client, "cp", c + ":/in", work.resolve("back").toString()));
        assertEquals("hello stopped", Files.readString(work.resolve("back")));
        ok(daemon.berth("start", c));
        ok(daemon.berth("wait", c));
        assertEquals("hello stopped", ok(daemon.berth("logs", c)).stdout());
        // the snapshot is not left mounted by the copies of a stopped container
        ok(daemon.cli(client, "cp", c + ":/in", work.resolve("again").toString()));
        String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
        String id = ok(daemon.berth("inspect", "-f", "{{.Id}}", c)).stdout().strip();
        assertFalse(mounts.contains(id + "/merged"), "snapshot left mounted");
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void aRunningContainersMountsAreSeenAsItSeesThem(String client) throws Exception {
        String c = "cp-mount-" + client;
        ok(daemon.berth("run", "-d", "--name", c, "--tmpfs", "/scratch", "busybox", "sleep", "1000"));
        Files.writeString(work.resolve("into-tmpfs"), "on the tmpfs");
        ok(daemon.cli(client, "cp", work.resolve("into-tmpfs").toString(), c + ":/scratch/"));
        assertEquals("on the tmpfs", exec(c, "cat", "/scratch/into-tmpfs"));
        assertEquals("tmpfs", exec(c, "sh", "-c", "stat -f -c %T /scratch").strip());
        ok(daemon.cli(client, "cp", c + ":/etc/hostname", work.resolve("hostname").toString()));
        assertEquals(exec(c, "hostname"), Files.readString(work.resolve("hostname")), "the bind-mounted /etc/hostname");
    }

    @Test
    void copiesAndExportsAreEvents() throws Exception {
        ok(daemon.berth("run", "-d", "--name", "cp-events", "busybox", "sleep", "1000"));
        long since = System.currentTimeMillis() / 1000 - 1;
        Files.writeString(work.resolve("e"), "e");
        ok(daemon.docker("cp", work.resolve("e").toString(), "cp-events:/e"));
        ok(daemon.docker("cp", "cp-events:/e", work.resolve("e2").toString()));
        ok(daemon.berth("export", "-o", work.resolve("e.tar").toString(), "cp-events"));
        String events = ok(daemon.berth("events", "--since", Long.toString(since), "--until",
                Long.toString(System.currentTimeMillis() / 1000 + 1), "--filter", "container=cp-events",
                "--filter", "event=extract-to-dir", "--filter", "event=archive-path", "--filter", "event=export",
                "--format", "{{.Type}} {{.Action}}")).stdout();
        assertEquals(List.of("container extract-to-dir", "container archive-path", "container export"),
                events.lines().toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void tarStreamsOnStdinAndStdout(String client) {
        String c = "cp-stream-" + client;
        ok(daemon.berth("run", "-d", "--name", c, "busybox", "sleep", "1000"));
        String cli = daemon.commandOf(client);
        ok(daemon.shell("set -e; cd " + work + "; mkdir t; echo streamed > t/s.txt; tar -C t -cf - s.txt | "
                + cli + " cp - " + c + ":/tmp"));
        assertEquals("streamed\n", exec(c, "cat", "/tmp/s.txt"));
        Daemon.Result listed = ok(daemon.shell(cli + " cp " + c + ":/tmp/s.txt - | tar -tvf -"));
        assertTrue(listed.stdout().contains("s.txt"), listed::toString);
        Daemon.Result notDir = daemon.shell("tar -C " + work + " -cf - t | " + cli + " cp - " + c + ":/tmp/s.txt");
        assertNotEquals(0, notDir.exit());
        assertTrue(notDir.stderr().contains("must be a directory"), notDir::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void missingPathIsNotFoundAndChangesNothing(String client) {
        String c = "cp-missing-" + client;
        ok(daemon.berth("run", "-d", "--name", c, "busybox", "sleep", "1000"));
        Daemon.Result r = daemon.cli(client, "cp", c + ":/no/such/file", work.resolve("x").toString());
        assertNotEquals(0, r.exit());
        assertTrue(r.stderr().contains("Could not find the file /no/such/file in container " + c), r::toString);
        assertFalse(Files.exists(work.resolve("x")));
        Daemon.Result gone = daemon.cli(client, "cp", "nosuchcontainer:/etc", work.resolve("y").toString());
        assertNotEquals(0, gone.exit());
        assertTrue(gone.stderr().contains("No such container: nosuchcontainer"), gone::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void symlinksOutOfTheContainerNeverReachTheHost(String client) throws Exception {
        String c = "cp-escape-" + client;
        ok(daemon.berth("run", "-d", "--name", c, "busybox", "sh", "-c",
                "ln -s / /evil; ln -s ../../../../../.. /up; mkdir -p /dir; ln -s / /dir/abs; sleep 1000"));
        Path canary = Files.writeString(work.resolve("canary"), "host secret");
        Files.writeString(work.resolve("payload"), "pwned");
        Thread.sleep(300);
        for (String via : List.of("/evil", "/up", "/dir/abs", "/dir/../../evil")) {
            Daemon.Result read = daemon.cli(client, "cp", c + ":" + via + canary, work.resolve("stolen").toString());
            assertNotEquals(0, read.exit(), read::toString);
            assertFalse(Files.exists(work.resolve("stolen")), via);
            Daemon.Result write = daemon.cli(client, "cp", work.resolve("payload").toString(), c + ":" + via + canary);
            assertNotEquals(0, write.exit(), write::toString);
            Daemon.Result writeDir = daemon.cli(client, "cp", work.resolve("payload").toString(), c + ":" + via + work + "/");
            assertNotEquals(0, writeDir.exit(), writeDir::toString);
        }
        // -L follows a link as the container sees it: to the container's directory of that name, not the host's
        Files.writeString(Files.createDirectories(work.resolve("x")).resolve("inner"), "host secret");
        exec(c, "sh", "-c", "mkdir -p " + work + "/x && echo inside > " + work + "/x/inner && ln -s " + work
                + "/x /tohost");
        ok(daemon.cli(client, "cp", "-L", c + ":/tohost", work.resolve("followed").toString()));
        assertEquals("inside\n", Files.readString(work.resolve("followed/inner")));
        assertEquals("host secret", Files.readString(canary));
        assertEquals("host secret", Files.readString(work.resolve("x/inner")));
        try (var files = Files.list(work)) {
            assertEquals(List.of("canary", "followed", "payload", "x"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void symlinkSwappedDuringCopiesNeverReachesTheHost() throws Exception {
        Path target = Files.createDirectories(work.resolve("target"));
        Path canary = Files.writeString(target.resolve("canary"), "host secret");
        Files.writeString(work.resolve("payload"), "pwned");
        // /w/d flips between a directory holding the same path as the host's and a symlink to the root
        String inner = target.toString();
        ok(daemon.berth("run", "-d", "--name", "cp-swap", "busybox", "sh", "-c",
                "mkdir -p /w; while true; do mkdir -p /w/d" + inner + "; echo inside > /w/d" + inner + "/canary; "
                        + "rm -rf /w/d; ln -s / /w/d; rm /w/d; done"));
        for (int i = 0; i < 40; i++) {
            daemon.berth("cp", work.resolve("payload").toString(), "cp-swap:/w/d" + inner + "/canary");
            Daemon.Result read = daemon.berth("cp", "cp-swap:/w/d" + inner + "/canary", "-");
            assertFalse(read.stdout().contains("host secret"), "read the host's file through a swapped symlink");
            Daemon.Result dir = daemon.docker("cp", "cp-swap:/w/d" + inner, "-");
            assertFalse(dir.stdout().contains("host secret"), "read the host's file through a swapped symlink");
        }
        assertEquals("host secret", Files.readString(canary));
        try (var files = Files.list(target)) {
            assertEquals(List.of("canary"), files.map(p -> p.getFileName().toString()).toList());
        }
    }
}
