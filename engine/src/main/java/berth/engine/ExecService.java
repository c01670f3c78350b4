package berth.engine;

import berth.engine.container.ContainerDoc;
import berth.engine.model.ExecConfig;
import berth.engine.model.ExecInspect;
import berth.oci.Ids;
import berth.oci.errors.Conflict;
import berth.oci.errors.EngineException;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;
import berth.runtime.Conmon;
import berth.runtime.ExecSession;
import berth.runtime.spec.Capabilities;
import berth.runtime.spec.UserResolver;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code docker exec}: a process started in a running container's namespaces under a conmon of its own
 * ({@link Conmon#exec}), which holds its stdio or pty, so an exec gets what the container gets: a real terminal
 * with resize, stdin up to EOF, and an exit code recorded before the client's stream ends (the docker CLI reads it
 * from {@code GET /exec/{id}/json} right after).
 */
final class ExecService {
    private static final System.Logger LOG = System.getLogger(ExecService.class.getName());
    /** docker waits this long for a session that is still starting before it gives up on a resize. */
    private static final long RESIZE_WAIT_SECONDS = 10;
    /** After the exit code, the rest of the output is already on the attach socket: a short wait covers it. */
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(5);
    /** docker forgets an ended exec after about five minutes. */
    private static final long KEEP_ENDED_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final ContainerService containers;
    private final Conmon conmon;
    private final Set<String> grantableCaps;
    private final Map<String, Exec> execs = new ConcurrentHashMap<>();

    /** One exec: created, then running, then ended with an exit code. */
    private static final class Exec {
        final String id;
        final String containerId;
        final ExecConfig config;
        /** Completes when the process runs (or could not start: null). */
        final CompletableFuture<ExecSession> session = new CompletableFuture<>();
        volatile boolean running;
        volatile Integer exitCode;
        volatile int pid;
        /** System.nanoTime() when it ended, 0 before. */
        volatile long endedAt;
        boolean started;

        Exec(String id, String containerId, ExecConfig config) {
            this.id = id;
            this.containerId = containerId;
            this.config = config;
        }

        boolean tty() {
            return Boolean.TRUE.equals(config.tty());
        }
    }

    /** {@code grantableCaps}: the daemon's bounding set, which a privileged exec gets whole. */
    ExecService(ContainerService containers, Conmon conmon, Set<String> grantableCaps) {
        this.containers = containers;
        this.conmon = conmon;
        this.grantableCaps = grantableCaps;
    }

    String create(String container, ExecConfig config) {
        ContainerDoc doc = containers.find(container).doc();
        if (config == null || config.cmd() == null || config.cmd().isEmpty()) {
            throw new InvalidArgument("No exec command specified");
        }
        requireRunning(doc);
        DetachKeys.parse(config.detachKeys());
        forgetOldExecs();
        String id = Ids.newId();
        execs.put(id, new Exec(id, doc.id(), config));
        containers.publish(doc, "exec_create: " + String.join(" ", config.cmd()), Map.of("execID", id));
        return id;
    }

    private static void requireRunning(ContainerDoc doc) {
        if (doc.state().status().equals("paused")) {
            throw new Conflict("Container " + doc.id() + " is paused, unpause the container before exec");
        }
        if (!doc.state().status().equals("running")) {
            throw new Conflict("Container " + doc.id() + " is not running");
        }
    }

    /** The container's execs that have not ended, as docker lists them in {@code ExecIDs}. */
    List<String> idsOf(String containerId) {
        return execs.values().stream().filter(e -> e.containerId.equals(containerId) && e.exitCode == null)
                .map(e -> e.id).toList();
    }

    /** Forgets execs that ended long ago; until then {@code GET /exec/{id}/json} still answers, as in docker. */
    private void forgetOldExecs() {
        long now = System.nanoTime();
        execs.values().removeIf(e -> e.endedAt != 0 && now - e.endedAt > KEEP_ENDED_NANOS);
    }

    /**
     * Starts the exec. Detached, it returns null once the process runs (a failure to start is thrown). Attached,
     * its output goes to {@code out} and a failure to start is written there as docker writes it, with the exit
     * code docker gives it.
     */
    Session start(String execId, boolean detach, boolean tty, OutputSink out) {
        Exec exec = find(execId);
        synchronized (exec) {
            if (exec.started) {
                throw new Conflict("Exec " + execId + " has already been started");
            }
            exec.started = true;
        }
        ContainerDoc doc = containers.find(exec.containerId).doc();
        try {
            requireRunning(doc);
        } catch (Conflict e) {
            exec.session.complete(null);
            exec.endedAt = System.nanoTime();
            throw e;
        }
        boolean stdin = !detach && Boolean.TRUE.equals(exec.config.attachStdin());
        ExecSession session;
        try {
            session = conmon.exec(doc.id(), exec.id, process(exec, doc), containers.runtimeOf(doc), stdin,
                    detach ? null : new ExecOutput(out));
        } catch (InvalidArgument e) {
            return failed(exec, doc, detach, e.getMessage(), 126, e, out);
        } catch (EngineException e) {
            ExecFailure failure = ExecFailure.of(exec.config.cmd().getFirst(), e);
            return failed(exec, doc, detach, failure.message(), failure.exitCode(), failure.error(), out);
        } catch (RuntimeException e) {
            exec.session.complete(null);
            throw e;
        }
        exec.pid = session.pid();
        exec.running = true;
        exec.session.complete(session);
        containers.publish(doc, "exec_start: " + String.join(" ", exec.config.cmd()), Map.of("execID", execId));
        // a platform thread: waiting for the exit is a blocking native read, which would pin a virtual thread's
        // carrier for as long as the process runs (two long execs would stall every virtual thread on 2 CPUs)
        Thread.ofPlatform().daemon().name("exec-" + execId)
                .start(() -> finish(exec, doc, session, detach ? null : out));
        if (detach) {
            return null;
        }
        // docker looks for the detach keys in a terminal's input only
        DetachKeys keys = stdin && tty ? DetachKeys.parse(exec.config.detachKeys()) : null;
        return new ExecStreams(session.attach().orElseThrow(), stdin, keys, out);
    }

    /** The process object: the container's, with the exec's command, terminal, env, cwd, user and privileges. */
    private ObjectNode process(Exec exec, ContainerDoc doc) {
        ExecConfig cfg = exec.config;
        ObjectNode process = ExecSession.processFor(containers.bundle(doc.id()), cfg.cmd(), exec.tty(),
                cfg.env() == null ? List.of() : cfg.env(), cfg.workingDir());
        if (exec.tty() && cfg.consoleSize() != null && cfg.consoleSize().size() == 2) {
            ExecSession.consoleSize(process, cfg.consoleSize().get(0), cfg.consoleSize().get(1));
        }
        if (cfg.user() != null && !cfg.user().isEmpty()) {
            UserResolver.ResolvedUser user = UserResolver.resolve(Path.of(doc.rootfs()), cfg.user(), List.of());
            ObjectNode u = process.putObject("user");
            u.put("uid", user.uid());
            u.put("gid", user.gid());
            var gids = u.putArray("additionalGids");
            user.additionalGids().forEach(gids::add);
        }
        if (Boolean.TRUE.equals(cfg.privileged())) {
            // as docker: every capability, whatever the container has (the runtime starts an exec from the host)
            ObjectNode caps = process.putObject("capabilities");
            List<String> all = Capabilities.effective(null, null, true, grantableCaps);
            for (String set : List.of("bounding", "effective", "permitted")) {
                all.forEach(caps.putArray(set)::add);
            }
        }
        return process;
    }

    /** A process that could not start: recorded with docker's exit code, and said to the client. */
    private Session failed(Exec exec, ContainerDoc doc, boolean detach, String message, int exitCode,
                           EngineException error, OutputSink out) {
        exec.exitCode = exitCode;
        exec.endedAt = System.nanoTime();
        exec.session.complete(null);
        containers.publish(doc, "exec_die", Map.of("execID", exec.id, "exitCode", String.valueOf(exitCode)));
        if (detach) {
            throw error;
        }
        // docker writes it on the stream it already upgraded, then the CLI reads the exit code
        byte[] text = (message + "\r\n").getBytes(StandardCharsets.UTF_8);
        out.write(OutputSink.StdStream.STDOUT, text, 0, text.length);
        out.close();
        return NO_INPUT;
    }

    /** Waits for the exit, lets the last output through, records the exit code, then ends the client's stream. */
    private void finish(Exec exec, ContainerDoc doc, ExecSession session, OutputSink out) {
        int code = -1;
        try {
            code = session.awaitExit();
            if (session.attach().isPresent()) {
                session.attach().get().awaitEnd(OUTPUT_DRAIN);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "exec " + exec.id + " ended without an exit code: " + e.getMessage());
        } finally {
            exec.exitCode = code;
            exec.running = false;
            exec.endedAt = System.nanoTime();
            containers.publish(doc, "exec_die", Map.of("execID", exec.id, "exitCode", String.valueOf(code)));
            session.close();
            try {
                session.remove();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "exec " + exec.id + " left its directory: " + e.getMessage());
            }
            if (out != null) {
                out.close();
            }
        }
    }

    /** {@code POST /exec/{id}/resize}: waits for a session still starting, as docker does; a no-op without a TTY. */
    void resize(String execId, int height, int width) {
        Exec exec = find(execId);
        ExecSession session;
        try {
            session = exec.session.get(RESIZE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new Conflict("timeout waiting for exec session ready");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Conflict("interrupted waiting for exec session ready");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        if (session != null && exec.running && exec.tty()) {
            try {
                Conmon.resize(session.dir(), height, width);
            } catch (Conflict ended) {
                // the process ended meanwhile: nothing left to resize
            }
        }
    }

    ExecInspect inspect(String execId) {
        Exec exec = find(execId);
        ExecConfig cfg = exec.config;
        List<String> cmd = cfg.cmd();
        return new ExecInspect(exec.id, exec.running, exec.exitCode, Boolean.TRUE.equals(cfg.attachStdin()),
                Boolean.TRUE.equals(cfg.attachStderr()), Boolean.TRUE.equals(cfg.attachStdout()), exec.containerId,
                exec.pid, new ExecInspect.ProcessConfig(exec.tty(), cmd.getFirst(), cmd.subList(1, cmd.size()),
                Boolean.TRUE.equals(cfg.privileged()), cfg.user() == null ? "" : cfg.user()));
    }

    private Exec find(String execId) {
        Exec exec = execs.get(execId);
        if (exec == null) {
            throw new NotFound("No such exec instance: " + execId);
        }
        return exec;
    }

    /** The session of an exec that never ran: the client's input goes nowhere. */
    private static final Session NO_INPUT = new Session() {
        @Override
        public void writeStdin(byte[] data, int offset, int length) {}

        @Override
        public void closeStdin() {}

        @Override
        public void detach() {}
    };
}
