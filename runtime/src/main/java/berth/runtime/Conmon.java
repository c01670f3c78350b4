package berth.runtime;

import berth.oci.Json;
import berth.oci.errors.EngineException;
import berth.oci.errors.Unavailable;
import berth.sys.Fds;
import berth.sys.Pipes;
import berth.sys.Spawn;
import berth.sys.SysException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Starts containers under conmon, one conmon per container. conmon double-forks and outlives the daemon; it runs
 * {@code runtime create}, holds the container's stdio (or pty), writes the k8s-file log, serves the attach socket
 * ({@code <bundle>/attach}) and the control FIFO ({@code <bundle>/ctl}), and writes the exit code to
 * {@code <exit dir>/<id>} when the container ends.
 *
 * <p>Runtime directory layout (the {@code runDir} given to the constructor, e.g. {@code /run/berth}):
 * <pre>
 * exits/&lt;id&gt;              exit code written by conmon (watched by {@link ExitWatcher})
 * conmon/&lt;id&gt;/             persist dir: pidfile (container pid), conmon.pid, conmon.log, oom marker
 * sockets/                  --socket-dir-path (unused with --full-attach, which puts the socket in the bundle)
 * </pre>
 */
public final class Conmon {
    private static final int SYNC_TIMEOUT_MILLIS = 60_000;

    private final Path binary;
    private final Path runDir;

    /** What conmon is asked to run. */
    public record Request(String id, String name, Path bundle, Path logPath, boolean terminal, boolean stdin,
                          OciRuntime runtime, long logSizeMax) {
        /** A detached container without stdin, log size unbounded. */
        public static Request of(String id, Path bundle, Path logPath, boolean terminal, boolean stdin, OciRuntime runtime) {
            return new Request(id, id, bundle, logPath, terminal, stdin, runtime, -1);
        }
    }

    /** A created container: its init pid (not started yet) and the pid of its conmon. */
    public record Created(int containerPid, int conmonPid) {}

    public Conmon(Path binary, Path runDir) {
        this.binary = binary;
        this.runDir = runDir;
    }

    public Path exitDir() {
        return runDir.resolve("exits");
    }

    /** The directory conmon keeps per container (pid files, oom marker). */
    public Path persistDir(String id) {
        return runDir.resolve("conmon").resolve(id);
    }

    /** The attach socket of a container created with {@code bundle}. */
    public static Path attachSocket(Path bundle) {
        return bundle.resolve("attach");
    }

    /** Whether the kernel's OOM killer hit the container (conmon leaves an {@code oom} file). */
    public boolean oomKilled(String id) {
        return Files.exists(persistDir(id).resolve("oom"));
    }

    /** conmon's pid for {@code id}, from its pid file, or -1. */
    public int conmonPid(String id) {
        return readPid(persistDir(id).resolve("conmon.pid"));
    }

    /**
     * Runs {@code runtime create} for {@code r.bundle()} (which must hold config.json) under a new conmon and waits
     * for the runtime's answer. The container is created, not started: connect an {@link AttachSocket} now if its
     * output matters from the first byte, then {@link OciRuntime#start}.
     *
     * @throws berth.oci.errors.CannotInvoke when the command is missing or not executable
     */
    public Created create(Request r) {
        Path persist = persistDir(r.id());
        try {
            Files.createDirectories(exitDir());
            Files.createDirectories(persist);
            Files.createDirectories(runDir.resolve("sockets"));
            Files.deleteIfExists(exitDir().resolve(r.id()));
            Files.deleteIfExists(persist.resolve("oom"));
            Files.createDirectories(r.logPath().toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> argv = new ArrayList<>(List.of(binary.toString(), "--api-version", "1",
                "-c", r.id(), "-u", r.id(), "-n", r.name(), "-r", r.runtime().binary().toString(),
                "-b", r.bundle().toAbsolutePath().toString(),
                "-p", persist.resolve("pidfile").toString(),
                "-P", persist.resolve("conmon.pid").toString(),
                "--persist-dir", persist.toString(),
                "--exit-dir", exitDir().toString(),
                "--socket-dir-path", runDir.resolve("sockets").toString(), "--full-attach",
                "-l", "k8s-file:" + r.logPath().toAbsolutePath(),
                "--log-level", "warning"));
        for (String a : r.runtime().globalArgs()) {
            argv.add("--runtime-arg=" + a);
        }
        if (r.logSizeMax() > 0) {
            argv.add("--log-size-max");
            argv.add(Long.toString(r.logSizeMax()));
        }
        if (r.terminal()) {
            argv.add("-t");
        }
        if (r.stdin()) {
            argv.add("-i");
        }
        Path conmonLog = persist.resolve("conmon.log");
        Launched l = launch(argv, conmonLog, false);
        int data = l.answer().path("data").asInt(-1);
        if (data <= 0) {
            throw classify(r.runtime().name(), message(l.answer(), conmonLog));
        }
        return new Created(data, readPid(persist.resolve("conmon.pid")));
    }

    private static String message(JsonNode answer, Path conmonLog) {
        String message = answer.path("message").asText("");
        return message.isEmpty() ? tail(conmonLog) : message;
    }

    /** A started conmon: its first sync message, and the sync pipe's read end when kept open (else -1). */
    private record Launched(JsonNode answer, int syncRead) {}

    /** Spawns conmon with the sync (fd 3) and start (fd 4) pipes, releases it and reads its first answer. */
    private Launched launch(List<String> argv, Path conmonLog, boolean keepSync) {
        Pipes.Pipe sync = Pipes.open();
        Pipes.Pipe start;
        try {
            start = Pipes.open();
        } catch (SysException e) {
            sync.close();
            throw new Unavailable("cannot run conmon: " + e.getMessage(), e);
        }
        int syncRead = sync.readEnd();
        boolean kept = false;
        try {
            int pid;
            try {
                int childSync = Fds.dupAbove(sync.writeEnd(), 10);
                int childStart = Fds.dupAbove(start.readEnd(), 10);
                try {
                    pid = Spawn.spawn(binary, argv, List.of("PATH=" + System.getenv().getOrDefault("PATH",
                                    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                            "_OCI_SYNCPIPE=3", "_OCI_STARTPIPE=4"), Map.of(3, childSync, 4, childStart), conmonLog);
                } finally {
                    Fds.close(childSync);
                    Fds.close(childStart);
                }
            } catch (RuntimeException e) {
                Fds.close(start.writeEnd());
                throw e;
            } finally {
                // Our copies of the child's ends must go, or EOF never comes.
                Fds.close(sync.writeEnd());
                Fds.close(start.readEnd());
            }
            try {
                Fds.write(start.writeEnd(), new byte[] {0});
            } finally {
                Fds.close(start.writeEnd());
            }
            int rc = Spawn.waitFor(pid);
            if (rc != 0) {
                throw new Unavailable("conmon exited with " + rc + ": " + tail(conmonLog));
            }
            JsonNode answer = readSync(syncRead, conmonLog, SYNC_TIMEOUT_MILLIS);
            kept = keepSync;
            return new Launched(answer, keepSync ? syncRead : -1);
        } catch (SysException e) {
            throw new Unavailable("cannot run conmon: " + e.getMessage(), e);
        } finally {
            if (!kept) {
                Fds.close(syncRead);
            }
        }
    }

    /**
     * Runs {@code request.process()} (an OCI process object, e.g. {@link ExecSession#processFor}) in the running
     * container {@code containerId} under its own conmon. The session's directory ({@code exec/<session>/} in the run
     * dir) holds its bundle, its log ({@code exec.log}, k8s-file) and its exit file; {@link ExecSession#awaitExit}
     * gives its exit code.
     */
    public ExecSession exec(String containerId, String sessionId, com.fasterxml.jackson.databind.JsonNode process,
                            OciRuntime runtime) {
        Path dir = runDir.resolve("exec").resolve(sessionId);
        Path spec = dir.resolve("process.json");
        try {
            Files.createDirectories(dir.resolve("exits"));
            Files.write(spec, Json.MAPPER.writeValueAsBytes(process));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean terminal = process.path("terminal").asBoolean(false);
        List<String> argv = new ArrayList<>(List.of(binary.toString(), "--api-version", "1",
                "-c", containerId, "-u", sessionId, "-n", containerId, "-r", runtime.binary().toString(),
                "-b", dir.toString(), "-p", dir.resolve("pidfile").toString(),
                "-P", dir.resolve("conmon.pid").toString(),
                "--exit-dir", dir.resolve("exits").toString(),
                "--socket-dir-path", runDir.resolve("sockets").toString(), "--full-attach",
                "-l", "k8s-file:" + dir.resolve("exec.log"), "--log-level", "warning",
                "--exec", "--exec-process-spec", spec.toString()));
        for (String a : runtime.globalArgs()) {
            argv.add("--runtime-arg=" + a);
        }
        if (terminal) {
            argv.add("-t");
        }
        Launched l = launch(argv, dir.resolve("conmon.log"), true);
        int pid = l.answer().path("data").asInt(-1);
        if (pid <= 0) {
            Fds.close(l.syncRead());
            throw classify(runtime.name(), message(l.answer(), dir.resolve("conmon.log")));
        }
        return new ExecSession(sessionId, dir, pid, l.syncRead());
    }

    /** Reads the one JSON message conmon writes to the sync pipe after {@code create}. */
    static JsonNode readSync(int fd, Path conmonLog, int timeoutMillis) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.currentTimeMillis() + timeoutMillis;
        while (true) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0 || !Fds.pollReadable(fd, (int) Math.min(left, Integer.MAX_VALUE))) {
                throw new Unavailable("conmon gave no answer within " + timeoutMillis / 1000 + "s: "
                        + tail(conmonLog));
            }
            int n = Fds.read(fd, buf);
            if (n == 0) {
                if (got.size() == 0) {
                    throw new Unavailable("conmon ended without an answer: " + tail(conmonLog));
                }
                break;
            }
            got.write(buf, 0, n);
            JsonNode parsed = tryParse(got.toByteArray());
            if (parsed != null) {
                return parsed;
            }
        }
        JsonNode parsed = tryParse(got.toByteArray());
        if (parsed == null) {
            throw new Unavailable("conmon's answer is not JSON: " + got.toString(StandardCharsets.UTF_8));
        }
        return parsed;
    }

    private static JsonNode tryParse(byte[] bytes) {
        try (JsonParser p = Json.MAPPER.createParser(bytes)) {
            return Json.MAPPER.readTree(p);
        } catch (IOException e) {
            return null;
        }
    }

    /** The error a failed create means to a user; crun and runc messages both end with the cause. */
    static EngineException classify(String runtime, String message) {
        String clean = message.strip();
        return OciRuntime.classify(runtime + " create: " + clean, clean);
    }

    /**
     * Asks conmon to resize the container's terminal: a line {@code "1 <height> <width>\n"} on the control FIFO
     * {@code <bundle>/ctl} (type 1 is a resize, 2 a log reopen; conmon accepts sizes up to 1000).
     */
    public static void resize(Path bundle, int height, int width) {
        if (height < 0 || width < 0 || height > 1000 || width > 1000) {
            throw new berth.oci.errors.InvalidArgument("invalid terminal size " + height + "x" + width);
        }
        control(bundle, "1 " + height + " " + width + "\n");
    }

    /** Asks conmon to reopen the log file (after rotation). */
    public static void reopenLog(Path bundle) {
        control(bundle, "2 0 0\n");
    }

    private static void control(Path bundle, String line) {
        int fd;
        try {
            fd = Fds.open(bundle.resolve("ctl"), Fds.O_WRONLY | Fds.O_NONBLOCK | Fds.O_CLOEXEC, 0);
        } catch (SysException e) {
            throw new berth.oci.errors.Conflict("container is not running (no conmon control fifo): " + e.getMessage());
        }
        try {
            Fds.write(fd, line.getBytes(StandardCharsets.US_ASCII));
        } finally {
            Fds.close(fd);
        }
    }

    /** Removes what conmon left for {@code id} (persist dir, exit file) once the engine recorded the exit. */
    public void cleanup(String id) {
        try {
            Files.deleteIfExists(exitDir().resolve(id));
            Path persist = persistDir(id);
            if (Files.exists(persist)) {
                try (Stream<Path> walk = Files.walk(persist)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int readPid(Path file) {
        try {
            return Files.exists(file) ? Integer.parseInt(Files.readString(file).trim()) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    static String tail(Path log) {
        try {
            if (!Files.exists(log)) {
                return "(no output)";
            }
            String s = Files.readString(log).strip();
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s.isEmpty() ? "(no output)" : s;
        } catch (IOException e) {
            return "(unreadable " + log + ")";
        }
    }
}
