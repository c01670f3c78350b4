package berth.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a container mounts: {@code -v} and {@code --mount} binds, volumes and tmpfs, {@code --volumes-from}, the
 * image's VOLUMEs with their copy-up, anonymous volumes and their removal, propagation, and malformed strings.
 */
class MountTest extends SharedDaemonTest {
    /** An image whose {@code /data} (a VOLUME) holds files of several owners and modes and a symlink. */
    static final String IMAGE = "volimage:1";

    @BeforeAll
    static void makeImage() throws Exception {
        Path rootfs = Files.createTempDirectory(daemon.root.getParent(), "volimage-");
        ImageFixtures.writeBusyboxRootfs(rootfs, "volimage");
        Path data = Files.createDirectories(rootfs.resolve("data/sub"));
        Files.writeString(data.getParent().resolve("seed"), "from the image\n");
        Files.setAttribute(data.getParent().resolve("seed"), "unix:uid", 1234);
        Files.setAttribute(data.getParent().resolve("seed"), "unix:gid", 5678);
        Files.setPosixFilePermissions(data.getParent().resolve("seed"), PosixFilePermissions.fromString("rw-r-----"));
        Files.createSymbolicLink(data.getParent().resolve("link"), Path.of("seed"));
        Files.writeString(data.resolve("deep"), "deep\n");
        Files.setPosixFilePermissions(data.getParent(), PosixFilePermissions.fromString("rwxr-x---"));
        Files.setAttribute(data.getParent(), "unix:uid", 42);
        Daemon.Result imported = daemon.berth("import", "--change", "VOLUME /data", "--change", "CMD [\"sh\"]",
                rootfs.toString(), IMAGE);
        assertEquals(0, imported.exit(), imported::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void anImageVolumeGetsTheImageFilesAndGoesWithRmV(String client) {
        Daemon.Result created = daemon.cli(client, "create", IMAGE, "sh", "-c", "ls -ln /data; cat /data/link /data/sub/deep");
        assertEquals(0, created.exit(), created::toString);
        String id = created.stdout().strip();
        Daemon.Result mounts = daemon.cli(client, "inspect", "--format",
                "{{range .Mounts}}{{.Type}} {{.Destination}} {{.Driver}} {{.RW}} {{len .Name}}{{end}} {{json .Config.Volumes}}",
                id);
        assertEquals("volume /data local true 64 {\"/data\":{}}\n", mounts.stdout(), mounts::toString);
        String volume = daemon.cli(client, "inspect", "--format", "{{range .Mounts}}{{.Name}}{{end}}", id).stdout().strip();

        Daemon.Result run = daemon.cli(client, "start", "-a", id);
        assertEquals(0, run.exit(), run::toString);
        assertTrue(run.stdout().contains("-rw-r-----    1 1234     5678            15 ") && run.stdout().contains(" seed\n"),
                run::toString);
        assertTrue(run.stdout().contains("lrwxrwxrwx") && run.stdout().contains("link -> seed"), run::toString);
        assertTrue(run.stdout().endsWith("from the image\ndeep\n"), run::toString);
        Path data = daemon.root.resolve("volumes/" + volume + "/_data");
        assertEquals("rwxr-x---", permissions(data), "the volume's root takes the image directory's mode");
        assertEquals(42, owner(data), "and its owner");

        assertEquals(0, daemon.cli(client, "rm", "-v", id).exit());
        assertEquals("", daemon.cli(client, "volume", "ls", "-q", "--filter", "name=" + volume).stdout(),
                "rm -v removes the anonymous volume");
        assertFalse(Files.exists(data.getParent()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void aVolumeWithContentOrNocopyIsNotFilledFromTheImage(String client) {
        String full = "full-" + client;
        assertEquals(0, daemon.cli(client, "run", "--rm", "-v", full + ":/data", "busybox", "sh", "-c",
                "echo mine > /data/own").exit());
        Daemon.Result kept = daemon.cli(client, "run", "--rm", "-v", full + ":/data", IMAGE, "ls", "/data");
        assertEquals("own\n", kept.stdout(), "a volume with files keeps them only: " + kept);

        Daemon.Result nocopy = daemon.cli(client, "run", "--rm", "-v", "nocopy-" + client + ":/data:nocopy", IMAGE,
                "ls", "-A", "/data");
        assertEquals("", nocopy.stdout(), nocopy::toString);
        Daemon.Result mountNocopy = daemon.cli(client, "run", "--rm", "--mount",
                "type=volume,src=nocopy2-" + client + ",dst=/data,volume-nocopy", IMAGE, "ls", "-A", "/data");
        assertEquals("", mountNocopy.stdout(), mountNocopy::toString);
        Daemon.Result copied = daemon.cli(client, "run", "--rm", "--mount",
                "type=volume,source=copied-" + client + ",target=/data", IMAGE, "cat", "/data/seed");
        assertEquals("from the image\n", copied.stdout(), copied::toString);
        for (String v : List.of(full, "nocopy-" + client, "nocopy2-" + client, "copied-" + client)) {
            assertEquals(0, daemon.cli(client, "volume", "rm", v).exit(), v);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void runRmTakesAnonymousVolumesAndPruneLeavesThem(String client) throws Exception {
        List<String> before = volumes(client);
        assertEquals(0, daemon.cli(client, "run", "--rm", "-v", "/scratch", IMAGE, "true").exit());
        assertTrue(Daemon.eventually(Duration.ofSeconds(5), () -> volumes(client).equals(before)),
                "--rm removes both anonymous volumes (/scratch and the image's /data)");

        assertEquals(0, daemon.cli(client, "run", "--name", "pruned-" + client, "--label", "prune=" + client,
                "-v", "/scratch", "busybox", "true").exit());
        List<String> made = volumes(client).stream().filter(v -> !before.contains(v)).toList();
        assertEquals(1, made.size(), made::toString);
        Daemon.Result prune = daemon.cli(client, "container", "prune", "-f", "--filter", "label=prune=" + client);
        assertEquals(0, prune.exit(), prune::toString);
        assertTrue(volumes(client).containsAll(made), "container prune leaves anonymous volumes, as docker");
        assertEquals(made, daemon.cli(client, "volume", "ls", "-q", "--filter", "dangling=true").stdout().lines()
                .filter(made::contains).toList());
        assertEquals(0, daemon.cli(client, "volume", "rm", made.getFirst()).exit());
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void bindMountsReadWriteAndReadOnly(String client) throws Exception {
        Path host = Files.createTempDirectory(daemon.root.getParent(), "bind-");
        Files.writeString(host.resolve("in"), "host file\n");
        Daemon.Result rw = daemon.cli(client, "run", "--rm", "-v", host + ":/h", "busybox", "sh", "-c",
                "cat /h/in; echo out > /h/out");
        assertEquals("host file\n", rw.stdout(), rw::toString);
        assertEquals("out\n", Files.readString(host.resolve("out")));

        Daemon.Result ro = daemon.cli(client, "run", "--rm", "-v", host + ":/h:ro", "busybox", "sh", "-c",
                "cat /h/in && echo no > /h/no");
        assertNotEquals(0, ro.exit());
        assertTrue(ro.stderr().contains("Read-only file system"), ro::toString);
        assertFalse(Files.exists(host.resolve("no")));
        Daemon.Result mountRo = daemon.cli(client, "run", "--rm", "--mount", "type=bind,src=" + host + ",dst=/h,readonly",
                "busybox", "sh", "-c", "echo no > /h/no");
        assertTrue(mountRo.stderr().contains("Read-only file system"), mountRo::toString);

        Daemon.Result inspect = daemon.cli(client, "create", "--name", "ro-" + client, "-v", host + ":/h:ro", "busybox",
                "true");
        assertEquals("ro-" + client + "\n", daemon.cli(client, "ps", "-a", "--filter", "volume=" + host, "--format",
                "{{.Names}}").stdout(), "ps filters by bind source");
        assertEquals("ro-" + client + "\n", daemon.cli(client, "ps", "-a", "--filter", "volume=/h", "--format",
                "{{.Names}}").stdout(), "and by destination");
        Daemon.Result shape = daemon.cli(client, "inspect", "--format", "{{json .Mounts}}", inspect.stdout().strip());
        assertEquals("[{\"Type\":\"bind\",\"Source\":\"" + host + "\",\"Destination\":\"/h\",\"Mode\":\"ro\",\"RW\":false,"
                + "\"Propagation\":\"rprivate\"}]\n", shape.stdout(), shape::toString);
        assertEquals(0, daemon.cli(client, "rm", inspect.stdout().strip()).exit());
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void aMissingBindSourceIsMadeForVAndRefusedForMount(String client) throws Exception {
        Path base = Files.createTempDirectory(daemon.root.getParent(), "missing-");
        Path made = base.resolve("made/by/v");
        Daemon.Result v = daemon.cli(client, "run", "--rm", "-v", made + ":/m", "busybox", "sh", "-c", "echo x > /m/f");
        assertEquals(0, v.exit(), v::toString);
        assertEquals("x\n", Files.readString(made.resolve("f")));

        int containers = count(client, "ps", "-aq");
        Path absent = base.resolve("absent");
        Daemon.Result mount = daemon.cli(client, "run", "--rm", "--mount", "type=bind,source=" + absent + ",target=/m",
                "busybox", "true");
        assertEquals(125, mount.exit());
        assertTrue(mount.stderr().contains("invalid mount config for type \"bind\": bind source path does not exist: "
                + absent), mount::toString);
        assertFalse(Files.exists(absent));
        assertEquals(containers, count(client, "ps", "-aq"), "no container was created");
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void tmpfsMountsWithSizeAndMode(String client) {
        Daemon.Result mount = daemon.cli(client, "run", "--rm", "--mount", "type=tmpfs,destination=/t,tmpfs-size=2m,tmpfs-mode=1770",
                "busybox", "sh", "-c", "grep ' /t ' /proc/mounts; ls -ld /t");
        assertTrue(mount.stdout().contains("tmpfs /t tmpfs rw,nosuid,nodev,noexec,relatime,size=2048k,mode=1770"),
                mount::toString);
        assertTrue(mount.stdout().contains("drwxrwx--T"), mount::toString);
        Daemon.Result flag = daemon.cli(client, "run", "--rm", "--tmpfs", "/t:size=1m", "-v", "/t/inner", "busybox",
                "sh", "-c", "grep -c ' /t' /proc/mounts");
        assertEquals("2\n", flag.stdout(), "a volume inside a --tmpfs is mounted after it: " + flag);
        Daemon.Result duplicate = daemon.cli(client, "run", "--rm", "--tmpfs", "/t", "-v", "/tmp:/t", "busybox", "true");
        assertEquals(125, duplicate.exit());
        assertTrue(duplicate.stderr().contains("Duplicate mount point: /t"), duplicate::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void volumesFromSharesMountsAndCanMakeThemReadOnly(String client) throws Exception {
        Path host = Files.createTempDirectory(daemon.root.getParent(), "from-");
        String source = "source-" + client;
        assertEquals(0, daemon.cli(client, "create", "--name", source, "-v", "shared-" + client + ":/shared",
                "-v", host + ":/host", "busybox", "true").exit());
        Daemon.Result write = daemon.cli(client, "run", "--rm", "--volumes-from", source, "busybox", "sh", "-c",
                "echo v > /shared/f && echo h > /host/f");
        assertEquals(0, write.exit(), write::toString);
        assertEquals("h\n", Files.readString(host.resolve("f")));
        Daemon.Result ro = daemon.cli(client, "run", "--rm", "--volumes-from", source + ":ro", "busybox", "sh", "-c",
                "cat /shared/f; echo x > /shared/g");
        assertEquals("v\n", ro.stdout(), ro::toString);
        assertTrue(ro.stderr().contains("Read-only file system"), ro::toString);
        Daemon.Result missing = daemon.cli(client, "run", "--rm", "--volumes-from", "no-such-" + client, "busybox", "true");
        assertEquals(125, missing.exit());
        assertTrue(missing.stderr().contains("No such container: no-such-" + client), missing::toString);
        assertEquals(0, daemon.cli(client, "rm", source).exit());
        assertEquals(0, daemon.cli(client, "volume", "rm", "shared-" + client).exit());
    }

    @Test
    void bindPropagationRslaveSeesHostMountsMadeLaterAndRprivateDoesNot() throws Exception {
        Path source = Files.createTempDirectory(daemon.root.getParent(), "prop-");
        Files.createDirectories(source.resolve("later"));
        // a shared mount of its own, so this test changes nothing else on the host
        sh("mount --bind " + source + " " + source + " && mount --make-shared " + source);
        try {
            assertEquals(0, daemon.docker("run", "-d", "--name", "slave", "--mount",
                    "type=bind,src=" + source + ",dst=/p,bind-propagation=rslave", "busybox", "sleep", "100").exit());
            assertEquals(0, daemon.docker("run", "-d", "--name", "private", "-v", source + ":/p", "busybox", "sleep",
                    "100").exit());
            sh("mount -t tmpfs -o size=1m later " + source.resolve("later"));
            assertTrue(Daemon.eventually(Duration.ofSeconds(5),
                    () -> daemon.docker("exec", "slave", "grep", "-c", " /p/later ", "/proc/mounts").stdout().equals("1\n")),
                    "rslave: the host's new mount shows inside");
            assertEquals("0\n", daemon.docker("exec", "private", "grep", "-c", " /p/later ", "/proc/mounts").stdout(),
                    "rprivate: it does not");
            assertEquals("rslave\n", daemon.docker("inspect", "--format", "{{range .Mounts}}{{.Propagation}}{{end}}",
                    "slave").stdout());
        } finally {
            daemon.docker("rm", "-f", "slave", "private");
            sh("umount " + source.resolve("later") + "; umount " + source);
        }
        Daemon.Result shared = daemon.docker("run", "--rm", "--mount",
                "type=bind,src=" + source + ",dst=/p,bind-propagation=rshared", "busybox", "true");
        assertEquals(125, shared.exit(), "a private source cannot be shared: " + shared);
        assertTrue(shared.stderr().contains("not a shared mount"), shared::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void malformedStringsAreRefusedAndCreateNothing(String client) {
        int containers = count(client, "ps", "-aq");
        List<String> volumesBefore = volumes(client);
        List<List<String>> bad = List.of(
                List.of("-v", "a:b:c:d"),
                List.of("-v", "/host:/c:bogus"),
                List.of("-v", "vol:relative"),
                List.of("-v", "bad/name:/c"),
                List.of("-v", "/x:/"),
                List.of("-v", "good-" + client + ":/a", "-v", "/tmp:/a"),
                List.of("--mount", "type=volume,src=good-" + client + ",dst=/a,bind-propagation=rslave"),
                List.of("--mount", "type=bind,dst=/a"),
                List.of("--mount", "type=tmpfs,src=x,dst=/a"),
                List.of("--mount", "type=nfs,dst=/a"),
                List.of("--mount", "src=good-" + client),
                List.of("--mount", "type=bind,src=/tmp,dst=/a,bind-propagation=sideways"),
                List.of("--mount", "type=tmpfs,dst=/a,tmpfs-size=lots"),
                List.of("--mount", "type=volume,dst=/a,colour=red"),
                List.of("--mount", "type=volume,src=good-" + client + ",dst=/a,volume-opt=bogus=1"),
                List.of("--mount", "type=volume,src=good-" + client + ",dst=/a,volume-driver=flocker"),
                List.of("--volumes-from", "whatever:rx"),
                List.of("--volume-driver", "flocker", "-v", "good-" + client + ":/a"));
        for (List<String> flags : bad) {
            List<String> args = new java.util.ArrayList<>(List.of("run", "--rm"));
            args.addAll(flags);
            args.addAll(List.of("busybox", "true"));
            Daemon.Result r = daemon.cli(client, args.toArray(String[]::new));
            assertEquals(125, r.exit(), flags + ": " + r);
            assertFalse(r.stderr().isBlank(), flags + ": a message");
        }
        assertEquals(containers, count(client, "ps", "-aq"), "no container was created");
        assertEquals(volumesBefore, volumes(client), "no volume was created");
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void aCreateRefusedForItsNameMakesNoVolume(String client) {
        assertEquals(0, daemon.cli(client, "create", "--name", "taken-" + client, "busybox", "true").exit());
        List<String> before = volumes(client);
        Daemon.Result r = daemon.cli(client, "create", "--name", "taken-" + client, "-v", "fresh-" + client + ":/a",
                "-v", "/anonymous", "busybox", "true");
        assertNotEquals(0, r.exit());
        assertTrue(r.stderr().contains("is already in use"), r::toString);
        assertEquals(before, volumes(client));
        assertEquals(0, daemon.cli(client, "rm", "taken-" + client).exit());
    }

    private List<String> volumes(String client) {
        return daemon.cli(client, "volume", "ls", "-q").stdout().lines().sorted().toList();
    }

    private int count(String client, String... args) {
        return (int) daemon.cli(client, args).stdout().lines().count();
    }

    private void sh(String script) {
        Daemon.Result r = daemon.run(List.of("sh", "-c", script), null);
        assertEquals(0, r.exit(), script + ": " + r);
    }

    private static String permissions(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int owner(Path p) {
        try {
            return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
