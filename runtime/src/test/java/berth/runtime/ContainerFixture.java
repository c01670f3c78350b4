package berth.runtime;

import berth.oci.container.ContainerConfig;
import berth.oci.container.HostConfig;
import berth.runtime.spec.ContainerSpecInput;
import berth.runtime.spec.SpecGenerator;
import berth.sys.Signals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Real containers for tests: a busybox root filesystem built from the host's /bin/busybox, a private runtime state
 * root and run dir, and clean-up of every container made (runtime delete -f, conmon killed) even after a failure.
 */
final class ContainerFixture implements AutoCloseable {
    static final List<String> APPLETS = List.of("sh", "echo", "sleep", "cat", "true", "false", "id", "ls", "printf",
            "env", "head", "tr", "wc");

    final Path work;
    final Path rootfs;
    final Host host;
    final OciRuntime runtime;
    final Conmon conmon;
    final SpecGenerator generator;
    final ExitWatcher watcher;
    private final List<String> made = new ArrayList<>();

    ContainerFixture() throws IOException {
        this(null);
    }

    /** Containers of runtime {@code runtimeName} (the host's default when null). */
    ContainerFixture(String runtimeName) throws IOException {
        work = Files.createTempDirectory(Path.of("/tmp"), "brt");
        rootfs = work.resolve("rootfs");
        buildRootfs(rootfs);
        try {
            host = new HostSetup(true).prepare();
        } catch (RuntimeException e) {
            deleteTree(work);
            throw e;
        }
        runtime = new OciRuntime(runtimeName == null ? host.defaultRuntime() : runtimeName, host.runtime(runtimeName),
                work.resolve("state"));
        conmon = new Conmon(host.conmon(), work.resolve("run"));
        generator = new SpecGenerator(host);
        watcher = new ExitWatcher(conmon, e -> {});
    }

    static void buildRootfs(Path rootfs) throws IOException {
        Files.createDirectories(rootfs.resolve("bin"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.createDirectories(rootfs.resolve("tmp"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
        for (String a : APPLETS) {
            Files.createSymbolicLink(rootfs.resolve("bin").resolve(a), Path.of("busybox"));
        }
        Files.writeString(rootfs.resolve("etc/passwd"),
                "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\napp:x:1000:\nstaff:x:50:app\nnogroup:x:65534:\n");
    }

    String newId() {
        String id = "brt-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        made.add(id);
        return id;
    }

    Path bundle(String id) {
        return work.resolve("c").resolve(id);
    }

    Path log(String id) {
        return bundle(id).resolve("ctr.log");
    }

    /** Writes the bundle and creates the container under conmon (not started). */
    Conmon.Created create(String id, List<String> args, ContainerConfig cfg, HostConfig hc) {
        ContainerSpecInput in = ContainerSpecInput.of(id, rootfs, args, cfg, hc);
        generator.writeBundle(in, bundle(id));
        return conmon.create(new Conmon.Request(id, id, bundle(id), log(id), cfg.isTty(), cfg.isOpenStdin(),
                runtime, -1));
    }

    static ContainerConfig config(boolean tty, boolean stdin) {
        return new ContainerConfig(null, null, null, null, null, null, null, tty, stdin, null, null, null, null,
                null, null, null, null, null, null, null, null);
    }

    @Override
    public void close() throws IOException {
        for (String id : made) {
            int conmonPid = conmon.conmonPid(id);
            try {
                runtime.delete(id, true);
            } catch (RuntimeException e) {
                // best effort
            }
            if (conmonPid > 0) {
                Signals.kill(conmonPid, Signals.SIGKILL);
            }
            conmon.cleanup(id);
        }
        watcher.close();
        deleteTree(work);
    }

    private static void deleteTree(Path work) throws IOException {
        try (Stream<Path> walk = Files.walk(work)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a socket or fifo still in use; the temp dir is harmless
                }
            }
        }
    }
}
