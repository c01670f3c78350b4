package berth.it;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private dockerd (Debian's docker.io 20.10) driven by the docker CLI: its socket, data root, exec root, pidfile,
 * client config and the containerd it starts for itself all lie under one temporary directory, its containers under
 * a cgroup parent of that directory's name; no default bridge and no iptables rules. It shares nothing with a
 * system docker or another test's daemon. Closing it stops it and whatever it started, and removes its state.
 */
final class Dockerd implements AutoCloseable {
    /** The docker CLI the tests use, not Debian's older one that docker.io brings along. */
    static final String CLI = "/usr/local/bin/docker";
    private static final Path CGROUPS = Path.of("/sys/fs/cgroup");
    /** containerd 1.6 puts its shims' sockets here whatever its state directory. */
    private static final Path SHIM_SOCKETS = Path.of("/run/containerd/s");
    /** dockerd 20.10 makes its identity key here at the first start and has no option to move it. */
    private static final Path KEY = Path.of("/etc/docker/key.json");

    private final Path base;
    private final String cgroupParent;
    private final boolean hadContainerdRun;
    private final boolean hadKey;
    private Process process;

    private Dockerd(Path base) {
        this.base = base;
        this.cgroupParent = base.getFileName().toString();
        this.hadContainerdRun = Files.exists(SHIM_SOCKETS.getParent());
        this.hadKey = Files.exists(KEY);
    }

    /** Starts a dockerd on fresh state, waits until it answers and imports {@code busybox:latest} into it. */
    static Dockerd startWithBusybox() throws Exception {
        Dockerd dockerd = new Dockerd(Files.createTempDirectory(Path.of("/tmp"), "berth-dockerd-"));
        try {
            dockerd.launch();
            dockerd.importBusybox();
        } catch (Exception e) {
            dockerd.close();
            throw e;
        }
        return dockerd;
    }

    private String host() {
        return "unix://" + base.resolve("docker.sock");
    }

    private void launch() throws Exception {
        // Its own (empty) config file, so that /etc/docker/daemon.json is not read.
        Files.writeString(base.resolve("daemon.json"), "{}");
        Path log = base.resolve("dockerd.log");
        process = new ProcessBuilder("/usr/sbin/dockerd", "--host", host(),
                "--data-root", base.resolve("data").toString(), "--exec-root", base.resolve("run").toString(),
                "--pidfile", base.resolve("dockerd.pid").toString(),
                "--config-file", base.resolve("daemon.json").toString(), "--storage-driver", "overlay2",
                "--cgroup-parent", "/" + cgroupParent, "--bridge", "none", "--iptables=false", "--ip-masq=false",
                "--ip-forward=false")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (docker("version").exit() != 0) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("dockerd did not start: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
        // With a system containerd listening on its default socket, dockerd would use that one instead.
        if (!Files.readString(log).contains("libcontainerd: started new containerd process")) {
            throw new IllegalStateException("dockerd did not start a containerd of its own: " + Files.readString(log));
        }
    }

    /** Imports {@code busybox:latest}, made offline from busybox-static, (again). */
    void importBusybox() {
        String rootfs = base.resolve("busybox.tar").toString();
        ok(Daemon.run(List.of("bash", Daemon.REPO.resolve("scripts/busybox-rootfs.sh").toString(), "--tar", rootfs),
                null, host(), config(), base));
        ok(docker("import", "--change", "CMD [\"sh\"]", rootfs, "busybox:latest"));
    }

    private static void ok(Daemon.Result result) {
        if (result.exit() != 0) {
            throw new IllegalStateException("command failed: " + result);
        }
    }

    /** The docker CLI's configuration directory (DOCKER_CONFIG), where {@code docker login} stores credentials. */
    Path config() {
        return base.resolve("config");
    }

    Daemon.Result docker(String... args) {
        return dockerWithInput(null, args);
    }

    Daemon.Result dockerWithInput(String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(CLI));
        command.addAll(List.of(args));
        return Daemon.run(command, stdin, host(), config(), base);
    }

    @Override
    public void close() throws Exception {
        if (process != null) {
            // SIGTERM: dockerd stops its containers, then its containerd, and unmounts its data root.
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
        // What a dockerd that was killed or hung leaves running: the processes of its containers (in its cgroup
        // parent), then its containerd and the shims (named by paths under its directory), which on SIGTERM remove
        // their sockets from /run/containerd/s.
        for (Path parent : cgroupParents()) {
            try (Stream<Path> procs = Files.walk(parent)) {
                for (Path list : procs.filter(p -> p.endsWith("cgroup.procs")).toList()) {
                    Files.readAllLines(list).forEach(pid -> ProcessHandle.of(Long.parseLong(pid))
                            .ifPresent(p -> end(p, true)));
                }
            }
        }
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(base.toString()))
                .forEach(p -> end(p, false));
        TestFiles.unmountAndDelete(base);
        for (Path parent : cgroupParents()) {
            try (Stream<Path> cgroups = Files.walk(parent)) {
                cgroups.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        if (!hadContainerdRun) {
            deleteIfEmpty(SHIM_SOCKETS);
            deleteIfEmpty(SHIM_SOCKETS.getParent());
        }
        if (!hadKey) {
            Files.deleteIfExists(KEY);
        }
    }

    /** This daemon's cgroup parent in each hierarchy that has it (cgroup v1's controllers, v2's unified tree). */
    private List<Path> cgroupParents() throws IOException {
        List<Path> parents = new ArrayList<>(List.of(CGROUPS.resolve(cgroupParent)));
        try (Stream<Path> hierarchies = Files.list(CGROUPS)) {
            hierarchies.map(h -> h.resolve(cgroupParent)).forEach(parents::add);
        }
        return parents.stream().filter(Files::isDirectory).toList();
    }

    /** SIGKILL, or SIGTERM first unless {@code force}. */
    private static void end(ProcessHandle process, boolean force) {
        if (!force) {
            process.destroy();
            if (exited(process)) {
                return;
            }
        }
        process.destroyForcibly();
        exited(process);
    }

    /** Waits up to 10 s: a process that outlived its parent stays a zombie until init reaps it. */
    private static boolean exited(ProcessHandle process) {
        return process.onExit().completeOnTimeout(null, 10, TimeUnit.SECONDS).join() != null;
    }

    /** Removes a directory another daemon may be using too: only when nothing is left in it. */
    private static void deleteIfEmpty(Path dir) throws IOException {
        try {
            Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException inUse) {
            // Another containerd's shim has its socket there.
        }
    }
}
