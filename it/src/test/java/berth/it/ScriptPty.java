package berth.it;

import java.util.List;

/**
 * A command run with a pseudo-terminal of a fixed size as its stdin, stdout and stderr, through script(1)
 * (util-linux), for clients that only need to see a terminal, not a person typing.
 */
final class ScriptPty {
    private ScriptPty() {}

    /**
     * Runs {@code commandLine} (sh syntax) on a {@code columns} x {@code rows} terminal; its output has the
     * terminal's carriage returns removed.
     */
    static Daemon.Result run(Daemon daemon, int columns, int rows, String commandLine) {
        Daemon.Result r = daemon.run(List.of("script", "-qfec",
                "stty rows " + rows + " cols " + columns + "; " + commandLine, "/dev/null"), null);
        return new Daemon.Result(r.exit(), r.stdout().replace("\r", ""), r.stderr());
    }
}
