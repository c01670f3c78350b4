package berth.runtime;

import berth.oci.Json;
import berth.oci.errors.CannotInvoke;
import berth.oci.errors.Conflict;
import berth.oci.errors.EngineException;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;
import berth.oci.errors.Unavailable;
import berth.sys.SealedCopy;
import berth.sys.Spawn;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One OCI runtime binary (crun or runc) with its own state directory ({@code --root}), so several daemons or test
 * runs never see each other's containers. conmon runs {@code create}; everything after it goes through here.
 */
public final class OciRuntime {
    private static final System.Logger LOG = System.getLogger(OciRuntime.class.getName());
    private static final List<String> ENVIRONMENT = System.getenv().entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue()).toList();
    private final String name;
    private final Path binary;
    private final Path stateRoot;
    private Path executable;

    /** The state of a container as the runtime reports it ({@code created}, {@code running}, {@code paused}, {@code stopped}). */
    public record State(String status, int pid) {}

    public OciRuntime(String name, Path binary, Path stateRoot) {
        this.name = name;
        this.binary = binary;
        this.stateRoot = stateRoot;
    }

    public String name() {
        return name;
    }

    /**
     * What to execute: a sealed in-memory copy of the runtime's binary, made at first use. The runtime then skips the
     * copy of itself it would make on every call to guard against CVE-2019-5736 ({@link SealedCopy}); the plain
     * binary when the copy cannot be made.
     */
    public synchronized Path executable() {
        if (executable == null) {
            try {
                executable = SealedCopy.of(binary);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "runs {0} as it is: no sealed copy ({1})", binary, e.getMessage());
                executable = binary;
            }
        }
        return executable;
    }

    public Path stateRoot() {
        return stateRoot;
    }

    /** Options placed before the runtime's command. */
    public List<String> globalArgs() {
        return List.of("--root=" + stateRoot);
    }

    /** Starts the process of a created container. */
    public void start(String id) {
        run("start", id);
    }

    public void kill(String id, int signal) {
        run("kill", id, Integer.toString(signal));
    }

    public void pause(String id) {
        run("pause", id);
    }

    public void resume(String id) {
        run("resume", id);
    }

    /** Removes the runtime's record (and cgroup) of a container; with {@code force} a running one is killed first. */
    public void delete(String id, boolean force) {
        try {
            if (force) {
                run("delete", "--force", id);
            } else {
                run("delete", id);
            }
        } catch (NotFound e) {
            // already gone
        }
    }

    /** The runtime's view of a container, empty when it does not know it. */
    public Optional<State> state(String id) {
        try {
            String out = run("state", id);
            JsonNode n = Json.MAPPER.readTree(out);
            return Optional.of(new State(n.path("status").asText(), n.path("pid").asInt()));
        } catch (NotFound e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new Unavailable(name + " state " + id + ": unreadable answer", e);
        }
    }

    /**
     * Runs the runtime once and returns what it printed. posix_spawn directly, not ProcessBuilder: that one goes
     * through an extra helper process and costs milliseconds on every start and delete of a container.
     */
    private String run(String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(binary.toString());
        argv.addAll(globalArgs());
        argv.addAll(List.of(args));
        Path output = null;
        try {
            Files.createDirectories(stateRoot);
            output = Files.createTempFile(stateRoot, ".out-", "");
            int pid = Spawn.spawn(executable(), argv, ENVIRONMENT, Map.of(), output);
            int rc = Spawn.waitFor(pid);
            String printed = Files.readString(output, StandardCharsets.UTF_8);
            if (rc != 0) {
                throw failure(args[0], printed.trim());
            }
            return printed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException e) {
                    // a stray file in the state root is harmless
                }
            }
        }
    }

    private EngineException failure(String verb, String stderr) {
        String message = lastMessage(stderr);
        return classify(name + " " + verb + ": " + message, message);
    }

    /** The error kind of a runtime message: missing/unexecutable command, unknown container, wrong state, or other. */
    static EngineException classify(String full, String message) {
        String m = message.toLowerCase(Locale.ROOT);
        if (m.contains("executable file") && m.contains("not found") || m.contains("no such file or directory")
                && (m.contains("exec") || m.contains("executable"))) {
            return new CannotInvoke(full, true);
        }
        if (m.contains("permission denied") && (m.contains("exec") || m.contains("executable"))) {
            return new CannotInvoke(full, false);
        }
        if (m.contains("does not exist") || m.contains("not found") || m.contains("no such file or directory")) {
            return new NotFound(full);
        }
        if (m.contains("not running") || m.contains("not paused") || m.contains("is paused")
                || m.contains("already") || m.contains("cannot") && m.contains("state")) {
            return new Conflict(full);
        }
        if (m.contains("invalid") || m.contains("unknown")) {
            return new InvalidArgument(full);
        }
        return new Unavailable(full);
    }

    /** crun prints plain lines, runc JSON-ish {@code time=... level=error msg="..."}; keep the meaningful last line. */
    static String lastMessage(String stderr) {
        String[] lines = stderr.strip().split("\n");
        String last = lines.length == 0 ? "" : lines[lines.length - 1].strip();
        int msg = last.indexOf("msg=\"");
        if (msg >= 0) {
            int end = last.lastIndexOf('"');
            if (end > msg + 5) {
                last = last.substring(msg + 5, end).replace("\\\"", "\"");
            }
        }
        return last.isEmpty() ? "failed" : last;
    }
}
