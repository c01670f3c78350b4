package berth.engine;

import berth.engine.container.ContainerDoc;
import berth.engine.container.LiveContainer;
import berth.engine.model.ExecConfig;
import berth.engine.model.ExecInspect;
import berth.oci.Ids;
import berth.oci.Json;
import berth.oci.errors.Conflict;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;
import berth.runtime.ExecSession;
import berth.runtime.OciRuntime;
import berth.runtime.spec.UserResolver;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * {@code docker exec}: a process started in a running container's namespaces by the OCI runtime's own
 * {@code exec}, with the container's process settings (capabilities, seccomp, env) and the exec's overrides.
 * The runtime process's pipes carry stdin, stdout and stderr; its exit status is the exec's.
 */
final class ExecService {
    private final ContainerService containers;
    private final Map<String, Exec> execs = new ConcurrentHashMap<>();

    /** One exec: created, then running, then ended with an exit code. */
    private static final class Exec {
        final String id;
        final String containerId;
        final ExecConfig config;
        volatile boolean running;
        volatile Integer exitCode;
        volatile int pid;
        volatile boolean started;

        Exec(String id, String containerId, ExecConfig config) {
            this.id = id;
            this.containerId = containerId;
            this.config = config;
        }
    }

    ExecService(ContainerService containers) {
        this.containers = containers;
    }

    String create(String container, ExecConfig config) {
        LiveContainer c = containers.find(container);
        ContainerDoc doc = c.doc();
        if (config == null || config.cmd() == null || config.cmd().isEmpty()) {
            throw new InvalidArgument("No exec command specified");
        }
        if (doc.state().status().equals("paused")) {
            throw new Conflict("Container " + doc.id() + " is paused, unpause the container before exec");
        }
        if (!doc.state().status().equals("running")) {
            throw new Conflict("Container " + doc.id() + " is not running");
        }
        String id = Ids.newId();
        execs.put(id, new Exec(id, doc.id(), config));
        containers.publish(doc, "exec_create: " + String.join(" ", config.cmd()), Map.of("execID", id));
        return id;
    }

    List<String> idsOf(String containerId) {
        return execs.values().stream().filter(e -> e.containerId.equals(containerId)).map(e -> e.id).toList();
    }

    Session start(String execId, boolean detach, boolean tty, OutputSink out) {
        Exec exec = find(execId);
        synchronized (exec) {
            if (exec.started) {
                throw new Conflict("Exec " + execId + " has already been started");
            }
            exec.started = true;
        }
        LiveContainer c = containers.find(exec.containerId);
        ContainerDoc doc = c.doc();
        if (!doc.state().status().equals("running")) {
            throw new Conflict("Container " + doc.id() + " is not running");
        }
        Process process = launch(exec, doc);
        exec.pid = (int) process.pid();
        exec.running = true;
        containers.publish(doc, "exec_start: " + String.join(" ", exec.config.cmd()), Map.of("execID", execId));
        boolean attachStdin = !detach && Boolean.TRUE.equals(exec.config.attachStdin());
        if (!attachStdin) {
            closeQuietly(process.getOutputStream());
        }
        CountDownLatch pumps = new CountDownLatch(2);
        pump(process.getInputStream(), OutputSink.StdStream.STDOUT, detach ? null : out, pumps);
        pump(process.getErrorStream(), OutputSink.StdStream.STDERR, detach ? null : out, pumps);
        Thread.ofVirtual().start(() -> {
            try {
                int code = process.waitFor();
                pumps.await();
                exec.exitCode = code;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exec.running = false;
                containers.publish(doc, "exec_die", Map.of("execID", execId,
                        "exitCode", String.valueOf(exec.exitCode)));
                if (!detach) {
                    out.close();
                }
            }
        });
        if (detach) {
            return null;
        }
        OutputStream stdin = process.getOutputStream();
        return new Session() {
            @Override
            public void writeStdin(byte[] data, int offset, int length) {
                if (attachStdin) {
                    try {
                        stdin.write(data, offset, length);
                        stdin.flush();
                    } catch (IOException e) {
                        // the process closed its stdin
                    }
                }
            }

            @Override
            public void closeStdin() {
                closeQuietly(stdin);
            }

            @Override
            public void detach() {
                closeQuietly(stdin);
            }
        };
    }

    private Process launch(Exec exec, ContainerDoc doc) {
        ExecConfig cfg = exec.config;
        Path bundle = containers.bundle(doc.id());
        ObjectNode process = ExecSession.processFor(bundle, cfg.cmd(), false,
                cfg.env() == null ? List.of() : cfg.env(), cfg.workingDir());
        if (cfg.user() != null && !cfg.user().isEmpty()) {
            UserResolver.ResolvedUser user = UserResolver.resolve(Path.of(doc.rootfs()), cfg.user(), List.of());
            ObjectNode u = process.putObject("user");
            u.put("uid", user.uid());
            u.put("gid", user.gid());
            var gids = u.putArray("additionalGids");
            user.additionalGids().forEach(gids::add);
        }
        if (Boolean.TRUE.equals(cfg.privileged())) {
            process.remove("capabilities");
            process.put("noNewPrivileges", false);
        }
        OciRuntime runtime = containers.runtimeOf(doc);
        Path spec = bundle.resolve("exec-" + exec.id + ".json");
        List<String> command = new ArrayList<>();
        command.add(runtime.binary().toString());
        command.addAll(runtime.globalArgs());
        command.addAll(List.of("exec", "--process", spec.toString(), doc.id()));
        try {
            Files.write(spec, Json.write(process));
            Process p = new ProcessBuilder(command).start();
            Thread.ofVirtual().start(() -> {
                try {
                    p.waitFor();
                    Files.deleteIfExists(spec);
                } catch (IOException | InterruptedException e) {
                    // a leftover spec file is removed with the container
                }
            });
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pump(InputStream in, OutputSink.StdStream stream, OutputSink out, CountDownLatch done) {
        Thread.ofVirtual().start(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (in) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (out != null) {
                        out.write(stream, buffer, 0, n);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process or the client went away
            } finally {
                done.countDown();
            }
        });
    }

    void resize(String execId, int height, int width) {
        find(execId);
    }

    ExecInspect inspect(String execId) {
        Exec exec = find(execId);
        ExecConfig cfg = exec.config;
        List<String> cmd = cfg.cmd();
        return new ExecInspect(exec.id, exec.running, exec.exitCode, Boolean.TRUE.equals(cfg.attachStdin()),
                Boolean.TRUE.equals(cfg.attachStderr()), Boolean.TRUE.equals(cfg.attachStdout()), exec.containerId,
                exec.pid, new ExecInspect.ProcessConfig(Boolean.TRUE.equals(cfg.tty()), cmd.getFirst(), cmd.subList(1, cmd.size()),
                Boolean.TRUE.equals(cfg.privileged()), cfg.user() == null ? "" : cfg.user()));
    }

    private Exec find(String execId) {
        Exec exec = execs.get(execId);
        if (exec == null) {
            throw new NotFound("No such exec instance: " + execId);
        }
        return exec;
    }

    private static void closeQuietly(OutputStream stream) {
        try {
            stream.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
