package berth.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Containers in the foreground with a terminal ({@code run -t}, {@code run -it}, {@code attach}) on a real pty
 * held by conmon, driven from a real terminal by both clients; and, without a terminal, the signals {@code run}
 * forwards to the container.
 */
class TtyTest extends SharedDaemonTest {
    @Test
    void runWithTtyStartsAtTheClientsTerminalSizeOnAPty() {
        Daemon.Result docker = ScriptPty.run(daemon, 77, 33,
                TmuxTerminal.docker("run", "--rm", "-t", "busybox", "sh", "-c", "stty size; tty"));
        assertEquals(0, docker.exit(), docker::toString);
        assertEquals("33 77\n/dev/pts/0\n", docker.stdout());
        Daemon.Result berth = ScriptPty.run(daemon, 61, 21,
                TmuxTerminal.berth(daemon, "run", "--rm", "-t", "busybox", "sh", "-c", "stty size; tty"));
        assertEquals(0, berth.exit(), berth::toString);
        assertEquals("21 61\n/dev/pts/0\n", berth.stdout());
    }

    @Test
    void ttyOutputArrivesRawWithoutStreamFraming() {
        // The pty turns \n into \r\n; a multiplexed stream would add an 8-byte header before each write.
        Daemon.Result docker = daemon.docker("run", "--rm", "-t", "busybox", "printf", "a\\tb\\n");
        assertEquals(0, docker.exit(), docker::toString);
        assertEquals("a\tb\r\n", docker.stdout());
        Daemon.Result berth = daemon.berth("run", "--rm", "-t", "busybox", "printf", "a\\tb\\n");
        assertEquals(0, berth.exit(), berth::toString);
        assertEquals("a\tb\r\n", berth.stdout());
    }

    @Test
    void dockerRunInteractiveFollowsResizeDetachesAndAttachesAgain() throws Exception {
        interactiveSession("tty-docker", TmuxTerminal.docker("run", "-it", "--name", "tty-docker", "busybox", "sh"),
                TmuxTerminal.docker("attach", "tty-docker"));
    }

    @Test
    void berthRunInteractiveFollowsResizeDetachesAndAttachesAgain() throws Exception {
        interactiveSession("tty-berth", TmuxTerminal.berth(daemon, "run", "-it", "--name", "tty-berth", "busybox", "sh"),
                TmuxTerminal.berth(daemon, "attach", "tty-berth"));
    }

    /**
     * Types into a shell on the container's terminal, resizes the window, detaches with ctrl-p ctrl-q (the client
     * ends, the container runs on), attaches again with {@code attach} and ends the shell with an exit code.
     */
    private static void interactiveSession(String name, String run, String attach) throws Exception {
        try (TmuxTerminal first = TmuxTerminal.start(daemon, 100, 30, run)) {
            first.await("/ # ");
            first.typeLine("stty size");
            first.await("30 100");
            first.resize(90, 25);
            first.typeUntilShown("stty size", "25 90");
            first.keys("C-p", "C-q");
            assertEquals(0, first.awaitExit(), first::screen);
        }
        assertEquals("true", daemon.docker("inspect", "-f", "{{.State.Running}}", name).stdout().strip());
        try (TmuxTerminal second = TmuxTerminal.start(daemon, 80, 20, attach + "; code=$?; stty -a; (exit $code)")) {
            second.typeLine("echo again-$((6 * 7))");
            second.await("again-42");
            second.typeUntilShown("stty size", "20 80");
            second.typeLine("exit 7");
            assertEquals(7, second.awaitExit(), second::screen);
            // the client put its terminal back as it found it: line editing and echo on
            second.await("icanon");
            assertFalse(second.screen().contains("-icanon"), second::screen);
            assertFalse(second.screen().contains(" -echo "), second::screen);
        } finally {
            daemon.docker("rm", "-f", name);
        }
    }

    @Test
    void sigtermAndSigintToTheClientReachTheContainer() throws Exception {
        String trap = "trap 'echo got TERM; exit 3' TERM; trap 'echo got INT; exit 4' INT; echo ready;"
                + " while true; do sleep 0.1; done";
        List<String> docker = List.of(Dockerd.CLI, "run", "--rm", "busybox", "sh", "-c", trap);
        List<String> berth = List.of(Daemon.REPO.resolve("bin/berth").toString(), "-H", daemon.host(),
                "run", "--rm", "busybox", "sh", "-c", trap);
        for (List<String> client : List.of(docker, berth)) {
            assertSignalForwarded(client, "TERM", 3);
            assertSignalForwarded(client, "INT", 4);
        }
    }

    @Test
    void withoutSigProxyTheSignalStaysWithTheClient() throws Exception {
        String script = "trap 'echo got TERM; exit 3' TERM; echo ready; sleep 1; echo done";
        Process client = startReady(List.of(Daemon.REPO.resolve("bin/berth").toString(), "-H", daemon.host(),
                "run", "--name", "no-proxy", "--sig-proxy=false", "busybox", "sh", "-c", script));
        try {
            signal(client, "TERM");
            assertTrue(client.waitFor(20, TimeUnit.SECONDS));
            assertEquals("0", daemon.docker("wait", "no-proxy").stdout().strip());
            assertEquals("ready\ndone\n", daemon.docker("logs", "no-proxy").stdout());
        } finally {
            client.destroyForcibly();
            daemon.docker("rm", "-f", "no-proxy");
        }
    }

    private static void assertSignalForwarded(List<String> client, String signal, int expectedExit) throws Exception {
        Process p = startReady(client);
        try {
            signal(p, signal);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), client + " did not end after SIG" + signal);
            String rest = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals("got " + signal + "\n", rest, client.getFirst());
            assertEquals(expectedExit, p.exitValue(), client.getFirst());
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * Starts a client as a terminal would, every signal at its default disposition (a build run in the background
     * inherits SIGINT ignored, and the JVM then keeps it ignored), and waits until the container said "ready", so
     * that its traps are set.
     */
    private static Process startReady(List<String> command) throws IOException {
        List<String> argv = new ArrayList<>(List.of("env", "--default-signal"));
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().put("DOCKER_HOST", daemon.host());
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = builder.start();
        assertEquals("ready", firstLine(p.getInputStream()), command.getFirst());
        return p;
    }

    /** One line, read byte by byte so that nothing after it is consumed. */
    private static String firstLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.append((char) b);
        }
        return line.toString();
    }

    private static void signal(Process p, String signal) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-s", signal, Long.toString(p.pid())).start().waitFor());
    }
}
