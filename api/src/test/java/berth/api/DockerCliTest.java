package berth.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real docker CLI against the API server and {@link ScriptedEngine}: what users run must work. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DockerCliTest {
    private static final Path DOCKER = Path.of("/usr/local/bin/docker");

    @TempDir
    Path dir;
    Path socket;
    ScriptedEngine engine;
    ApiServer server;

    record Result(int exit, String stdout, String stderr) {}

    @BeforeEach
    void start() {
        assumeTrue(Files.isExecutable(DOCKER), "docker CLI not installed");
        socket = dir.resolve("berth.sock");
        engine = new ScriptedEngine();
        server = new ApiServer(engine, List.of("unix://" + socket), "0.1.0-test");
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Result docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(DOCKER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("DOCKER_HOST", "unix://" + socket);
        pb.environment().put("DOCKER_CONFIG", dir.resolve("docker-config").toString());
        pb.environment().remove("DOCKER_CONTEXT");
        pb.environment().remove("DOCKER_API_VERSION");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("docker " + String.join(" ", args) + " hung; calls: " + engine.calls);
        }
        return new Result(p.exitValue(), out.join(), err.join());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void versionNegotiatesAndShowsTheServer() throws Exception {
        Result r = docker("version", "--format", "{{.Server.Version}} {{.Server.APIVersion}} {{.Client.APIVersion}}");
        assertEquals(0, r.exit(), r.stderr());
        String[] parts = r.stdout().strip().split(" ");
        assertEquals("0.1.0-test", parts[0]);
        assertEquals("1.51", parts[1]);
        assertTrue(parts[2].startsWith("1.5"), "negotiated " + parts[2]);
    }

    @Test
    void psPrintsTheScriptedRows() throws Exception {
        Result r = docker("ps");
        assertEquals(0, r.exit(), r.stderr());
        String[] lines = r.stdout().strip().split("\n");
        assertEquals(2, lines.length, r.stdout());
        assertTrue(lines[0].startsWith("CONTAINER ID"), lines[0]);
        assertTrue(lines[1].startsWith("a".repeat(12)), lines[1]);
        assertTrue(lines[1].contains("nginx:latest") && lines[1].contains("Up About a minute")
                && lines[1].endsWith("web"), lines[1]);
        Result all = docker("ps", "-a", "--filter", "status=running", "--format", "{{.Names}}");
        assertEquals("web", all.stdout().strip());
        assertTrue(engine.calls.contains("ps all=true limit=-1 filters={status=[running]}"), engine.calls.toString());
    }

    @Test
    void inspectOfAMissingContainerFailsWithDockersMessage() throws Exception {
        Result r = docker("container", "inspect", "x");
        assertEquals(1, r.exit());
        assertTrue(r.stderr().contains("Error response from daemon: No such container: x"), r.stderr());
    }

    @Test
    void runAttachesWaitsStartsAndExitsWithTheWaitStatus() throws Exception {
        Result r = docker("run", "--rm", "img", "echo", "hi");
        assertEquals("hi\n", r.stdout(), r.stderr() + " calls: " + engine.calls);
        assertEquals(3, r.exit(), r.stderr());
        List<String> lifecycle = engine.calls.stream()
                .filter(c -> c.startsWith("create") || c.startsWith("attach") || c.startsWith("wait")
                        || c.startsWith("start"))
                .toList();
        // the CLI sends attach and wait side by side, both before start
        assertEquals(4, lifecycle.size(), lifecycle.toString());
        assertEquals("create name=null image=img cmd=[echo, hi] autoRemove=true", lifecycle.get(0));
        assertTrue(lifecycle.subList(1, 3).containsAll(List.of(
                "attach " + ScriptedEngine.RUN_ID + " stdin=false stdout=true stream=true",
                "wait " + ScriptedEngine.RUN_ID + " removed")), lifecycle.toString());
        assertEquals("start " + ScriptedEngine.RUN_ID, lifecycle.get(3));
    }

    @Test
    void logsDemultiplexesStdoutAndStderr() throws Exception {
        Result r = docker("logs", "--tail", "10", "web");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals("out line\n", r.stdout());
        assertEquals("err line\n", r.stderr());
        assertTrue(engine.calls.contains(
                "logs " + ScriptedEngine.WEB_ID + " follow=false tail=10 since=0 timestamps=false"),
                engine.calls.toString());
    }

    @Test
    void stopOfAMissingContainerAndStartOfAStartedOne() throws Exception {
        Result missing = docker("stop", "nope");
        assertEquals(1, missing.exit());
        assertTrue(missing.stderr().contains("No such container: nope"), missing.stderr());
        Result started = docker("start", "c1");
        assertEquals(0, started.exit(), started.stderr());
        assertEquals("c1", started.stdout().strip());
    }

    @Test
    void imagesListsTheScriptedImage() throws Exception {
        Result r = docker("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals("img:latest " + "2".repeat(12), r.stdout().strip());
    }

    @Test
    void interactiveRunSendsStdinAndItsEndReachesTheContainer() throws Exception {
        Path input = dir.resolve("stdin.txt");
        Files.writeString(input, "typed text");
        List<String> command = List.of(DOCKER.toString(), "run", "-i", "img", "cat");
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(input.toFile());
        pb.environment().put("DOCKER_HOST", "unix://" + socket);
        pb.environment().put("DOCKER_CONFIG", dir.resolve("docker-config").toString());
        engine.runOutput = null;
        // the scripted session answers "bye" on stderr when stdin closes, then ends
        Process p = pb.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        assertTrue(engine.stdinClosed.await(20, TimeUnit.SECONDS), "closeStdin not reached; " + engine.calls);
        assertEquals("typed text", engine.stdinText());
        // stdin may end before the CLI has sent wait and start; the exit is only due after start
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (engine.calls.stream().noneMatch(c -> c.startsWith("start ")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        engine.waiters.values().forEach(w -> w.complete(new berth.engine.model.WaitResponse(0, null)));
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals("bye", err.join());
        assertEquals("", out.join());
        assertEquals(0, p.exitValue());
    }
}
