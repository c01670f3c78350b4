package berth.it;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Images imported offline and containers run from them, through the docker CLI and the berth CLI. */
class RunTest extends SharedDaemonTest {
    @Test
    void importedImageIsListedByBothClients() {
        Daemon.Result docker = daemon.docker("images", "--format", "{{.Repository}}:{{.Tag}}");
        assertEquals(0, docker.exit(), docker::toString);
        assertTrue(docker.stdout().lines().anyMatch("busybox:latest"::equals), docker::toString);
        Daemon.Result berth = daemon.berth("images");
        assertEquals(0, berth.exit(), berth::toString);
        assertTrue(berth.stdout().contains("busybox"), berth::toString);
    }

    @Test
    void dockerRunRemovePrintsOutputAndLeavesNoContainer() {
        Daemon.Result run = daemon.docker("run", "--rm", "--name", "rm-me", "busybox", "echo", "hello from berth");
        assertEquals(0, run.exit(), run::toString);
        assertEquals("hello from berth\n", run.stdout());
        Daemon.Result ps = daemon.docker("ps", "-a", "--filter", "name=rm-me", "-q");
        assertEquals("", ps.stdout().strip(), ps::toString);
    }

    @Test
    void berthRunRemovePrintsOutput() {
        Daemon.Result run = daemon.berth("run", "--rm", "busybox", "echo", "hello from berth");
        assertEquals(0, run.exit(), run::toString);
        assertEquals("hello from berth\n", run.stdout());
    }

    @Test
    void exitStatusOfTheContainerIsTheClientsExitCode() {
        assertEquals(3, daemon.docker("run", "--rm", "busybox", "sh", "-c", "exit 3").exit());
        assertEquals(5, daemon.berth("run", "--rm", "busybox", "sh", "-c", "exit 5").exit());
    }

    @Test
    void stdoutAndStderrStaySeparate() {
        Daemon.Result run = daemon.docker("run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2");
        assertEquals("out\n", run.stdout());
        assertEquals("err\n", run.stderr());
    }

    @Test
    void megabytesOfOutputOnBothStreamsArriveWholeAndInOrder() {
        // two megabytes on stdout, interleaved with lines on stderr: many of conmon's packets at once
        String script = "i=0; while [ $i -lt 20 ]; do seq 1 20000; echo err$i >&2; i=$((i+1)); done";
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            for (int n = 1; n <= 20000; n++) {
                out.append(n).append('\n');
            }
            err.append("err").append(i).append('\n');
        }
        for (Daemon.Result run : List.of(daemon.docker("run", "--rm", "busybox", "sh", "-c", script),
                daemon.berth("run", "--rm", "busybox", "sh", "-c", script))) {
            assertEquals(0, run.exit(), () -> run.stderr());
            assertEquals(out.length(), run.stdout().length());
            assertTrue(out.toString().equals(run.stdout()), "stdout differs");
            assertEquals(err.toString(), run.stderr());
        }
    }

    @Test
    void stdinReachesTheContainer() {
        Daemon.Result run = daemon.dockerWithInput("piped text\n", "run", "--rm", "-i", "busybox", "cat");
        assertEquals(0, run.exit(), run::toString);
        assertEquals("piped text\n", run.stdout());
    }

    @Test
    void missingCommandExits127AndNonExecutableExits126() {
        Daemon.Result missing = daemon.docker("run", "--rm", "busybox", "no-such-command");
        assertEquals(127, missing.exit(), missing::toString);
        Daemon.Result notExecutable = daemon.docker("run", "--rm", "busybox", "/etc/passwd");
        assertEquals(126, notExecutable.exit(), notExecutable::toString);
        Daemon.Result berth = daemon.berth("run", "--rm", "busybox", "no-such-command");
        assertEquals(127, berth.exit(), berth::toString);
    }

    @Test
    void unknownImageFails125AndCreatesNothing() {
        Daemon.Result run = daemon.docker("run", "--rm", "no-such-image", "true");
        assertEquals(125, run.exit(), run::toString);
        Daemon.Result berth = daemon.berth("run", "--rm", "no-such-image", "true");
        assertEquals(125, berth.exit(), berth::toString);
        assertTrue(berth.stderr().contains("no-such-image"), berth::toString);
        assertEquals("", daemon.docker("ps", "-aq", "--filter", "ancestor=no-such-image").stdout().strip());
    }

    @Test
    void detachedContainerRunsLogsAndStops() throws Exception {
        Daemon.Result run = daemon.docker("run", "-d", "--name", "ticker", "busybox", "sh", "-c",
                "echo started; trap 'echo bye; exit 0' TERM; while true; do sleep 0.1; done");
        assertEquals(0, run.exit(), run::toString);
        String id = run.stdout().strip();
        assertEquals(64, id.length(), run::toString);
        assertTrue(Daemon.eventually(Duration.ofSeconds(10),
                () -> daemon.docker("logs", "ticker").stdout().contains("started")));
        Daemon.Result ps = daemon.docker("ps", "--format", "{{.Names}} {{.Status}}");
        assertTrue(ps.stdout().contains("ticker Up"), ps::toString);
        assertEquals(0, daemon.docker("stop", "ticker").exit());
        Daemon.Result state = daemon.docker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "ticker");
        assertEquals("exited 0", state.stdout().strip(), state::toString);
        assertTrue(daemon.docker("logs", "ticker").stdout().contains("bye"));
        assertEquals(0, daemon.docker("rm", "ticker").exit());
    }

    @Test
    void execRunsInARunningContainerAndIsRefusedInAStoppedOne() {
        daemon.docker("run", "-d", "--name", "exec-target", "busybox", "sleep", "60");
        Daemon.Result exec = daemon.docker("exec", "-e", "X=42", "exec-target", "sh", "-c", "echo $X; exit 4");
        assertEquals(4, exec.exit(), exec::toString);
        assertEquals("42\n", exec.stdout());
        daemon.docker("kill", "exec-target");
        Daemon.Result refused = daemon.docker("exec", "exec-target", "true");
        assertFalse(refused.exit() == 0, refused::toString);
        assertTrue(refused.stderr().contains("is not running"), refused::toString);
        daemon.docker("rm", "-f", "exec-target");
    }
}
