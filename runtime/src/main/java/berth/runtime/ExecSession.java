package berth.runtime;

import berth.oci.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One {@code exec} in a running container, under its own conmon ({@link Conmon#exec}). Its output is in
 * {@link #log()} (k8s-file, readable with {@link LogReader}) and, for an attached session, on {@link #attach()};
 * conmon reports its exit code on the sync pipe. A TTY session is resized with {@link Conmon#resize} on
 * {@link #dir()}.
 */
public final class ExecSession implements AutoCloseable {
    private final String id;
    private final Path dir;
    private final int pid;
    private final SyncPipe sync;
    private final AttachSocket attach;
    private Integer exitCode;

    ExecSession(String id, Path dir, int pid, SyncPipe sync, AttachSocket attach) {
        this.id = id;
        this.dir = dir;
        this.pid = pid;
        this.sync = sync;
        this.attach = attach;
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

    /** The connection to the session's stdio, when it was started attached. */
    public Optional<AttachSocket> attach() {
        return Optional.ofNullable(attach);
    }

    /** Blocks until the process ends and returns its exit code (128 + signal when a signal killed it). */
    public synchronized int awaitExit() {
        if (exitCode == null) {
            exitCode = sync.next(-1).path("data").asInt(-1);
        }
        return exitCode;
    }

    /**
     * The process object for an exec: the container's own process (user, env, capabilities, cwd from its
     * config.json) with {@code args} and {@code terminal} replaced, {@code env} entries set (an entry replaces the
     * container's value of the same name, as docker does) and, for a terminal, its initial size.
     */
    public static ObjectNode processFor(Path containerBundle, List<String> args, boolean terminal, List<String> env,
                                        String cwd) {
        try {
            JsonNode spec = Json.MAPPER.readTree(Files.readAllBytes(containerBundle.resolve("config.json")));
            ObjectNode p = ((ObjectNode) spec.path("process")).deepCopy();
            ArrayNode a = p.putArray("args");
            args.forEach(a::add);
            p.put("terminal", terminal);
            p.remove("consoleSize");
            ArrayNode e = (ArrayNode) p.withArray("env");
            env.forEach(entry -> setEnv(e, entry));
            if (cwd != null && !cwd.isEmpty()) {
                p.put("cwd", cwd);
            }
            return p;
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    private static void setEnv(ArrayNode env, String entry) {
        int eq = entry.indexOf('=');
        String prefix = (eq < 0 ? entry : entry.substring(0, eq)) + "=";
        for (int i = 0; i < env.size(); i++) {
            if (env.get(i).asText().startsWith(prefix)) {
                env.set(i, entry);
                return;
            }
        }
        env.add(entry);
    }

    /** Sets the terminal size the process starts with ({@code process.consoleSize}). */
    public static void consoleSize(ObjectNode process, int height, int width) {
        if (height > 0 && width > 0) {
            process.putObject("consoleSize").put("height", height).put("width", width);
        }
    }

    /** Releases the attach connection and the sync pipe (the process itself is not affected). */
    @Override
    public void close() {
        if (attach != null) {
            attach.close();
        }
        sync.close();
    }

    /** Removes the session's directory (spec, log, FIFO) once the process has ended. */
    public void remove() {
        Conmon.deleteTree(dir);
    }
}
