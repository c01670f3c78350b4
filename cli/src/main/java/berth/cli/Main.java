package berth.cli;

import berth.cli.command.BerthCommand;
import berth.cli.command.Commands;
import berth.cli.format.GoTemplate;
import berth.cli.command.FlagSet;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code berth}: global options ({@code -H}, {@code --version}), then one verb. The verb is
 * looked up by name and declares its own flags in code, so start-up loads one small command
 * and nothing is discovered by reflection.
 */
public final class Main {
    public static final String VERSION = "0.1.0";
    public static final String DEFAULT_HOST = "unix:///run/berth/berth.sock";

    private Main() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
        int rc = run(args, System.in, out, err, System.getenv(), true);
        out.flush();
        err.flush();
        // halt, not exit: System.exit initialises the platform logging of Runtime.exit (~10 ms),
        // and the CLI has no shutdown work left (a raw terminal is restored before this point).
        Runtime.getRuntime().halt(rc);
    }

    /** Runs one invocation in-process; returns the exit code. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        return run(args, in, out, err, env, false);
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env, boolean processStreams) {
        String host = env.getOrDefault("BERTH_HOST", "");
        int i = 0;
        for (; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-H") || a.equals("--host")) {
                if (i + 1 >= args.length) {
                    err.println("flag needs an argument: '" + (a.equals("-H") ? "H" : "host") + "' in " + a);
                    return 125;
                }
                host = args[++i];
            } else if (a.startsWith("--host=")) {
                host = a.substring(7);
            } else if (a.startsWith("-H") && a.length() > 2) {
                host = a.substring(2);
            } else if (a.equals("-v") || a.equals("--version")) {
                out.println("Berth version " + VERSION + ", build dev");
                return 0;
            } else if (a.equals("-D") || a.equals("--debug")) {
                continue;
            } else if (a.equals("-l") || a.equals("--log-level") || a.equals("--config") || a.equals("-c") || a.equals("--context")) {
                i++;
            } else if (a.equals("--help") || a.equals("-h")) {
                out.print(Commands.topUsage());
                return 0;
            } else if (a.startsWith("-")) {
                err.println("unknown flag: " + a);
                err.println("See 'berth --help'.");
                return 125;
            } else {
                break;
            }
        }
        if (host.isEmpty()) {
            host = DEFAULT_HOST;
        }
        if (i >= args.length) {
            out.print(Commands.topUsage());
            return 0;
        }
        String verb = args[i++];
        if (Commands.isGroup(verb)) {
            if (i >= args.length || args[i].equals("--help")) {
                out.print(Commands.groupUsage(verb));
                return 0;
            }
            String sub = args[i++];
            BerthCommand cmd = Commands.lookup(verb, sub);
            if (cmd == null) {
                err.println("berth: unknown command: berth " + verb + " " + sub);
                err.println();
                err.println("Run 'berth " + verb + " --help' for more information");
                return 1;
            }
            return execute(cmd, verb + " " + sub, Arrays.copyOfRange(args, i, args.length), in, out, err, env, host, processStreams);
        }
        BerthCommand cmd = Commands.lookup(null, verb);
        if (cmd == null) {
            err.println("berth: unknown command: berth " + verb);
            err.println();
            err.println("Run 'berth --help' for more information");
            return 1;
        }
        return execute(cmd, verb, Arrays.copyOfRange(args, i, args.length), in, out, err, env, host, processStreams);
    }

    private static int execute(BerthCommand cmd, String name, String[] args, InputStream in, PrintStream out, PrintStream err,
                               Map<String, String> env, String host, boolean processStreams) {
        Cli cli = new Cli(in, out, err, env, host, processStreams);
        cmd.bind(cli);
        FlagSet flags = new FlagSet().interspersed(cmd.interspersed());
        cmd.define(flags);
        String usage = usage(cmd.synopsis(), name);
        List<String> positional;
        try {
            positional = flags.parse(Arrays.asList(args));
        } catch (FlagSet.FlagException e) {
            err.println(e.getMessage());
            err.println();
            err.println("Usage:  " + usage);
            err.println();
            err.println("Run 'berth " + name + " --help' for more information");
            return 125;
        }
        if (flags.helpRequested()) {
            out.print("\nUsage:  " + usage + "\n\n" + cmd.description() + "\n\n" + flags.usage());
            return 0;
        }
        String count = argumentCountError(positional.size(), cmd.minArgs(), cmd.maxArgs());
        if (count != null) {
            err.println("berth: 'berth " + name + "' " + count);
            err.println();
            err.println("Usage:  " + usage);
            err.println();
            err.println("See 'berth " + name + " --help' for more information");
            return 1;
        }
        cmd.args(positional);
        String prefix = cmd.engineErrorsAre125() ? "berth: " : "";
        try {
            Integer rc = cmd.call();
            out.flush();
            return rc == null ? 0 : rc;
        } catch (CannotConnectException e) {
            out.flush();
            err.println(e.getMessage());
            return cmd.engineErrorsAre125() ? 125 : 1;
        } catch (DaemonException e) {
            out.flush();
            err.println(prefix + "Error response from daemon: " + e.getMessage());
            if (cmd.engineErrorsAre125()) {
                err.println();
                err.println("Run 'berth " + name + " --help' for more information");
                return 125;
            }
            return 1;
        } catch (UserException e) {
            out.flush();
            if (e.exitCode() == 125) {
                err.println(e.getMessage());
                err.println();
                err.println("Usage:  " + usage);
                err.println();
                err.println("Run 'berth " + name + " --help' for more information");
            } else {
                err.println(prefix + e.getMessage());
            }
            return e.exitCode();
        } catch (GoTemplate.TemplateException e) {
            out.flush();
            err.println(prefix + e.getMessage());
            return cmd.engineErrorsAre125() ? 125 : 1;
        } catch (UncheckedIOException e) {
            out.flush();
            err.println(prefix + "error during connect: " + e.getCause().getMessage());
            return cmd.engineErrorsAre125() ? 125 : 1;
        } catch (Exception e) {
            out.flush();
            err.println(prefix + e);
            return cmd.engineErrorsAre125() ? 125 : 1;
        } finally {
            // main() halts right after this: the kernel closes the daemon connection then. Closing a
            // connected SocketChannel first initialises sun.nio.ch.Net (InetAddress, the extended
            // socket options and their native library), ~10 ms that no command here needs.
            if (!processStreams) {
                cli.close();
            }
        }
    }

    /**
     * The synopsis ("berth ps [OPTIONS]") with the verb as it was called ("berth container ls [OPTIONS]"); string
     * operations, not a regex compiled on every command.
     */
    static String usage(String synopsis, String name) {
        int end = "berth ".length();
        while (end < synopsis.length() && !Character.isWhitespace(synopsis.charAt(end))) {
            end++;
        }
        return "berth " + name + synopsis.substring(end);
    }

    /** cobra's wording for a wrong number of arguments; null when the count is right. */
    static String argumentCountError(int n, int min, int max) {
        if (n >= min && n <= max) {
            return null;
        }
        String plural = (n < min ? min : max) == 1 ? " argument" : " arguments";
        if (max == 0) {
            return "accepts no arguments";
        }
        if (min == max) {
            return "requires exactly " + min + plural;
        }
        if (n < min) {
            return max == Integer.MAX_VALUE ? "requires at least " + min + plural
                    : "requires at least " + min + " and at most " + max + " arguments";
        }
        return min == 0 ? "requires at most " + max + plural : "requires at least " + min + " and at most " + max + " arguments";
    }
}
