package berth.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Restart policies as the daemon honours them: after exits, with back-off, and when the daemon comes back. */
class RestartPolicyTest extends SharedDaemonTest {
    private static String inspect(String client, String format, String container) {
        Daemon.Result r = daemon.cli(client, "inspect", "--format", format, container);
        assertEquals(0, r.exit(), r::toString);
        return r.stdout().strip();
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void onFailureRestartsUpToTheMaximumThenStaysExited(String client) throws Exception {
        String name = "onfail-" + client;
        Daemon.Result run = daemon.cli(client, "run", "--name", name, "--restart", "on-failure:2", "busybox", "sh",
                "-c", "echo try; exit 1");
        assertEquals(1, run.exit(), run::toString);
        assertTrue(Daemon.eventually(Duration.ofSeconds(10),
                () -> inspect(client, "{{.State.Status}} {{.RestartCount}}", name).equals("exited 2")));
        Thread.sleep(800); // longer than the next back-off: no third restart comes
        assertEquals("exited 2 1", inspect(client, "{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}", name));
        assertEquals("try\ntry\ntry\n", daemon.cli(client, "logs", name).stdout());
        daemon.cli(client, "rm", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void onFailureLeavesASuccessfulExitAlone(String client) throws Exception {
        String name = "onok-" + client;
        assertEquals(0, daemon.cli(client, "run", "--name", name, "--restart", "on-failure", "busybox", "true").exit());
        Thread.sleep(500);
        assertEquals("exited 0", inspect(client, "{{.State.Status}} {{.RestartCount}}", name));
        daemon.cli(client, "rm", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void alwaysRestartsAfterEveryExitUntilStoppedByHand(String client) throws Exception {
        String name = "always-" + client;
        daemon.cli(client, "run", "-d", "--name", name, "--restart", "always", "busybox", "sh", "-c", "sleep 0.2");
        assertTrue(Daemon.eventually(Duration.ofSeconds(10),
                () -> Integer.parseInt(inspect(client, "{{.RestartCount}}", name)) >= 2));
        assertEquals(0, daemon.cli(client, "stop", "-t", "1", name).exit());
        String stopped = inspect(client, "{{.State.Status}} {{.RestartCount}}", name);
        assertTrue(stopped.startsWith("exited "), stopped);
        Thread.sleep(800);
        assertEquals(stopped, inspect(client, "{{.State.Status}} {{.RestartCount}}", name),
                "a container stopped by hand stays stopped");
        daemon.cli(client, "rm", name);
    }

    /**
     * The daemon dies, and so do the processes of its containers; when it comes back, {@code always} restarts its
     * container even one stopped by hand, {@code unless-stopped} only one that was not, {@code no} none.
     */
    @Test
    void alwaysAndUnlessStoppedContainersRestartWhenTheDaemonComesBack() throws Exception {
        daemon.docker("run", "-d", "--name", "dr-always", "--restart", "always", "busybox", "sleep", "60");
        daemon.docker("run", "-d", "--name", "dr-always-stopped", "--restart", "always", "busybox", "sleep", "60");
        daemon.docker("run", "-d", "--name", "dr-unless", "--restart", "unless-stopped", "busybox", "sleep", "60");
        daemon.berth("run", "-d", "--name", "dr-unless-stopped", "--restart", "unless-stopped", "busybox", "sleep",
                "60");
        daemon.berth("run", "-d", "--name", "dr-no", "busybox", "sleep", "60");
        assertEquals(0, daemon.docker("stop", "-t", "0", "dr-always-stopped", "dr-unless-stopped").exit());
        List<String> pids = daemon.docker("inspect", "--format", "{{.State.Pid}}", "dr-always", "dr-unless", "dr-no")
                .stdout().lines().toList();
        daemon.kill9();
        for (String pid : pids) {
            new ProcessBuilder("kill", "-9", pid).start().waitFor();
        }
        Thread.sleep(300); // conmon records the exits
        daemon.launch();
        for (String restarted : List.of("dr-always", "dr-always-stopped", "dr-unless")) {
            assertTrue(Daemon.eventually(Duration.ofSeconds(10),
                    () -> inspect("docker", "{{.State.Status}}", restarted).equals("running")), restarted);
        }
        assertEquals("exited 137", inspect("berth", "{{.State.Status}} {{.State.ExitCode}}", "dr-unless-stopped"));
        assertEquals("exited 137", inspect("berth", "{{.State.Status}} {{.State.ExitCode}}", "dr-no"));
        daemon.docker("rm", "-f", "dr-always", "dr-always-stopped", "dr-unless", "dr-unless-stopped", "dr-no");
    }
}
