package berth.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP protocol layer over a real unix socket, driven byte by byte, against {@link ScriptedEngine}. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HttpProtocolTest {
    @TempDir
    Path dir;
    Path socket;
    ScriptedEngine engine;
    ApiServer server;

    @BeforeEach
    void start() throws IOException {
        socket = dir.resolve("run/berth.sock");
        Files.createDirectories(socket.getParent());
        Files.writeString(socket, "stale");
        engine = new ScriptedEngine();
        server = new ApiServer(engine, List.of("unix://" + socket), "0.1.0-test");
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void socketIsCreatedWithMode0660ReplacingAStaleFile() throws IOException {
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
    }

    @Test
    void secondServerOnALiveSocketIsRefused() {
        ApiServer other = new ApiServer(engine, List.of("unix://" + socket), "x");
        RuntimeException e = assertThrows(RuntimeException.class, other::start);
        assertTrue(e.getMessage().contains("another daemon is listening"), e.getMessage());
    }

    @Test
    void tcpWithoutTlsIsRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ApiServer(engine, List.of("tcp://0.0.0.0:2375"), "x"));
        assertTrue(e.getMessage().contains("TLS"), e.getMessage());
    }

    @Test
    void pingAnswersOkWithDockersHeaders() throws IOException {
        RawClient.Response r = RawClient.exchange(socket, "GET", "/_ping", null);
        assertEquals(200, r.status());
        assertEquals("OK", r.text());
        assertEquals("1.51", r.header("Api-Version"));
        assertEquals("false", r.header("Docker-Experimental"));
        assertEquals("linux", r.header("OSType"));
        assertEquals("Berth/0.1.0-test", r.header("Server"));
        assertEquals("1", r.header("Builder-Version"));
        assertEquals("no-cache, no-store, must-revalidate", r.header("Cache-Control"));
        assertEquals("no-cache", r.header("Pragma"));

        RawClient.Response head = RawClient.exchange(socket, "HEAD", "/_ping", null);
        assertEquals(200, head.status());
        assertEquals("1.51", head.header("Api-Version"));
    }

    @Test
    void versionedAndUnversionedPathsReachTheSameRoute() throws IOException {
        for (String prefix : List.of("", "/v1.24", "/v1.41", "/v1.51")) {
            RawClient.Response r = RawClient.exchange(socket, "GET", prefix + "/containers/json?all=1&limit=2", null);
            assertEquals(200, r.status(), prefix);
            assertTrue(r.text().contains("\"Names\":[\"/web\"]"), r.text());
        }
        assertTrue(engine.calls.contains("ps all=true limit=2 filters={}"), engine.calls.toString());
    }

    @Test
    void tooNewAndTooOldVersionsAreRefused() throws IOException {
        RawClient.Response r = RawClient.exchange(socket, "GET", "/v1.99/version", null);
        assertEquals(400, r.status());
        assertEquals("{\"message\":\"client version 1.99 is too new. Maximum supported API version is 1.51\"}",
                r.text());
        assertEquals("1.51", r.header("Api-Version"));
        RawClient.Response old = RawClient.exchange(socket, "GET", "/v1.12/version", null);
        assertEquals(400, old.status());
        assertTrue(old.text().contains("client version 1.12 is too old"), old.text());
    }

    @Test
    void unknownRouteIsPageNotFound() throws IOException {
        for (String path : List.of("/nope", "/v1.41/containers/c1/frobnicate", "/containers")) {
            RawClient.Response r = RawClient.exchange(socket, "GET", path, null);
            assertEquals(404, r.status(), path);
            assertEquals("{\"message\":\"page not found\"}", r.text());
        }
        RawClient.Response wrongMethod = RawClient.exchange(socket, "PUT", "/containers/json", null);
        assertEquals(404, wrongMethod.status());
    }

    @Test
    void garbageJsonToPostEndpointsIs400WithAMessage() throws IOException {
        for (String path : List.of("/v1.51/containers/create?name=x", "/containers/c1/exec",
                "/exec/" + "e".repeat(64) + "/start")) {
            RawClient.Response r = RawClient.exchange(socket, "POST", path, "{\"Image\": \"img\", oops");
            assertEquals(400, r.status(), path + " " + r.text());
            assertTrue(r.text().startsWith("{\"message\":\"invalid JSON"), r.text());
        }
        RawClient.Response wrongType = RawClient.exchange(socket, "POST", "/containers/create",
                "{\"Image\": \"img\", \"Cmd\": {\"not\": \"a list\"}}");
        assertEquals(400, wrongType.status(), wrongType.text());
        RawClient.Response empty = RawClient.exchange(socket, "POST", "/containers/create", "");
        assertEquals(400, empty.status());
        assertFalse(engine.calls.stream().anyMatch(c -> c.startsWith("create") || c.startsWith("exec ")));
    }

    @Test
    void createParsesConfigAtTopLevelAndHostConfigNode() throws IOException {
        RawClient.Response r = RawClient.exchange(socket, "POST", "/v1.51/containers/create?name=web2",
                "{\"Image\":\"img\",\"Cmd\":[\"echo\",\"hi\"],\"HostConfig\":{\"AutoRemove\":true},"
                        + "\"NetworkingConfig\":{},\"Unknown\":1}");
        assertEquals(201, r.status(), r.text());
        assertEquals("{\"Id\":\"" + ScriptedEngine.RUN_ID + "\",\"Warnings\":[]}", r.text());
        assertTrue(engine.calls.contains("create name=web2 image=img cmd=[echo, hi] autoRemove=true"),
                engine.calls.toString());
    }

    @Test
    void engineErrorsMapToDockerStatuses() throws IOException {
        RawClient.Response missing = RawClient.exchange(socket, "POST", "/containers/nope/stop", null);
        assertEquals(404, missing.status());
        assertEquals("{\"message\":\"No such container: nope\"}", missing.text());
        RawClient.Response notModified = RawClient.exchange(socket, "POST", "/containers/c1/start", null);
        assertEquals(304, notModified.status());
        assertEquals(0, notModified.body().length);
        RawClient.Response started = RawClient.exchange(socket, "POST", "/containers/web/start", null);
        assertEquals(204, started.status());
        RawClient.Response badInt = RawClient.exchange(socket, "POST", "/containers/web/stop?t=soon", null);
        assertEquals(400, badInt.status());
    }

    @Test
    void imageNamesWithRegistryPortAndSlashesAreRouted() throws IOException {
        RawClient.Response r = RawClient.exchange(socket, "GET", "/v1.51/images/localhost:5000/a/b:tag/json", null);
        assertEquals(200, r.status(), r.text());
        assertTrue(r.text().contains("\"RepoTags\":[\"localhost:5000/a/b:tag\"]"), r.text());
        RawClient.Response tag = RawClient.exchange(socket, "POST",
                "/images/localhost:5000/a/b:tag/tag?repo=x/y&tag=2", null);
        assertEquals(201, tag.status());
        RawClient.Response rmi = RawClient.exchange(socket, "DELETE", "/images/localhost:5000/a/b:tag?force=1", null);
        assertEquals(200, rmi.status());
        assertTrue(engine.calls.containsAll(List.of("inspectImage localhost:5000/a/b:tag",
                "tag localhost:5000/a/b:tag x/y 2", "rmi localhost:5000/a/b:tag force=true noprune=false")),
                engine.calls.toString());
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws IOException {
        try (RawClient c = new RawClient(socket)) {
            c.send("GET /_ping HTTP/1.1\r\nHost: d\r\n\r\nGET /v1.51/version HTTP/1.1\r\nHost: d\r\n\r\n");
            assertEquals("OK", c.readResponse(false).text());
            RawClient.Response version = c.readResponse(false);
            assertTrue(version.text().contains("\"ApiVersion\":\"1.51\""), version.text());
            c.send("GET /nope HTTP/1.1\r\nHost: d\r\n\r\n");
            assertEquals(404, c.readResponse(false).status());
        }
    }

    @Test
    void importStreamsALargeBodyToTheEngine() throws IOException {
        int size = 20 * 1024 * 1024;
        try (RawClient c = new RawClient(socket)) {
            c.send("POST /v1.51/images/create?fromSrc=-&repo=imp&tag=1&changes=CMD%20sh&changes=ENV%20A%3Db"
                    + "&message=hello HTTP/1.1\r\nHost: d\r\nContent-Type: application/x-tar\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = new byte[1 << 20];
            for (int sent = 0; sent < size; sent += chunk.length) {
                c.send(Integer.toHexString(chunk.length) + "\r\n");
                c.send(chunk);
                c.send("\r\n");
            }
            c.send("0\r\n\r\n");
            RawClient.Response r = c.readResponse(false);
            assertEquals(200, r.status());
            assertEquals("{\"status\":\"sha256:" + "1".repeat(64) + "\"}\n", r.text());
        }
        assertEquals(size, engine.importedBytes);
        assertTrue(engine.calls.contains("import repo=imp tag=1 changes=[CMD sh, ENV A=b] message=hello"),
                engine.calls.toString());
    }

    @Test
    void pullStreamsDockersProgressMessagesWithTheAuthOfTheHeader() throws IOException {
        String auth = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"username\":\"me\",\"password\":\"pw\"}".getBytes());
        try (RawClient c = new RawClient(socket)) {
            c.send("POST /images/create?fromImage=busybox&tag=1.36&platform=linux/arm64 HTTP/1.1\r\nHost: d\r\n"
                    + "X-Registry-Auth: " + auth + "\r\nContent-Length: 0\r\n\r\n");
            RawClient.Response r = c.readResponse(false);
            assertEquals(200, r.status());
            assertEquals("""
                    {"status":"Pulling from library/busybox","progressDetail":{},"id":"1.36"}
                    {"status":"Pulling fs layer","progressDetail":{},"id":"a3ed95caeb02"}
                    {"status":"Downloading","progressDetail":{"current":512,"total":1024},"progress":"[=========================>                         ]     512B/1.024kB","id":"a3ed95caeb02"}
                    {"status":"Pull complete","progressDetail":{},"id":"a3ed95caeb02"}
                    {"status":"Status: Downloaded newer image for busybox:1.36"}
                    """, r.text());
        }
        assertTrue(engine.calls.contains("pull busybox tag=1.36 platform=linux/arm64 user=me"), engine.calls.toString());
    }

    @Test
    void pullFailingBeforeAnyProgressIsAnErrorStatus() throws IOException {
        RawClient.Response r = RawClient.exchange(socket, "POST", "/images/create?fromImage=missing&tag=latest", null);
        assertEquals(404, r.status());
        assertEquals("{\"message\":\"manifest for missing:latest not found: manifest unknown: manifest unknown\"}", r.text());
    }

    @Test
    void pullFailingAfterProgressEndsWithAnErrorMessage() throws IOException {
        RawClient.Response r = RawClient.exchange(socket, "POST", "/images/create?fromImage=broken&tag=latest", null);
        assertEquals(200, r.status());
        String message = "filesystem layer verification failed for digest sha256:" + "a".repeat(64);
        assertTrue(r.text().endsWith("{\"errorDetail\":{\"message\":\"" + message + "\"},\"error\":\"" + message + "\"}\n"),
                r.text());
    }

    @Test
    void pushEndsWithTheAuxDigest() throws IOException {
        RawClient.Response r = RawClient.exchange(socket, "POST", "/images/app/push?tag=v1", null);
        assertEquals(200, r.status());
        assertTrue(r.text().endsWith("{\"progressDetail\":{},\"aux\":{\"Tag\":\"v1\",\"Digest\":\"sha256:"
                + "b".repeat(64) + "\",\"Size\":527}}\n"), r.text());
        assertTrue(engine.calls.contains("push app tag=v1"), engine.calls.toString());
    }

    @Test
    void authAnswersLoginSucceededOr401() throws IOException {
        RawClient.Response ok = RawClient.exchange(socket, "POST", "/auth",
                "{\"username\":\"me\",\"password\":\"secret\",\"serveraddress\":\"localhost:5000\"}");
        assertEquals(200, ok.status());
        assertTrue(ok.text().contains("\"Status\":\"Login Succeeded\""), ok.text());
        RawClient.Response refused = RawClient.exchange(socket, "POST", "/auth",
                "{\"auth\":\"" + java.util.Base64.getEncoder().encodeToString("me:wrong".getBytes()) + "\"}");
        assertEquals(401, refused.status());
        assertTrue(engine.calls.contains("login me null"), engine.calls.toString());
    }

    @Test
    void loadAndSaveStream() throws IOException {
        try (RawClient c = new RawClient(socket)) {
            byte[] tar = new byte[3 * 1024 * 1024];
            c.send("POST /images/load?quiet=1 HTTP/1.1\r\nHost: d\r\nContent-Length: " + tar.length + "\r\n\r\n");
            c.send(tar);
            RawClient.Response r = c.readResponse(false);
            assertEquals("{\"stream\":\"Loaded image: img:latest\\n\"}\n", r.text());
        }
        assertTrue(engine.calls.contains("load " + 3 * 1024 * 1024));
        RawClient.Response save = RawClient.exchange(socket, "GET", "/images/get?names=a&names=b", null);
        assertEquals("application/x-tar", save.header("Content-Type"));
        assertEquals(100_000, save.body().length);
        RawClient.Response missing = RawClient.exchange(socket, "GET", "/images/missing/get", null);
        assertEquals(404, missing.status());
    }

    @Test
    void waitSendsItsHeadBeforeTheContainerExits() throws Exception {
        try (RawClient c = new RawClient(socket)) {
            c.send("POST /v1.51/containers/web/wait?condition=next-exit HTTP/1.1\r\nHost: d\r\n\r\n");
            String head = c.readHead();
            assertTrue(head.startsWith("HTTP/1.1 200 OK"), head);
            assertTrue(engine.calls.contains("wait web next-exit"));
            engine.waiters.get("web").complete(new berth.engine.model.WaitResponse(7, null));
            String body = c.readChunk();
            assertEquals("{\"StatusCode\":7,\"Error\":null}\n", body);
        }
        RawClient.Response missing = RawClient.exchange(socket, "POST", "/containers/nope/wait", null);
        assertEquals(404, missing.status());
    }

    @Test
    void attachUpgradesAndFramesOutput() throws Exception {
        try (RawClient c = new RawClient(socket)) {
            c.send("POST /v1.51/containers/web/attach?stream=1&stdout=1&stderr=1 HTTP/1.1\r\nHost: d\r\n"
                    + "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
            String head = c.readHead();
            assertTrue(head.startsWith("HTTP/1.1 101 UPGRADED"), head);
            assertTrue(head.contains("Content-Type: application/vnd.docker.multiplexed-stream"), head);
            assertTrue(head.contains("Connection: Upgrade"), head);
            assertTrue(head.contains("Upgrade: tcp"), head);
            assertTrue(head.contains("Api-Version: 1.51"), head);
            awaitAttached("web");
            engine.startContainer("web");
            byte[] frame = c.readExactly(8 + 3);
            assertEquals(List.of(1, 0, 0, 0, 0, 0, 0, 3), toList(Arrays.copyOf(frame, 8)));
            assertEquals("hi\n", new String(frame, 8, 3, StandardCharsets.UTF_8));
            assertEquals(0, c.readToEof().length, "connection closes when the output ends");
        }
    }

    @Test
    void attachWithoutUpgradeHeaderGets200AndRawTtyStream() throws Exception {
        try (RawClient c = new RawClient(socket)) {
            c.send("POST /containers/tty1/attach?stream=1&stdout=1 HTTP/1.1\r\nHost: d\r\n"
                    + "Content-Length: 9223372036854775807\r\n\r\n");
            String head = c.readHead();
            assertTrue(head.startsWith("HTTP/1.1 200 OK"), head);
            assertTrue(head.contains("Content-Type: application/vnd.docker.raw-stream"), head);
            awaitAttached("tty1");
            engine.startContainer("tty1");
            assertEquals("hi\n", new String(c.readToEof(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void attachToMissingContainerIs404BeforeAnyUpgrade() throws IOException {
        try (RawClient c = new RawClient(socket)) {
            c.send("POST /containers/nope/attach?stream=1&stdout=1 HTTP/1.1\r\nHost: d\r\n"
                    + "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
            RawClient.Response r = c.readResponse(false);
            assertEquals(404, r.status());
            assertEquals("{\"message\":\"No such container: nope\"}", r.text());
        }
    }

    @Test
    void stdinFlowsAndHalfCloseReachesCloseStdinWhileOutputContinues() throws Exception {
        try (RawClient c = new RawClient(socket)) {
            c.send("POST /containers/web/attach?stream=1&stdin=1&stdout=1&stderr=1 HTTP/1.1\r\nHost: d\r\n"
                    + "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\nearly ");
            assertTrue(c.readHead().startsWith("HTTP/1.1 101"));
            c.send("input");
            c.channel.shutdownOutput();
            assertTrue(engine.stdinClosed.await(5, TimeUnit.SECONDS), "closeStdin was not called");
            assertEquals("early input", engine.stdinText());
            byte[] frame = c.readExactly(8 + 3);
            assertEquals(2, frame[0], "stderr frame");
            assertEquals("bye", new String(frame, 8, 3, StandardCharsets.UTF_8));
            assertEquals(0, c.readToEof().length);
        }
        assertFalse(engine.calls.contains("detach"), "a finished session is not detached");
    }

    @Test
    void clientLeavingAnAttachDetaches() throws Exception {
        RawClient c = new RawClient(socket);
        c.send("POST /containers/web/attach?stream=1&stdout=1 HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\n"
                + "Upgrade: tcp\r\n\r\n");
        assertTrue(c.readHead().startsWith("HTTP/1.1 101"));
        awaitAttached("web");
        c.close();
        // half-close and close look alike on the wire: the next output write finds the client gone
        engine.attached.get("web").write(berth.engine.OutputSink.StdStream.STDOUT, new byte[1], 0, 1);
        engine.attached.get("web").write(berth.engine.OutputSink.StdStream.STDOUT, new byte[1], 0, 1);
        assertTrue(engine.detached.await(5, TimeUnit.SECONDS), "detach was not called");
    }

    @Test
    void execStartHijacksWithTheBodyRead() throws Exception {
        String exec = "e".repeat(64);
        try (RawClient c = new RawClient(socket)) {
            String body = "{\"Detach\":false,\"Tty\":false}";
            c.send("POST /v1.51/exec/" + exec + "/start HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\n"
                    + "Upgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body);
            String head = c.readHead();
            assertTrue(head.startsWith("HTTP/1.1 101 UPGRADED"), head);
            byte[] frame = c.readExactly(8 + 9);
            assertEquals(1, frame[0]);
            assertEquals("exec out\n", new String(frame, 8, 9, StandardCharsets.UTF_8));
            c.send("ls\n");
            c.channel.shutdownOutput();
            assertTrue(engine.stdinClosed.await(5, TimeUnit.SECONDS));
            assertEquals("ls\n", engine.stdinText());
        }
        RawClient.Response detached = RawClient.exchange(socket, "POST", "/exec/" + exec + "/start",
                "{\"Detach\":true}");
        assertEquals(200, detached.status());
        assertTrue(engine.calls.contains("startExec " + exec + " detach=true tty=false"));
    }

    @Test
    void logsAreFramedInAChunkedResponse() throws IOException {
        RawClient.Response r = RawClient.exchange(socket, "GET",
                "/containers/web/logs?stdout=1&stderr=1&tail=5&since=1700000000.5&timestamps=1", null);
        assertEquals(200, r.status());
        assertEquals("application/vnd.docker.multiplexed-stream", r.header("Content-Type"));
        byte[] b = r.body();
        assertEquals(1, b[0]);
        assertEquals(9, ByteBuffer.wrap(b, 4, 4).getInt());
        assertEquals("out line\n", new String(b, 8, 9, StandardCharsets.UTF_8));
        assertEquals(2, b[17]);
        assertTrue(engine.calls.contains("logs web follow=false tail=5 since=1700000000500000000 timestamps=true"),
                engine.calls.toString());
        RawClient.Response noStream = RawClient.exchange(socket, "GET", "/containers/web/logs", null);
        assertEquals(400, noStream.status());
    }

    @Test
    void followedLogsEndTheSubscriptionWhenTheClientLeaves() throws Exception {
        RawClient c = new RawClient(socket);
        c.send("GET /containers/web/logs?stdout=1&stderr=1&follow=1 HTTP/1.1\r\nHost: d\r\n\r\n");
        assertTrue(c.readHead().startsWith("HTTP/1.1 200"));
        c.close();
        assertTrue(engine.subscriptionClosed.await(5, TimeUnit.SECONDS));
    }

    @Test
    void eventsStreamJsonLinesUntilTheClientLeaves() throws Exception {
        RawClient c = new RawClient(socket);
        c.send("GET /v1.51/events?since=1700000000&filters=%7B%22type%22%3A%5B%22container%22%5D%7D HTTP/1.1\r\n"
                + "Host: d\r\n\r\n");
        assertTrue(c.readHead().startsWith("HTTP/1.1 200"));
        String line = c.readChunk();
        assertTrue(line.startsWith("{\"status\":\"start\"") && line.endsWith("}\n"), line);
        assertTrue(line.contains("\"Actor\":{\"ID\":\"" + ScriptedEngine.WEB_ID), line);
        c.close();
        assertTrue(engine.subscriptionClosed.await(5, TimeUnit.SECONDS));
        assertTrue(engine.calls.contains("events since=1700000000000000000 until=null filters={type=[container]}"),
                engine.calls.toString());
    }

    @Test
    void eventsWithAPastUntilEnd() throws IOException {
        RawClient.Response r = RawClient.exchange(socket, "GET", "/events?since=1&until=2", null);
        assertEquals(200, r.status());
        assertTrue(r.text().contains("\"Action\":\"start\""), r.text());
    }

    @Test
    void malformedHttpIs400() throws IOException {
        try (RawClient c = new RawClient(socket)) {
            c.send("GARBAGE\r\n\r\n");
            RawClient.Response r = c.readResponse(true);
            assertEquals(400, r.status());
        }
    }

    private void awaitAttached(String name) throws InterruptedException {
        while (!engine.attached.containsKey(name)) {
            Thread.sleep(5);
        }
    }

    private static List<Integer> toList(byte[] bytes) {
        return java.util.stream.IntStream.range(0, bytes.length).mapToObj(i -> (int) bytes[i]).toList();
    }
}
