package berth.cli.command;

import berth.cli.DaemonException;
import berth.cli.EngineClient;
import berth.cli.UserException;
import berth.cli.format.Json;
import berth.cli.http.HttpConnection.Response;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code run} and {@code create}. {@code run} makes docker's calls: create (pulling on "No such
 * image"); the wait ({@code next-exit}, or {@code removed} with {@code --rm}) and, for a foreground
 * container, the attach (hijacked) sent together on two connections and both registered before
 * the start; resize for a TTY; then it streams until the container ends and exits with its status.
 */
public final class RunCommand extends BerthCommand {
    @Override public String synopsis() { return "berth " + usageName() + " [OPTIONS] IMAGE [COMMAND] [ARG...]"; }
    @Override public String description() { return run ? "Create and run a new container from an image" : "Create a new container"; }
    @Override public boolean interspersed() { return false; }
    @Override public void args(List<String> a) { positional = new ArrayList<>(a); }
    @Override public int minArgs() { return 1; }
    @Override public int maxArgs() { return Integer.MAX_VALUE; }
    @Override public void define(FlagSet f) {
        flags.define(f);
    }
    private final boolean run;

    ContainerFlags flags = new ContainerFlags();

    List<String> positional = new ArrayList<>();

    public RunCommand(boolean run) {
        this.run = run;
    }

    String usageName() {
        return run ? "run" : "create";
    }

    /** docker's run exits 125 on a daemon error; its create, like other verbs, exits 1. */
    @Override
    public boolean engineErrorsAre125() {
        return run;
    }

    @Override
    public Integer call() {
        if (positional.isEmpty()) {
            throw new UserException("'berth " + usageName() + "' requires at least 1 argument\n\nUsage:  berth " + usageName()
                    + " [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nSee 'berth " + usageName() + " --help' for more information", 1);
        }
        String image = positional.getFirst();
        List<String> args = positional.subList(1, positional.size());
        boolean foreground = run && !flags.detach;
        if (foreground && flags.tty && flags.interactive && !cli.isTerminal()) {
            throw new UserException("the input device is not a TTY", 1);
        }
        int[] consoleSize = foreground && flags.tty && cli.isTerminal() ? Terminal.size() : new int[] {0, 0};
        byte[] detachKeys = AttachedStreams.parseDetachKeys(flags.detachKeys);
        Map<String, Object> body = flags.createBody(image, args, cli.env, run, consoleSize);
        String id = create(image, body);
        if (!run) {
            cli.out.println(id);
            return 0;
        }
        EngineClient engine = engine();
        boolean attachStdin = Boolean.TRUE.equals(body.get("AttachStdin"));
        // The wait goes out first on a connection of its own and the daemon registers it while the attach is
        // upgraded; both are registered (their heads read) before the start.
        EngineClient.Pending exit = null;
        if (foreground || flags.rm) {
            exit = engine.send("/containers/" + id + "/wait", EngineClient.query().add("condition", flags.rm ? "removed" : "next-exit"));
        }
        Response hijacked = null;
        if (foreground) {
            EngineClient.Query q = EngineClient.query().add("stream", "1")
                    .flag("stdin", attachStdin)
                    .flag("stdout", Boolean.TRUE.equals(body.get("AttachStdout")))
                    .flag("stderr", Boolean.TRUE.equals(body.get("AttachStderr")))
                    .add("detachKeys", flags.detachKeys);
            hijacked = engine.hijack("/containers/" + id + "/attach", q, null);
        }
        if (exit != null) {
            exit.registered();
        }
        try {
            engine.post("/containers/" + id + "/start", null, null);
        } catch (DaemonException e) {
            if (hijacked != null) {
                hijacked.connection().close();
            }
            cli.err.println("berth: Error response from daemon: " + e.getMessage());
            return startErrorCode(e.getMessage());
        }
        if (!foreground) {
            cli.out.println(id);
            return 0;
        }
        Runnable restore = () -> { };
        if (flags.tty && cli.isTerminal()) {
            AttachedStreams.followResize(engine, "/containers/" + id + "/resize");
            if (attachStdin) {
                restore = Terminal.makeRaw();
            }
        }
        if (!flags.tty && flags.sigProxy) {
            AttachedStreams.proxySignals(engine, id);
        }
        AttachedStreams.End end;
        try {
            // like docker, the detach keys are looked for on a terminal only: other input passes as it is
            end = new AttachedStreams(cli, hijacked, flags.tty).run(attachStdin,
                    attachStdin && flags.tty ? detachKeys : new byte[0]);
        } finally {
            restore.run();
        }
        if (end == AttachedStreams.End.DETACHED) {
            // docker run leaves quietly on the detach keys (docker attach says "read escape sequence")
            return 0;
        }
        return exitStatus(exit);
    }

    /** docker's rule for a failed start: not found → 127, not executable → 126, else 125. */
    static int startErrorCode(String message) {
        if (message.contains("executable file not found") || message.contains("no such file or directory")
                || message.contains("system cannot find the file specified")) {
            return 127;
        }
        if (message.contains("permission denied") || message.contains("is a directory")) {
            return 126;
        }
        return 125;
    }

    private String create(String image, Map<String, Object> body) {
        EngineClient.Query q = EngineClient.query().add("name", flags.name).add("platform", flags.platform);
        if (flags.pull.equals("always")) {
            pull(image);
        }
        Object answer;
        try {
            answer = engine().post("/containers/create", q, body);
        } catch (DaemonException e) {
            if (e.status() != 404 || !e.getMessage().contains("No such image") || flags.pull.equals("never")) {
                throw e;
            }
            cli.err.println("Unable to find image '" + normalize(image) + "' locally");
            pull(image);
            answer = engine().post("/containers/create", q, body);
        }
        if (Json.at(answer, "Warnings") instanceof List<?> warnings) {
            for (Object w : warnings) {
                cli.err.println("WARNING: " + w);
            }
        }
        return Json.str(answer, "Id");
    }

    /** Pulls through POST /images/create with the user's registry credentials, drawing docker's progress. */
    private void pull(String image) {
        String ref = normalize(image);
        RegistryCommands.pull(cli, RegistryCommands.Split.of(ref), flags.platform, flags.quiet, cli.err);
    }

    /** busybox → busybox:latest (a digest or a tag is kept). */
    static String normalize(String image) {
        if (image.contains("@")) {
            return image;
        }
        int slash = image.lastIndexOf('/');
        return image.indexOf(':', slash + 1) >= 0 ? image : image + ":latest";
    }

    /** The container's exit status from its wait; 125 when the daemon reports an error. */
    private int exitStatus(EngineClient.Pending wait) {
        try {
            Object answer = wait.get();
            Object error = Json.at(answer, "Error", "Message");
            if (error != null && !error.toString().isEmpty()) {
                cli.err.println("berth: Error response from daemon: " + error);
                return 125;
            }
            return (int) Json.num(answer, "StatusCode");
        } catch (DaemonException e) {
            // docker: with --rm the container may be gone before the wait is answered
            cli.err.println("berth: Error response from daemon: " + e.getMessage());
            return 125;
        } catch (RuntimeException e) {
            return 125;
        }
    }
}
