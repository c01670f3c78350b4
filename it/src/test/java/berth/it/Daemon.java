package berth.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real berthd started from the build on a temporary root, exec root and socket, and the two clients that drive
 * it: the {@code berth} CLI and the docker CLI. Closing it removes every container it made, stops the daemon and
 * deletes its state.
 */
final class Daemon implements AutoCloseable {
    static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private final Path base;
    final Path root;
    final Path execRoot;
    final Path socket;
    /** This daemon's default bridge and its subnet, and where its user networks take theirs: its own, so that
     *  daemons of concurrent tests (and other engines on the host) never share an interface or addresses. */
    final String bridge;
    final String bip;
    final String addressPool;
    private Process process;
    private List<String> options = List.of();

    private Daemon(Path base) {
        this.base = base;
        this.root = base.resolve("root");
        this.execRoot = base.resolve("run");
        this.socket = execRoot.resolve("berth.sock");
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        this.bridge = "bt" + Integer.toHexString(random.nextInt(0x100000, 0x1000000));
        this.bip = "10." + random.nextInt(100, 200) + "." + random.nextInt(256) + ".1/24";
        this.addressPool = "base=10." + random.nextInt(200, 250) + "." + random.nextInt(16) * 16 + ".0/20,size=24";
    }

    /** Starts a daemon on fresh state and waits until it answers. */
    static Daemon start() throws Exception {
        Daemon daemon = new Daemon(Files.createTempDirectory(Path.of("/tmp"), "berth-it-"));
        daemon.launch();
        return daemon;
    }

    /** Starts a daemon on fresh state with more berthd options (besides its root, exec root and socket). */
    static Daemon startWith(String... options) throws Exception {
        Daemon daemon = new Daemon(Files.createTempDirectory(Path.of("/tmp"), "berth-it-"));
        daemon.options = List.of(options);
        daemon.launch();
        return daemon;
    }

    /** Starts a daemon on fresh state with {@code busybox:latest} imported. */
    static Daemon startWithBusybox() throws Exception {
        Daemon daemon = start();
        Result imported = daemon.run(List.of("bash", REPO.resolve("scripts/busybox-image.sh").toString(),
                "-H", daemon.host()), null);
        if (imported.exit() != 0) {
            daemon.close();
            throw new IllegalStateException("busybox import failed: " + imported);
        }
        return daemon;
    }

    String host() {
        return "unix://" + socket;
    }

    void launch() throws Exception {
        Files.createDirectories(execRoot);
        List<String> command = new ArrayList<>(List.of(REPO.resolve("bin/berthd").toString(), "--root",
                root.toString(), "--exec-root", execRoot.toString(), "--host", host(), "--bridge", bridge, "--bip", bip,
                "--default-address-pool", addressPool));
        command.addAll(options);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(base.resolve("berthd.log").toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("berthd exited: " + log());
            }
            if (Files.exists(socket) && berth("version").exit() == 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("berthd did not answer in 30 s: " + log());
    }

    /** Kills berthd with SIGKILL, leaving its containers running (live restore). */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    String log() {
        try {
            return Files.readString(base.resolve("berthd.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    Result berth(String... args) {
        return berthWithInput(null, args);
    }

    Result berthWithInput(String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(REPO.resolve("bin/berth").toString(), "-H", host()));
        command.addAll(List.of(args));
        return run(command, stdin);
    }

    Result docker(String... args) {
        return dockerWithInput(null, args);
    }

    Result dockerWithInput(String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(Dockerd.CLI));
        command.addAll(List.of(args));
        return run(command, stdin);
    }

    /**
     * Runs a bash script with both clients pointed at this daemon: {@code docker}, and {@code $BERTH} (unquoted)
     * for the berth CLI. For binary data through pipes and redirections, which {@link #run} cannot carry.
     */
    Result shell(String script) {
        return run(List.of("bash", "-c", "BERTH='" + REPO.resolve("bin/berth") + " -H " + host() + "'\n" + script), null);
    }

    /** {@code docker run --rm ARGS}, which must succeed; its stdout. */
    String dockerRunOk(String... args) {
        return succeeded(docker(runRm(args)));
    }

    /** {@code berth run --rm ARGS}, which must succeed; its stdout. */
    String berthRunOk(String... args) {
        return succeeded(berth(runRm(args)));
    }

    private static String[] runRm(String... args) {
        List<String> command = new ArrayList<>(List.of("run", "--rm"));
        command.addAll(List.of(args));
        return command.toArray(String[]::new);
    }

    private static String succeeded(Result result) {
        if (result.exit() != 0) {
            throw new AssertionError("command failed: " + result);
        }
        return result.stdout();
    }

    /** The same verb from either client: {@code client} is "docker" or "berth". */
    Result cli(String client, String... args) {
        return cliWithInput(client, null, args);
    }

    Result cliWithInput(String client, String stdin, String... args) {
        return switch (client) {
            case "docker" -> dockerWithInput(stdin, args);
            case "berth" -> berthWithInput(stdin, args);
            default -> throw new IllegalArgumentException("no such client: " + client);
        };
    }

    /** The command line that runs {@code client} against this daemon, for scripts run through {@link #shell}. */
    String commandOf(String client) {
        return client.equals("docker") ? "docker" : REPO.resolve("bin/berth") + " -H " + host();
    }

    Result run(List<String> command, String stdin) {
        return run(command, stdin, host(), base.resolve("docker-config"), base);
    }

    /**
     * Runs {@code command} with the docker CLI's DOCKER_HOST and DOCKER_CONFIG set and BERTH_HOST unset, its output
     * caught in files under {@code scratch}; for the clients of any daemon a test runs.
     */
    static Result run(List<String> command, String stdin, String dockerHost, Path dockerConfig, Path scratch) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            Map<String, String> env = builder.environment();
            env.put("DOCKER_HOST", dockerHost);
            env.put("DOCKER_CONFIG", dockerConfig.toString());
            env.remove("BERTH_HOST");
            // A shell's `docker` is the CLI the tests mean, whatever order PATH has (docker.io brings an older one).
            env.put("PATH", Path.of(Dockerd.CLI).getParent() + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
            Path out = Files.createTempFile(scratch, "out", ".txt");
            Path err = Files.createTempFile(scratch, "err", ".txt");
            builder.redirectOutput(out.toFile()).redirectError(err.toFile());
            if (stdin == null) {
                builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            }
            Process p = builder.start();
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            Result result = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            Files.delete(out);
            Files.delete(err);
            return result;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code check} until it holds or the timeout passes; for state that settles asynchronously. */
    static boolean eventually(Duration timeout, java.util.function.BooleanSupplier check) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return check.getAsBoolean();
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            Result ids = berth("ps", "-aq", "--no-trunc");
            for (String id : ids.stdout().split("\\s+")) {
                if (!id.isBlank()) {
                    berth("rm", "-f", id);
                }
            }
            // A test that failed half-way leaves its networks: their bridges and NAT rules would outlive the daemon.
            berth("network", "prune", "-f");
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        // The daemon's log outlives its state, for the failure a test reports.
        Path logs = REPO.resolve("it/target/berthd-logs");
        Files.createDirectories(logs);
        if (Files.exists(base.resolve("berthd.log"))) {
            Files.copy(base.resolve("berthd.log"), logs.resolve(base.getFileName() + ".log"));
        }
        TestFiles.unmountAndDelete(base);
    }

    /** A finished command: its exit code and what it printed. */
    record Result(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }
}
