package berth.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    record Result(int code, String out, String err) {}

    static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static FakeDaemon daemon(Path dir, Function<FakeDaemon.Request, byte[]> handler) throws Exception {
        return new FakeDaemon(dir.resolve("d.sock"), r -> r.target().equals("/_ping") ? FakeDaemon.json(200, "") : handler.apply(r));
    }

    @Test
    void unreachableDaemonIsOneLineAndExitOne(@TempDir Path dir) {
        String host = "unix://" + dir.resolve("none.sock");
        Result r = run(Map.of("BERTH_HOST", host), "ps");
        assertEquals(1, r.code());
        assertEquals("Cannot connect to the Berth daemon at " + host + ". Is berthd running?\n", r.err());
    }

    @Test
    void unknownFlagsExit125WithUsage() {
        Result r = run(Map.of(), "ps", "--bogus");
        assertEquals(125, r.code());
        assertEquals("unknown flag: --bogus\n\nUsage:  berth ps [OPTIONS]\n\nRun 'berth ps --help' for more information\n", r.err());
        assertEquals(1, run(Map.of(), "frobnicate").code());
        Result missing = run(Map.of(), "container", "rm");
        assertEquals(1, missing.code());
        assertTrue(missing.err().startsWith("berth: 'berth container rm' requires at least 1 argument\n"), missing.err());
    }

    @Test
    void invalidRunFlagsExit125BeforeAnyCall() {
        Result r = run(Map.of("BERTH_HOST", "unix:///nonexistent.sock"), "run", "-m", "64x", "busybox");
        assertEquals(125, r.code());
        assertTrue(r.err().startsWith("invalid argument \"64x\" for \"-m, --memory\" flag: invalid suffix: 'x'\n"), r.err());
    }

    @Test
    void psNegotiatesTheVersionAndPrintsDockersTable(@TempDir Path dir) throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String list = "[{\"Id\":\"4f66ad9a0b2e8a1f0000\",\"Names\":[\"/web\"],\"Image\":\"busybox\",\"Command\":\"sleep 1000000000000000\","
                + "\"Created\":" + (now - 3) + ",\"State\":\"running\",\"Status\":\"Up 2 seconds\",\"Ports\":[],\"Labels\":{\"a\":\"b\"}}]";
        try (FakeDaemon d = daemon(dir, r -> FakeDaemon.json(200, list))) {
            Result r = run(Map.of("BERTH_HOST", d.host()), "ps", "-a", "--filter", "status=running");
            assertEquals(0, r.code(), r.err());
            assertEquals("""
                    CONTAINER ID   IMAGE     COMMAND                  CREATED         STATUS         PORTS     NAMES
                    4f66ad9a0b2e   busybox   "sleep 1000000000000…"   3 seconds ago   Up 2 seconds             web
                    """, r.out());
            assertEquals("/v1.45/containers/json?all=1&filters=%7B%22status%22%3A%7B%22running%22%3Atrue%7D%7D", d.requests.get(1).target());
            Result f = run(Map.of("BERTH_HOST", d.host()), "ps", "--format", "{{.Names}}\\t{{.Label \"a\"}}");
            assertEquals("web\tb\n", f.out());
            assertEquals("4f66ad9a0b2e\n", run(Map.of("BERTH_HOST", d.host()), "ps", "-q").out());
        }
    }

    @Test
    void daemonErrorsArePrintedAsDockerDoes(@TempDir Path dir) throws Exception {
        try (FakeDaemon d = daemon(dir, r -> FakeDaemon.json(404, "{\"message\":\"No such container: nope\"}"))) {
            Result r = run(Map.of("BERTH_HOST", d.host()), "rm", "-f", "nope", "nope2");
            assertEquals(1, r.code());
            assertEquals("Error response from daemon: No such container: nope\nError response from daemon: No such container: nope\n", r.err());
            Result i = run(Map.of("BERTH_HOST", d.host()), "inspect", "nope");
            assertEquals("[]\n", i.out());
            assertEquals("Error: No such object: nope\n", i.err());
        }
    }

    @Test
    void runCreatesAttachesWaitsStartsAndExitsWithTheStatus(@TempDir Path dir) throws Exception {
        byte[] frames = FakeDaemon.concat(frame(1, "hello\n"), frame(2, "oops\n"));
        try (FakeDaemon d = daemon(dir, r -> {
            String t = r.target();
            if (t.startsWith("/v1.45/containers/create")) {
                return FakeDaemon.json(201, "{\"Id\":\"c1\",\"Warnings\":[]}");
            } else if (t.startsWith("/v1.45/containers/c1/attach")) {
                return FakeDaemon.concat("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
                        .getBytes(StandardCharsets.UTF_8), frames);
            } else if (t.startsWith("/v1.45/containers/c1/wait")) {
                return FakeDaemon.json(200, "{\"StatusCode\":3,\"Error\":null}");
            }
            return FakeDaemon.json(204, "");
        })) {
            Result r = run(Map.of("BERTH_HOST", d.host()), "run", "--rm", "--name", "x", "busybox", "sh", "-c", "exit 3");
            assertEquals(3, r.code(), r.err());
            assertEquals("hello\n", r.out());
            assertEquals("oops\n", r.err());
            assertEquals("/v1.45/containers/create?name=x", d.requests.get(1).target());
            assertTrue(d.requests.get(1).body().contains("\"Cmd\":[\"sh\",\"-c\",\"exit 3\"]"));
            // the attach and the wait go out together on two connections, in either order, both before the start
            int attach = indexOf(d, "/v1.45/containers/c1/attach?stream=1&stdout=1&stderr=1");
            int wait = indexOf(d, "/v1.45/containers/c1/wait?condition=removed");
            int start = indexOf(d, "/v1.45/containers/c1/start");
            assertTrue(attach >= 2 && attach < start, "attach is sent after create, before start: " + d.requests);
            assertTrue(wait >= 2 && wait < start, "wait is sent after create, before start: " + d.requests);
        }
    }

    @Test
    void runMapsStartErrorsTo127(@TempDir Path dir) throws Exception {
        try (FakeDaemon d = daemon(dir, r -> {
            String t = r.target();
            if (t.startsWith("/v1.45/containers/create")) {
                return FakeDaemon.json(201, "{\"Id\":\"c1\"}");
            } else if (t.contains("/start")) {
                return FakeDaemon.json(400, "{\"message\":\"exec: \\\"nope\\\": executable file not found in $PATH\"}");
            }
            return FakeDaemon.json(200, "{\"StatusCode\":0}");
        })) {
            Result r = run(Map.of("BERTH_HOST", d.host()), "run", "-d", "busybox", "nope");
            assertEquals(127, r.code());
            assertEquals("berth: Error response from daemon: exec: \"nope\": executable file not found in $PATH\n", r.err());
        }
    }

    @Test
    void missingImageIsReportedWith125(@TempDir Path dir) throws Exception {
        try (FakeDaemon d = daemon(dir, r -> FakeDaemon.json(404, "{\"message\":\"No such image: busybox:latest\"}"))) {
            Result r = run(Map.of("BERTH_HOST", d.host()), "run", "busybox");
            assertEquals(125, r.code());
            assertTrue(r.err().startsWith("Unable to find image 'busybox:latest' locally\nberth: Error response from daemon: No such image"), r.err());
        }
    }

    private static int indexOf(FakeDaemon d, String target) {
        for (int i = 0; i < d.requests.size(); i++) {
            if (d.requests.get(i).target().equals(target)) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] frame(int stream, String s) {
        byte[] p = s.getBytes(StandardCharsets.UTF_8);
        byte[] f = new byte[8 + p.length];
        f[0] = (byte) stream;
        f[7] = (byte) p.length;
        System.arraycopy(p, 0, f, 8, p.length);
        return f;
    }
}
