package berth.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real terminal for a client under test: a tmux server of its own (a private socket, no user configuration) with
 * one window of a fixed size running one shell command line. Keys are typed into it, the window is resized (the
 * client gets SIGWINCH as it would from a terminal emulator) and the screen is read back. When the command ends the
 * window prints {@code [exited N]} and stays, so the whole session can be asserted on.
 */
final class TmuxTerminal implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Daemon daemon;
    private final String socket = "berth-it-" + UUID.randomUUID();

    private TmuxTerminal(Daemon daemon) {
        this.daemon = daemon;
    }

    /** Runs {@code commandLine} (sh syntax) in a new {@code columns} x {@code rows} terminal. */
    static TmuxTerminal start(Daemon daemon, int columns, int rows, String commandLine) {
        TmuxTerminal t = new TmuxTerminal(daemon);
        t.tmux("new-session", "-d", "-s", "main", "-x", Integer.toString(columns), "-y", Integer.toString(rows),
                "sh", "-c", commandLine + "; echo \"[exited $?]\"; exec sleep 600");
        return t;
    }

    /** The docker CLI (or the berth CLI) with {@code args}, quoted for sh, talking to {@code daemon}. */
    static String docker(String... args) {
        return Dockerd.CLI + " " + quote(List.of(args));
    }

    static String berth(Daemon daemon, String... args) {
        return quote(List.of(Daemon.REPO.resolve("bin/berth").toString(), "-H", daemon.host())) + " "
                + quote(List.of(args));
    }

    static String quote(List<String> args) {
        return args.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    }

    /** Types {@code text} literally, then Enter. */
    void typeLine(String text) {
        tmux("send-keys", "-t", "main", "-l", text);
        keys("Enter");
    }

    /** Presses keys by tmux's names: {@code Enter}, {@code C-p}, ... */
    void keys(String... keys) {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", "main"));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    void resize(int columns, int rows) {
        tmux("resize-window", "-t", "main", "-x", Integer.toString(columns), "-y", Integer.toString(rows));
    }

    /** Everything the window showed, scrollback included, wrapped lines joined. */
    String screen() {
        return tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "main");
    }

    /** Waits until the screen shows {@code text}; fails with the screen when it does not. */
    void await(String text) throws InterruptedException {
        if (!Daemon.eventually(WAIT, () -> screen().contains(text))) {
            fail("the terminal never showed \"" + text + "\":\n" + screen());
        }
    }

    /**
     * Types {@code line} until the screen shows {@code text}: for state that reaches the container asynchronously,
     * such as a new window size (SIGWINCH, then the client's resize call, then conmon).
     */
    void typeUntilShown(String line, String text) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            typeLine(line);
            if (Daemon.eventually(Duration.ofMillis(500), () -> screen().contains(text))) {
                return;
            }
        }
        fail("the terminal never showed \"" + text + "\":\n" + screen());
    }

    /** Waits for the command to end and returns its exit code. */
    int awaitExit() throws InterruptedException {
        await("[exited ");
        String s = screen();
        int at = s.lastIndexOf("[exited ");
        return Integer.parseInt(s.substring(at + 8, s.indexOf(']', at)));
    }

    private String tmux(String... args) {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", socket, "-f", "/dev/null"));
        command.addAll(List.of(args));
        Daemon.Result r = daemon.run(command, null);
        assertEquals(0, r.exit(), () -> "tmux " + String.join(" ", args) + ": " + r);
        return r.stdout();
    }

    @Override
    public void close() {
        daemon.run(List.of("tmux", "-L", socket, "kill-server"), null);
    }
}
