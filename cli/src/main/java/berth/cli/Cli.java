package berth.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * What one invocation of {@code berth} works with: its streams, environment and daemon
 * address. The {@link EngineClient} is made on first use, so commands that never talk to
 * the daemon (help, flag errors) cost nothing.
 */
public final class Cli {
    public final InputStream in;
    public final PrintStream out;
    public final PrintStream err;
    public final Map<String, String> env;
    public final String host;
    /** True when in/out are the process's own and both are a terminal. */
    public final boolean processStreams;
    private EngineClient engine;

    public Cli(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, String host, boolean processStreams) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.env = env;
        this.host = host;
        this.processStreams = processStreams;
    }

    public EngineClient engine() {
        if (engine == null) {
            engine = new EngineClient(host);
        }
        return engine;
    }

    public boolean isTerminal() {
        if (!processStreams) {
            return false;
        }
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    void close() {
        if (engine != null) {
            engine.close();
        }
    }
}
