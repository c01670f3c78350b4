package berth.cli.command;

import berth.cli.Cli;
import berth.cli.DaemonException;
import berth.cli.EngineClient;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * A verb of the CLI. It declares its flags in {@link #define} and its argument count; the
 * parsed positional arguments arrive in {@link #args}; {@link #call()} does the work and
 * returns the exit code. Errors of the daemon propagate and are printed by {@code Main},
 * except for verbs acting on several objects, which report each failure and exit 1 at the end
 * (as docker does).
 */
public abstract class BerthCommand implements Callable<Integer> {
    protected Cli cli;

    public void bind(Cli cli) {
        this.cli = cli;
    }

    protected EngineClient engine() {
        return cli.engine();
    }

    /** Declares the verb's flags. */
    public void define(FlagSet f) {
    }

    /** Receives the positional arguments. */
    public void args(List<String> args) {
        if (!args.isEmpty()) {
            throw new IllegalStateException("unexpected arguments");
        }
    }

    public int minArgs() {
        return 0;
    }

    public int maxArgs() {
        return 0;
    }

    /** Whether flags may follow positional arguments (false for run, exec: the rest is the command). */
    public boolean interspersed() {
        return true;
    }

    /** The usage line: "berth ps [OPTIONS]". */
    public abstract String synopsis();

    public abstract String description();

    /** Whether errors of the daemon exit 125 and are prefixed "berth: " (run, create). */
    public boolean engineErrorsAre125() {
        return false;
    }

    /** Runs {@code action} for each name; prints each failure as docker does. Exit 1 if any failed. */
    protected int forEach(List<String> names, Consumer<String> action) {
        int rc = 0;
        for (String n : names) {
            try {
                action.accept(n);
            } catch (DaemonException e) {
                cli.err.println("Error response from daemon: " + e.getMessage());
                rc = 1;
            }
        }
        return rc;
    }

    /** A path segment: names and references keep ':' and '/' readable, everything else is escaped. */
    protected static String path(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20").replace("%3A", ":").replace("%2F", "/");
    }
}
