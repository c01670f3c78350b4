package berth.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code exec} into a running container from both clients: each exec has a conmon of its own, with a real pty for
 * {@code -t}, stdin up to EOF for {@code -i}, and docker's exit codes and messages when it cannot run.
 */
class ExecTest {
    private static final String TARGET = "exec-target";
    private static Daemon daemon;

    @BeforeAll
    static void start() throws Exception {
        daemon = Daemon.startWithBusybox();
        Daemon.Result run = daemon.docker("run", "-d", "--name", TARGET, "busybox", "sleep", "1000");
        assertEquals(0, run.exit(), run::toString);
    }

    @AfterAll
    static void stop() throws Exception {
        daemon.close();
    }

    /** The same exec through the docker CLI and through the berth CLI. */
    private static List<Daemon.Result> both(String... args) {
        return List.of(daemon.docker(args), daemon.berth(args));
    }

    private static List<Daemon.Result> bothWithInput(String stdin, String... args) {
        return List.of(daemon.dockerWithInput(stdin, args), daemon.berthWithInput(stdin, args));
    }

    @Test
    void execRunsAsTheGivenUserInTheGivenDirectoryWithTheGivenEnv() {
        for (Daemon.Result r : both("exec", "-u", "nobody", "-w", "/tmp", "-e", "GREETING=hi", "-e", "PATH=/bin",
                TARGET, "sh", "-c", "id -u; pwd; echo $GREETING; echo $PATH")) {
            assertEquals(0, r.exit(), r::toString);
            assertEquals("65534\n/tmp\nhi\n/bin\n", r.stdout());
        }
    }

    @Test
    void privilegedExecGetsCapabilitiesTheContainerLacks() {
        long sysAdmin = 1L << 21;
        for (Daemon.Result r : both("exec", TARGET, "grep", "CapEff", "/proc/self/status")) {
            assertEquals(0, effectiveCaps(r) & sysAdmin, r::toString);
        }
        for (Daemon.Result r : both("exec", "--privileged", TARGET, "grep", "CapEff", "/proc/self/status")) {
            assertEquals(sysAdmin, effectiveCaps(r) & sysAdmin, r::toString);
        }
    }

    private static long effectiveCaps(Daemon.Result r) {
        assertEquals(0, r.exit(), r::toString);
        return Long.parseLong(r.stdout().replace("CapEff:", "").strip(), 16);
    }

    @Test
    void execKeepsStdoutAndStderrApartAndExitsWithTheProcessCode() {
        for (Daemon.Result r : both("exec", TARGET, "sh", "-c", "echo out; echo err >&2; exit 3")) {
            assertEquals(3, r.exit(), r::toString);
            assertEquals("out\n", r.stdout());
            assertEquals("err\n", r.stderr());
        }
    }

    @Test
    void interactiveExecReadsStdinUntilEof() {
        for (Daemon.Result r : bothWithInput("one\ntwo\n", "exec", "-i", TARGET, "sh", "-c", "cat; echo eof")) {
            assertEquals(0, r.exit(), r::toString);
            assertEquals("one\ntwo\neof\n", r.stdout());
        }
    }

    @Test
    void missingCommandExits127WithDockersMessage() {
        for (Daemon.Result r : both("exec", TARGET, "no-such-command")) {
            assertEquals(127, r.exit(), r::toString);
            assertEquals("OCI runtime exec failed: exec failed: unable to start container process: exec: "
                    + "\"no-such-command\": executable file not found in $PATH: unknown\n", r.stdout().replace("\r", ""));
        }
    }

    @Test
    void commandThatIsNotExecutableExits126() {
        for (Daemon.Result r : both("exec", TARGET, "/etc/passwd")) {
            assertEquals(126, r.exit(), r::toString);
            assertEquals("OCI runtime exec failed: exec failed: unable to start container process: exec: "
                    + "\"/etc/passwd\": permission denied: unknown\n", r.stdout().replace("\r", ""));
        }
    }

    @Test
    void execIntoAStoppedContainerIsRefused() {
        Daemon.Result created = daemon.docker("create", "--name", "exec-stopped", "busybox", "true");
        String id = created.stdout().strip();
        try {
            for (Daemon.Result r : both("exec", "exec-stopped", "true")) {
                assertEquals(1, r.exit(), r::toString);
                assertTrue(r.stderr().contains("Error response from daemon: Container " + id + " is not running"),
                        r::toString);
            }
        } finally {
            daemon.docker("rm", "-f", "exec-stopped");
        }
    }

    @Test
    void detachedExecRunsOnAfterTheClientReturns() throws Exception {
        Function<String, List<String>> exec = file -> List.of("exec", "-d", TARGET, "sh", "-c",
                "sleep 0.3; echo done > /tmp/" + file);
        Daemon.Result docker = daemon.docker(exec.apply("from-docker").toArray(String[]::new));
        Daemon.Result berth = daemon.berth(exec.apply("from-berth").toArray(String[]::new));
        assertEquals(0, docker.exit(), docker::toString);
        assertEquals("", docker.stdout());
        assertEquals(0, berth.exit(), berth::toString);
        for (String file : List.of("from-docker", "from-berth")) {
            assertTrue(Daemon.eventually(Duration.ofSeconds(10),
                    () -> daemon.docker("exec", TARGET, "cat", "/tmp/" + file).stdout().equals("done\n")), file);
        }
    }

    @Test
    void containerListsItsExecsUntilTheyEnd() throws Exception {
        Daemon.Result started = daemon.docker("exec", "-d", TARGET, "sleep", "1");
        assertEquals(0, started.exit(), started::toString);
        assertEquals("1", daemon.docker("inspect", "-f", "{{len .ExecIDs}}", TARGET).stdout().strip());
        assertTrue(Daemon.eventually(Duration.ofSeconds(10),
                () -> daemon.docker("inspect", "-f", "{{len .ExecIDs}}", TARGET).stdout().strip().equals("0")));
    }

    /**
     * On runc: crun (1.8.1, and its exec code to this day) sets an exec's console size only after it has let the
     * process start, so a command that reads its size at once may find 0x0 there; runc sets it first.
     */
    @Test
    void execWithTtyStartsAtTheClientsTerminalSizeOnAPty() {
        Daemon.Result run = daemon.docker("run", "-d", "--runtime", "runc", "--name", "exec-runc", "busybox",
                "sleep", "1000");
        assertEquals(0, run.exit(), run::toString);
        List<String> command = List.of("exec", "-t", "exec-runc", "sh", "-c", "stty size; tty; exit 5");
        Daemon.Result docker = ScriptPty.run(daemon, 77, 33, TmuxTerminal.docker(command.toArray(String[]::new)));
        Daemon.Result berth = ScriptPty.run(daemon, 61, 21,
                TmuxTerminal.berth(daemon, command.toArray(String[]::new)));
        for (Daemon.Result r : List.of(docker, berth)) {
            assertEquals(5, r.exit(), r::toString);
            assertTrue(r.stdout().matches("\\d+ \\d+\n/dev/pts/\\d+\n"), r::toString);
        }
        assertTrue(docker.stdout().startsWith("33 77\n"), docker::toString);
        assertTrue(berth.stdout().startsWith("21 61\n"), berth::toString);
    }

    @Test
    void ttyExecOutputArrivesRawWithoutStreamFraming() {
        for (Daemon.Result r : both("exec", "-t", TARGET, "printf", "a\\tb\\n")) {
            assertEquals(0, r.exit(), r::toString);
            assertEquals("a\tb\r\n", r.stdout());
        }
    }

    @Test
    void dockerInteractiveExecFollowsResizeAndReportsTheExitCode() throws Exception {
        interactiveShell(TmuxTerminal.docker("exec", "-it", TARGET, "sh"));
    }

    @Test
    void berthInteractiveExecFollowsResizeAndReportsTheExitCode() throws Exception {
        interactiveShell(TmuxTerminal.berth(daemon, "exec", "-it", TARGET, "sh"));
    }

    private static void interactiveShell(String exec) throws Exception {
        try (TmuxTerminal t = TmuxTerminal.start(daemon, 100, 30, exec)) {
            t.await("/ # ");
            t.typeLine("stty size; echo typed-$((6 * 7))");
            t.await("typed-42");
            t.await("30 100");
            t.resize(70, 22);
            t.typeUntilShown("stty size", "22 70");
            t.typeLine("exit 9");
            assertEquals(9, t.awaitExit(), t::screen);
        }
    }

    @Test
    void execInspectReportsTheExitCodeAfterTheStreamEnds() {
        Daemon.Result created = daemon.run(new ArrayList<>(List.of("curl", "-s", "--unix-socket",
                daemon.socket.toString(), "-H", "Content-Type: application/json", "-d",
                "{\"Cmd\":[\"sh\",\"-c\",\"exit 42\"],\"AttachStdout\":true}",
                "http://localhost/containers/" + TARGET + "/exec")), null);
        String id = created.stdout().replaceAll(".*\"Id\":\"([0-9a-f]+)\".*\\s*", "$1");
        daemon.run(List.of("curl", "-s", "--unix-socket", daemon.socket.toString(), "-H",
                "Content-Type: application/json", "-d", "{\"Detach\":false,\"Tty\":false}",
                "http://localhost/exec/" + id + "/start"), null);
        Daemon.Result inspect = daemon.run(List.of("curl", "-s", "--unix-socket", daemon.socket.toString(),
                "http://localhost/exec/" + id + "/json"), null);
        assertTrue(inspect.stdout().contains("\"ExitCode\":42"), inspect::toString);
        assertTrue(inspect.stdout().contains("\"Running\":false"), inspect::toString);
    }
}
