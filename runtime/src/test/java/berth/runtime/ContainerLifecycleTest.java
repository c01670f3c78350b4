package berth.runtime;

import berth.oci.container.ContainerConfig;
import berth.oci.container.HostConfig;
import berth.oci.errors.CannotInvoke;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Real containers through conmon and crun (or runc), as root. */
@Tag("it")
class ContainerLifecycleTest {
    private ContainerFixture fx;

    @BeforeAll
    static void needsRoot() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
    }

    @BeforeEach
    void setUp() throws Exception {
        fx = new ContainerFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    /** Collects attach output per stream. */
    static final class Collector implements AttachSocket.Listener {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        @Override
        public synchronized void output(int stream, byte[] data) {
            (stream == AttachSocket.STDERR ? err : out).writeBytes(data);
        }

        synchronized String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        synchronized String err() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    private ExitWatcher.Exit runToExit(String id, List<String> args, ContainerConfig cfg, HostConfig hc,
                                       Collector c) throws Exception {
        var exit = fx.watcher.exitOf(id);
        fx.create(id, args, cfg, hc);
        try (AttachSocket a = AttachSocket.connect(fx.bundle(id), id, c)) {
            fx.runtime.start(id);
            ExitWatcher.Exit e = exit.get(30, TimeUnit.SECONDS);
            assertTrue(a.awaitEnd(Duration.ofSeconds(10)), "attach stream ends after the exit");
            return e;
        }
    }

    @Test
    void echoHelloReachesAttachAndLog() throws Exception {
        String id = fx.newId();
        Collector c = new Collector();
        ExitWatcher.Exit e = runToExit(id, List.of("echo", "hello"), ContainerFixture.config(false, false),
                HostConfig.EMPTY, c);
        assertEquals(0, e.exitCode());
        assertEquals("hello\n", c.out());
        List<LogReader.Entry> log = LogReader.read(fx.log(id), LogReader.Query.ALL);
        assertEquals(1, log.size());
        assertEquals("hello\n", log.get(0).text());
        assertEquals(1, log.get(0).stream());
    }

    @Test
    void stderrIsItsOwnStream() throws Exception {
        String id = fx.newId();
        Collector c = new Collector();
        runToExit(id, List.of("sh", "-c", "echo out; echo err >&2"), ContainerFixture.config(false, false),
                HostConfig.EMPTY, c);
        assertEquals("out\n", c.out());
        assertEquals("err\n", c.err());
        List<LogReader.Entry> log = LogReader.read(fx.log(id), LogReader.Query.ALL);
        assertTrue(log.stream().anyMatch(l -> l.stream() == 2 && l.text().equals("err\n")), log.toString());
    }

    @Test
    void exitCodeOfShellIsReported() throws Exception {
        String id = fx.newId();
        ExitWatcher.Exit e = runToExit(id, List.of("sh", "-c", "exit 3"), ContainerFixture.config(false, false),
                HostConfig.EMPTY, new Collector());
        assertEquals(3, e.exitCode());
        assertFalse(e.oomKilled());
    }

    @Test
    void missingCommandIsCannotInvokeNotFound() {
        String id = fx.newId();
        CannotInvoke e = assertThrows(CannotInvoke.class, () -> {
            fx.create(id, List.of("nosuchcommand"), ContainerFixture.config(false, false), HostConfig.EMPTY);
            fx.runtime.start(id);
        });
        assertTrue(e.notFound(), e.getMessage());
    }

    @Test
    void sigkillEndsContainerWith137() throws Exception {
        String id = fx.newId();
        var exit = fx.watcher.exitOf(id);
        fx.create(id, List.of("sleep", "100"), ContainerFixture.config(false, false), HostConfig.EMPTY);
        fx.runtime.start(id);
        assertEquals("running", fx.runtime.state(id).orElseThrow().status());
        fx.runtime.kill(id, 9);
        assertEquals(137, exit.get(20, TimeUnit.SECONDS).exitCode());
    }

    @Test
    void sigtermReachesProcessBehindInit() throws Exception {
        String id = fx.newId();
        var exit = fx.watcher.exitOf(id);
        HostConfig hc = new HostConfig(null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, true, null, null, null, null, null, null, null, null);
        fx.create(id, List.of("sleep", "100"), ContainerFixture.config(false, false), hc);
        fx.runtime.start(id);
        // A signal that reaches the init before it has blocked signals (it does so before it starts its child) is
        // dropped by the kernel, as for any PID 1 without a handler: send it once the child is there.
        int init = fx.runtime.state(id).orElseThrow().pid();
        Path children = Path.of("/proc", Integer.toString(init), "task", Integer.toString(init), "children");
        for (int i = 0; i < 200 && Files.readString(children).isBlank(); i++) {
            Thread.sleep(10);
        }
        assertFalse(Files.readString(children).isBlank(), "the init started no child");
        fx.runtime.kill(id, 15);
        assertEquals(143, exit.get(20, TimeUnit.SECONDS).exitCode());
    }

    @Test
    void pauseAndResume() throws Exception {
        String id = fx.newId();
        fx.create(id, List.of("sleep", "100"), ContainerFixture.config(false, false), HostConfig.EMPTY);
        fx.runtime.start(id);
        fx.runtime.pause(id);
        assertEquals("paused", fx.runtime.state(id).orElseThrow().status());
        fx.runtime.resume(id);
        assertEquals("running", fx.runtime.state(id).orElseThrow().status());
    }

    @Test
    void memoryLimitReachesCgroup() throws Exception {
        String id = fx.newId();
        HostConfig hc = new HostConfig(null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, 64L * 1024 * 1024, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        fx.create(id, List.of("sleep", "100"), ContainerFixture.config(false, false), hc);
        fx.runtime.start(id);
        Path limit = fx.host.cgroupMode().isV2()
                ? Path.of("/sys/fs/cgroup/berth", id, "memory.max")
                : Path.of("/sys/fs/cgroup/memory/berth", id, "memory.limit_in_bytes");
        assertEquals("67108864", Files.readString(limit).trim());
    }

    @Test
    void ulimitAboveHardLimitIsClamped() throws Exception {
        Long hard = fx.host.hardLimits().get("RLIMIT_NOFILE");
        assumeTrue(hard != null, "nofile is unlimited here");
        String id = fx.newId();
        HostConfig hc = new HostConfig(null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, List.of(new HostConfig.Ulimit("nofile", hard * 100, hard * 100)), null, null, null, null, null, null, null, null, null);
        Collector c = new Collector();
        ExitWatcher.Exit e = runToExit(id, List.of("sh", "-c", "ulimit -n; ulimit -Hn"),
                ContainerFixture.config(false, false), hc, c);
        assertEquals(0, e.exitCode(), c.err());
        assertEquals(hard + "\n" + hard + "\n", c.out());
    }

    @Test
    void terminalOutputArrivesRaw() throws Exception {
        String id = fx.newId();
        Collector c = new Collector();
        ExitWatcher.Exit e = runToExit(id, List.of("sh", "-c", "printf 'a\\nb\\n'; [ -t 1 ] && echo tty"),
                ContainerFixture.config(true, false), HostConfig.EMPTY, c);
        assertEquals(0, e.exitCode());
        assertEquals("a\r\nb\r\ntty\r\n", c.out());
    }

    @Test
    void stdinReachesContainerAndEndsWithCloseStdin() throws Exception {
        String id = fx.newId();
        var exit = fx.watcher.exitOf(id);
        fx.create(id, List.of("cat"), ContainerFixture.config(false, true), HostConfig.EMPTY);
        Collector c = new Collector();
        try (AttachSocket a = AttachSocket.connect(fx.bundle(id), id, c)) {
            fx.runtime.start(id);
            a.writeStdin("ping\n".getBytes(StandardCharsets.UTF_8));
            a.closeStdin();
            assertEquals(0, exit.get(20, TimeUnit.SECONDS).exitCode());
            assertTrue(a.awaitEnd(Duration.ofSeconds(10)));
        }
        assertEquals("ping\n", c.out());
    }

    @Test
    void resizeChangesTerminalSize() throws Exception {
        String id = fx.newId();
        var exit = fx.watcher.exitOf(id);
        // The shell waits for a line on stdin, then prints the terminal size.
        fx.create(id, List.of("sh", "-c", "read x; stty size 2>/dev/null || busybox stty size"),
                ContainerFixture.config(true, true), HostConfig.EMPTY);
        Collector c = new Collector();
        try (AttachSocket a = AttachSocket.connect(fx.bundle(id), id, c)) {
            fx.runtime.start(id);
            Conmon.resize(fx.bundle(id), 40, 100);
            Thread.sleep(300);
            a.writeStdin("go\n".getBytes(StandardCharsets.UTF_8));
            assertEquals(0, exit.get(20, TimeUnit.SECONDS).exitCode(), c.out());
            a.awaitEnd(Duration.ofSeconds(10));
        }
        assertTrue(c.out().contains("40 100"), c.out());
    }

    @Test
    void exitsWhileNoWatcherRanAreFoundByScan() throws Exception {
        String id = fx.newId();
        fx.watcher.close();
        fx.create(id, List.of("true"), ContainerFixture.config(false, false), HostConfig.EMPTY);
        fx.runtime.start(id);
        Path exitFile = fx.conmon.exitDir().resolve(id);
        for (int i = 0; i < 200 && !Files.exists(exitFile); i++) {
            Thread.sleep(50);
        }
        try (ExitWatcher restarted = new ExitWatcher(fx.conmon, e -> {})) {
            List<ExitWatcher.Exit> exits = restarted.scan();
            assertTrue(exits.stream().anyMatch(e -> e.id().equals(id) && e.exitCode() == 0), exits.toString());
        }
    }

    @Test
    void execRunsInTheContainerAndReportsItsExitCode() throws Exception {
        String id = fx.newId();
        fx.create(id, List.of("sleep", "100"), ContainerFixture.config(false, false), HostConfig.EMPTY);
        fx.runtime.start(id);
        var process = ExecSession.processFor(fx.bundle(id), List.of("sh", "-c", "echo in-$HOSTNAME-$X; exit 7"),
                false, List.of("X=y"), null);
        try (ExecSession s = fx.conmon.exec(id, id + "-exec1", process, fx.runtime)) {
            assertEquals(7, s.awaitExit());
            List<LogReader.Entry> log = LogReader.read(s.log(), LogReader.Query.ALL);
            assertEquals("in-" + id.substring(0, 12) + "-y\n", log.get(0).text());
        }
    }
}
