package berth.runtime;

import berth.oci.Json;
import berth.oci.errors.EngineException;
import berth.oci.errors.Unavailable;
import berth.sys.FdSet;
import berth.sys.Fds;
import berth.sys.Pipes;
import berth.sys.Spawn;
import berth.sys.SysException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
    /**
     * conmon 2.1.6 acts on the first line of each read from its control FIFOs only, so two messages written
     * together (docker's attach resizes to h+1,w+1 and then h,w at once) lose the second: writes to one FIFO are
     * spaced by this much, time enough for conmon's loop to take each on its own.
     */
    private static final long CONTROL_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(30);
    /** When each control FIFO was last written, for the spacing above. */
    private static final Map<Path, Long> LAST_CONTROL = new HashMap<>();

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
                "-c", r.id(), "-u", r.id(), "-n", r.name(), "-r", r.runtime().executable().toString(),
                "-b", r.bundle().toAbsolutePath().toString(),
                "-p", persist.resolve("pidfile").toString(),
                "-P", persist.resolve("conmon.pid").toString(),
                "--persist-dir", persist.toString(),
                "--exit-dir", exitDir().toString(),
                "--socket-dir-path", runDir.resolve("sockets").toString(), "--full-attach",
                "-l", "k8s-file:" + r.logPath().toAbsolutePath(),
                // no fsync of the log when the container ends: it stands between the exit and its exit file (so
                // every waiter), and docker's shim does not sync logs either
                "--no-sync-log",
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
            if (r.terminal()) {
                // docker never closes a TTY container's stdin when a client detaches: a later attach types into it.
                argv.add("--leave-stdin-open");
            }
        }
        Path conmonLog = persist.resolve("conmon.log");
        try (SyncPipe sync = launch(argv, conmonLog, null)) {
            JsonNode answer = sync.next(SYNC_TIMEOUT_MILLIS);
            int data = answer.path("data").asInt(-1);
            if (data <= 0) {
                throw classify(r.runtime().name() + " create", message(answer, conmonLog));
            }
            return new Created(data, readPid(persist.resolve("conmon.pid")));
        }
    }

    private static String message(JsonNode answer, Path conmonLog) {
        String message = answer.path("message").asText("");
        return message.isEmpty() ? tail(conmonLog) : message;
    }

    /**
     * Spawns conmon with the sync (fd 3) and start (fd 4) pipes and lets it go; returns the sync pipe, whose first
     * message is the runtime's answer. With {@code beforeExec} (an exec run with {@code --exec-attach}) conmon also
     * gets an attach pipe (fd 5): it says there when its attach socket listens, then waits for a second write on the
     * start pipe before it runs {@code runtime exec}; {@code beforeExec} runs in between, so no output is lost.
     */
    private SyncPipe launch(List<String> argv, Path conmonLog, Runnable beforeExec) {
        try (FdSet fds = new FdSet()) {
            Pipes.Pipe sync = fds.pipe();
            Pipes.Pipe start = fds.pipe();
            Pipes.Pipe attach = beforeExec == null ? null : fds.pipe();
            List<String> env = new ArrayList<>(List.of("PATH=" + System.getenv().getOrDefault("PATH",
                    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"), "_OCI_SYNCPIPE=3", "_OCI_STARTPIPE=4"));
            Map<Integer, Integer> childFds = new HashMap<>();
            childFds.put(3, fds.dupAbove(sync.writeEnd(), 10));
            childFds.put(4, fds.dupAbove(start.readEnd(), 10));
            if (attach != null) {
                childFds.put(5, fds.dupAbove(attach.writeEnd(), 10));
                env.add("_OCI_ATTACHPIPE=5");
            }
            // conmon also drops its OOM marker ("oom") in its working directory: keep that in its own directory.
            int pid = Spawn.spawn(binary, argv, env, childFds, conmonLog, conmonLog.getParent());
            // Our copies of the child's ends must go, or EOF never comes.
            childFds.values().forEach(fds::close);
            fds.close(sync.writeEnd());
            fds.close(start.readEnd());
            if (attach != null) {
                fds.close(attach.writeEnd());
            }
            Fds.write(start.writeEnd(), new byte[] {0});
            int rc = Spawn.waitFor(pid);
            if (rc != 0) {
                throw new Unavailable("conmon exited with " + rc + ": " + tail(conmonLog));
            }
            if (attach != null) {
                // {"data": 0} once the attach socket listens; the set closes this end
                new SyncPipe(attach.readEnd(), conmonLog).next(SYNC_TIMEOUT_MILLIS);
                beforeExec.run();
                Fds.write(start.writeEnd(), new byte[] {0});
            }
            return new SyncPipe(fds.release(sync.readEnd()), conmonLog);
        } catch (SysException e) {
            throw new Unavailable("cannot run conmon: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code process} (an OCI process object, e.g. {@link ExecSession#processFor}) in the running container
     * {@code containerId} under its own conmon, detached: its output only goes to the session's log. The session's
     * directory ({@code exec/<session>/} in the run dir) holds its bundle, its log ({@code exec.log}, k8s-file) and
     * its control FIFO; {@link ExecSession#awaitExit} gives its exit code.
     *
     * @throws berth.oci.errors.CannotInvoke when the command is missing or not executable
     */
    public ExecSession exec(String containerId, String sessionId, JsonNode process, OciRuntime runtime) {
        return exec(containerId, sessionId, process, runtime, false, null);
    }

    /**
     * Like {@link #exec(String, String, JsonNode, OciRuntime)}, attached when {@code output} is given: the session's
     * attach socket is connected before the process starts, so all of its output reaches {@code output}; with
     * {@code stdin} the process reads what {@link AttachSocket#writeStdin} sends until {@link AttachSocket#closeStdin}.
     */
    public ExecSession exec(String containerId, String sessionId, JsonNode process, OciRuntime runtime, boolean stdin,
                            AttachSocket.Listener output) {
        Path dir = runDir.resolve("exec").resolve(sessionId);
        Path spec = dir.resolve("process.json");
        try {
            Files.createDirectories(dir.resolve("exits"));
            Files.write(spec, Json.MAPPER.writeValueAsBytes(process));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> argv = new ArrayList<>(List.of(binary.toString(), "--api-version", "1",
                "-c", containerId, "-u", sessionId, "-n", containerId, "-r", runtime.executable().toString(),
                "-b", dir.toString(), "-p", dir.resolve("pidfile").toString(),
                "-P", dir.resolve("conmon.pid").toString(),
                "--exit-dir", dir.resolve("exits").toString(),
                "--socket-dir-path", runDir.resolve("sockets").toString(), "--full-attach",
                "-l", "k8s-file:" + dir.resolve("exec.log"), "--log-level", "warning",
                "--exec", "--exec-process-spec", spec.toString()));
        for (String a : runtime.globalArgs()) {
            argv.add("--runtime-arg=" + a);
        }
        if (process.path("terminal").asBoolean(false)) {
            argv.add("-t");
        }
        if (stdin) {
            argv.add("-i");
        }
        AttachSocket[] attached = new AttachSocket[1];
        Runnable attach = null;
        if (output != null) {
            argv.add("--exec-attach");
            attach = () -> attached[0] = AttachSocket.connect(dir, sessionId, output);
        }
        Path conmonLog = dir.resolve("conmon.log");
        SyncPipe sync = null;
        try {
            sync = launch(argv, conmonLog, attach);
            JsonNode answer = sync.next(SYNC_TIMEOUT_MILLIS);
            int pid = answer.path("data").asInt(-1);
            if (pid <= 0) {
                throw classify(runtime.name() + " exec", message(answer, conmonLog));
            }
            return new ExecSession(sessionId, dir, pid, sync, attached[0]);
        } catch (RuntimeException e) {
            if (attached[0] != null) {
                attached[0].close();
            }
            if (sync != null) {
                sync.close();
            }
            deleteTree(dir);
            throw e;
        }
    }

    /** The error a failed create or exec means to a user; crun and runc messages both end with the cause. */
    static EngineException classify(String what, String message) {
        String clean = message.strip();
        return OciRuntime.classify(what + ": " + clean, clean);
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
        synchronized (LAST_CONTROL) {
            Path fifo = bundle.resolve("ctl");
            long now = System.nanoTime();
            LAST_CONTROL.values().removeIf(at -> now - at > CONTROL_GAP_NANOS);
            Long last = LAST_CONTROL.get(fifo);
            if (last != null) {
                sleepNanos(CONTROL_GAP_NANOS - (now - last));
            }
            int fd;
            try {
                fd = Fds.open(fifo, Fds.O_WRONLY | Fds.O_NONBLOCK | Fds.O_CLOEXEC, 0);
            } catch (SysException e) {
                throw new berth.oci.errors.Conflict("container is not running (no conmon control fifo): "
                        + e.getMessage());
            }
            try {
                Fds.write(fd, line.getBytes(StandardCharsets.US_ASCII));
            } finally {
                Fds.close(fd);
                LAST_CONTROL.put(fifo, System.nanoTime());
            }
        }
    }

    private static void sleepNanos(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Removes what conmon left for {@code id} (persist dir, exit file) once the engine recorded the exit. */
    public void cleanup(String id) {
        try {
            Files.deleteIfExists(exitDir().resolve(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        deleteTree(persistDir(id));
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
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
