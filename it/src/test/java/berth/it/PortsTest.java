package berth.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Published ports: {@code -p} and {@code -P} reachable at 127.0.0.1 from the test and from other containers, the
 * {@code port} verb, ports taken by Berth or by another process, malformed specs, and a published port that keeps
 * working across a daemon killed with -9. Only 127.0.0.1 and the test's own containers are reached.
 */
class PortsTest extends SharedDaemonTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private static String ok(Daemon.Result r) {
        assertEquals(0, r.exit(), r::toString);
        return r.stdout().strip();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** GET http://127.0.0.1:port/hostname of a busybox httpd serving /etc. */
    static String fetchHostname(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hostname"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r::body);
        return r.body().strip();
    }

    /** As {@link #fetchHostname}, waiting up to 5 s for a just-started httpd to listen (a refused connection). */
    static String fetchSoon(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            try {
                return fetchHostname(port);
            } catch (java.net.ConnectException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    static String httpd(Daemon d, String client, String name, String... publish) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("run", "-d", "--name", name));
        args.addAll(java.util.List.of(publish));
        args.addAll(java.util.List.of("busybox", "httpd", "-f", "-p", "80", "-h", "/etc"));
        return ok(d.cli(client, args.toArray(String[]::new)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void aPublishedPortAnswersOnLocalhostAndFromAnotherContainer(String client) throws Exception {
        int port = freePort();
        String name = client + "-web";
        String id = httpd(daemon, client, name, "-p", "127.0.0.1:" + port + ":80");
        assertEquals(id.substring(0, 12), fetchSoon(port));
        String address = ok(daemon.cli(client, "inspect", "-f", "{{.NetworkSettings.IPAddress}}", name));
        String direct = ok(daemon.cli(client, "run", "--rm", "busybox", "sh", "-c",
                "printf 'GET /hostname HTTP/1.0\\r\\n\\r\\n' | nc -w 3 " + address + " 80"));
        assertTrue(direct.endsWith(id.substring(0, 12)), direct);
        String ps = ok(daemon.cli(client, "ps", "--filter", "name=" + name, "--format", "{{.Ports}}"));
        assertEquals("127.0.0.1:" + port + "->80/tcp", ps);
        ok(daemon.cli(client, "rm", "-f", name));
        assertThrows(IOException.class, () -> fetchHostname(port), "the forwarding goes with the container");
    }

    @Test
    void aPortPublishedOnAllAddressesIsReachableFromOtherContainersThroughTheGateway() throws Exception {
        int port = freePort();
        String id = httpd(daemon, "berth", "all-web", "-p", port + ":80");
        assertEquals(id.substring(0, 12), fetchSoon(port));
        String gateway = ok(daemon.berth("inspect", "-f", "{{.NetworkSettings.Gateway}}", "all-web"));
        String fromPeer = ok(daemon.berth("run", "--rm", "busybox", "sh", "-c",
                "printf 'GET /hostname HTTP/1.0\\r\\n\\r\\n' | nc -w 3 " + gateway + " " + port));
        assertTrue(fromPeer.endsWith(id.substring(0, 12)), fromPeer);
        ok(daemon.berth("rm", "-f", "all-web"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void publishAllGivesExposedPortsRandomHostPortsAndPortListsThem(String client) throws Exception {
        String name = client + "-all";
        String id = httpd(daemon, client, name, "-P", "--expose", "80", "--expose", "7000/udp");
        String all = ok(daemon.cli(client, "port", name));
        assertTrue(all.lines().anyMatch(l -> l.matches("80/tcp -> 0\\.0\\.0\\.0:\\d+")), all);
        assertTrue(all.lines().anyMatch(l -> l.matches("7000/udp -> 0\\.0\\.0\\.0:\\d+")), all);
        String one = ok(daemon.cli(client, "port", name, "80"));
        int port = Integer.parseInt(one.lines().findFirst().orElseThrow().replaceAll(".*:", ""));
        assertEquals(id.substring(0, 12), fetchSoon(port));
        Daemon.Result none = daemon.cli(client, "port", name, "81/tcp");
        assertEquals(1, none.exit(), none::toString);
        assertTrue(none.stderr().contains("No public port '81/tcp' published"), none::toString);
        ok(daemon.cli(client, "rm", "-f", name));
    }

    @Test
    void aPortRangeIsPublishedPortByPort() throws Exception {
        int first = freePort();
        Daemon.Result r = daemon.berth("run", "-d", "--name", "range-web", "-p", first + "-" + (first + 1) + ":80-81",
                "busybox", "sh", "-c", "httpd -p 80 -h /etc; httpd -f -p 81 -h /etc");
        if (r.exit() != 0 && r.stderr().contains("already allocated")) {
            return; // the neighbour of a free port was taken meanwhile: nothing to say about ranges
        }
        String id = ok(r);
        assertEquals(id.substring(0, 12), fetchSoon(first));
        assertEquals(id.substring(0, 12), fetchSoon(first + 1));
        ok(daemon.berth("rm", "-f", "range-web"));
    }

    @Test
    void aPortHeldByAnotherProcessIsRefusedAtStartAndNothingChanges() throws Exception {
        try (ServerSocket held = new ServerSocket(0)) {
            int port = held.getLocalPort();
            Daemon.Result r = daemon.docker("run", "-d", "--name", "blocked", "-p", port + ":80", "busybox", "true");
            assertEquals(125, r.exit(), r::toString);
            assertTrue(r.stderr().contains("Bind for 0.0.0.0:" + port + " failed: port is already allocated"), r::toString);
            assertEquals("created", ok(daemon.docker("inspect", "-f", "{{.State.Status}}", "blocked")));
            String id = ok(daemon.docker("inspect", "-f", "{{.Id}}", "blocked"));
            assertTrue(!Files.exists(daemon.execRoot.resolve("netns").resolve(id)), "no namespace left behind");
            assertEquals("", ok(daemon.docker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "blocked")));
        }
        ok(daemon.docker("rm", "blocked"));
    }

    @Test
    void aPortAnotherContainerPublishesIsRefused() throws Exception {
        int port = freePort();
        httpd(daemon, "berth", "first-owner", "-p", port + ":80");
        Daemon.Result second = daemon.berth("run", "-d", "--name", "second-owner", "-p", port + ":80", "busybox", "true");
        assertEquals(125, second.exit(), second::toString);
        assertTrue(second.stderr().contains("port is already allocated"), second::toString);
        String stillFirst = ok(daemon.berth("inspect", "-f", "{{.Config.Hostname}}", "first-owner"));
        assertEquals(stillFirst, fetchSoon(port));
        ok(daemon.berth("rm", "-f", "first-owner", "second-owner"));
    }

    @Test
    void malformedPublishSpecsAreRefused() {
        String before = ok(daemon.berth("ps", "-aq"));
        for (String bad : new String[] {"abc", "80:xyz", "8080:80/sctpx", "70000:80", "1-2:80-82"}) {
            Daemon.Result r = daemon.berth("run", "--rm", "-p", bad, "busybox", "true");
            assertEquals(125, r.exit(), () -> bad + ": " + r);
            Daemon.Result d = daemon.docker("run", "--rm", "-p", bad, "busybox", "true");
            assertNotEquals(0, d.exit(), () -> bad + ": " + d);
        }
        Daemon.Result api = daemon.shell("curl -s -w ' %{http_code}' --unix-socket " + daemon.socket
                + " -H 'Content-Type: application/json' -d '{\"Image\":\"busybox\",\"Cmd\":[\"true\"],"
                + "\"HostConfig\":{\"PortBindings\":{\"eighty/tcp\":[{\"HostPort\":\"8080\"}]}}}'"
                + " http://berth/v1.41/containers/create");
        assertTrue(api.stdout().endsWith(" 400"), api::toString);
        assertTrue(api.stdout().contains("invalid port specification"), api::toString);
        assertEquals(before, ok(daemon.berth("ps", "-aq")), "no container was created");
    }

    @Test
    void aPublishedPortSurvivesADaemonKilledWithSigkillAndGoesWithTheContainer() throws Exception {
        try (Daemon own = Daemon.startWithBusybox()) {
            int port = freePort();
            String id = httpd(own, "berth", "survivor", "-p", port + ":80");
            String address = ok(own.berth("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "survivor"));
            assertEquals(id.substring(0, 12), fetchSoon(port));
            own.kill9();
            assertEquals(id.substring(0, 12), fetchHostname(port), "still forwarded while no daemon runs");
            own.launch();
            assertEquals(id.substring(0, 12), fetchHostname(port));
            assertEquals(address, ok(own.berth("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "survivor")));
            assertEquals("0.0.0.0:" + port, ok(own.berth("port", "survivor", "80")));
            // the lease is kept: a new container gets another address
            ok(own.berth("run", "-d", "--name", "newcomer", "busybox", "sleep", "300"));
            assertNotEquals(address, ok(own.berth("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "newcomer")));
            ok(own.berth("stop", "-t", "1", "survivor"));
            assertThrows(IOException.class, () -> fetchHostname(port), "torn down when it stopped");
            assertTrue(!Files.exists(own.execRoot.resolve("netns").resolve(id)), "namespace removed");
            ok(own.berth("start", "survivor"));
            assertEquals(id.substring(0, 12), fetchSoon(port));
        }
    }
}
