package berth.runtime;

import berth.oci.Json;
import berth.sys.Fds;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One {@code exec} in a running container, under its own conmon ({@link Conmon#exec}). Its output is in
 * {@link #log()} (k8s-file, readable with {@link LogReader}); conmon reports its exit code on the sync pipe.
 */
public final class ExecSession implements AutoCloseable {
    private final String id;
    private final Path dir;
    private final int pid;
    private final int syncRead;
    private Integer exitCode;

    ExecSession(String id, Path dir, int pid, int syncRead) {
        this.id = id;
        this.dir = dir;
        this.pid = pid;
        this.syncRead = syncRead;
    }

    public String id() {
        return id;
    }

    /** The exec'd process's pid on the host. */
    public int pid() {
        return pid;
    }

    public Path log() {
        return dir.resolve("exec.log");
    }

    /** The session's bundle dir: its attach socket and control FIFO live here. */
    public Path dir() {
        return dir;
    }

    /** Blocks until the process ends and returns its exit code (128 + signal when a signal killed it). */
    public synchronized int awaitExit() {
        if (exitCode == null) {
            JsonNode answer = Conmon.readSync(syncRead, dir.resolve("conmon.log"), -1);
            exitCode = answer.path("data").asInt(-1);
        }
        return exitCode;
    }

    /**
     * The process object for an exec: the container's own process (user, env, capabilities, cwd from its
     * config.json) with {@code args} and {@code terminal} replaced and {@code env} entries added.
     */
    public static ObjectNode processFor(Path containerBundle, List<String> args, boolean terminal, List<String> env,
                                        String cwd) {
        try {
            JsonNode spec = Json.MAPPER.readTree(Files.readAllBytes(containerBundle.resolve("config.json")));
            ObjectNode p = ((ObjectNode) spec.path("process")).deepCopy();
            ArrayNode a = p.putArray("args");
            args.forEach(a::add);
            p.put("terminal", terminal);
            ArrayNode e = (ArrayNode) p.withArray("env");
            env.forEach(e::add);
            if (cwd != null && !cwd.isEmpty()) {
                p.put("cwd", cwd);
            }
            return p;
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    /** Releases the sync pipe (the process itself is not affected). */
    @Override
    public synchronized void close() {
        Fds.close(syncRead);
    }
}
