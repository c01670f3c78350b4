package berth.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bridge networks through netavark: names and aliases resolve on user-defined networks and not on the default
 * bridge, two networks are isolated, connect/disconnect, the per-container files, and the network verbs from both
 * clients with their bad inputs. Every address a test reaches is one of its own containers'.
 */
class NetworkTest extends SharedDaemonTest {

    private static String ok(Daemon.Result r) {
        assertEquals(0, r.exit(), r::toString);
        return r.stdout().strip();
    }

    private static String ip(String container, String network) {
        return ok(daemon.berth("inspect", "-f", "{{with index .NetworkSettings.Networks \"" + network
                + "\"}}{{.IPAddress}}{{end}}", container));
    }

    @Test
    void containersOnAUserNetworkResolveEachOtherByNameAndAlias() {
        ok(daemon.berth("network", "create", "resolve-net"));
        ok(daemon.berth("run", "-d", "--name", "res-server", "--network", "resolve-net", "--network-alias", "db",
                "busybox", "httpd", "-f", "-p", "80", "-h", "/etc"));
        String address = ip("res-server", "resolve-net");
        Daemon.Result r = daemon.berth("run", "--rm", "--network", "resolve-net", "busybox", "sh", "-c",
                "ping -c1 -W2 res-server && ping -c1 -W2 db && printf 'GET /hostname HTTP/1.0\\r\\n\\r\\n' | nc -w 3 db 80");
        String out = ok(r);
        assertTrue(out.contains("PING res-server (" + address + ")"), out);
        assertTrue(out.contains("PING db (" + address + ")"), out);
        String hostname = ok(daemon.berth("inspect", "-f", "{{.Config.Hostname}}", "res-server"));
        assertTrue(out.endsWith(hostname), out);
        ok(daemon.berth("rm", "-f", "res-server"));
        ok(daemon.berth("network", "rm", "resolve-net"));
    }

    @Test
    void theDefaultBridgeReachesByAddressButDoesNotResolveNames() {
        ok(daemon.berth("run", "-d", "--name", "plain", "busybox", "sleep", "300"));
        String address = ip("plain", "bridge");
        assertTrue(address.matches("\\d+\\.\\d+\\.\\d+\\.\\d+"), address);
        ok(daemon.berth("run", "--rm", "busybox", "ping", "-c1", "-W2", address));
        Daemon.Result byName = daemon.berth("run", "--rm", "busybox", "ping", "-c1", "-W2", "plain");
        assertNotEquals(0, byName.exit(), byName::toString);
        assertTrue(byName.stderr().contains("bad address 'plain'"), byName::toString);
        ok(daemon.berth("rm", "-f", "plain"));
    }

    @Test
    void twoNetworksAreIsolatedFromEachOther() {
        ok(daemon.berth("network", "create", "iso-a"));
        ok(daemon.berth("network", "create", "iso-b"));
        ok(daemon.berth("run", "-d", "--name", "iso-target", "--network", "iso-a", "busybox", "sleep", "300"));
        String address = ip("iso-target", "iso-a");
        ok(daemon.berth("run", "--rm", "--network", "iso-a", "busybox", "ping", "-c1", "-W2", address));
        Daemon.Result across = daemon.berth("run", "--rm", "--network", "iso-b", "busybox", "ping", "-c1", "-W2", address);
        assertNotEquals(0, across.exit(), across::toString);
        Daemon.Result fromBridge = daemon.berth("run", "--rm", "busybox", "ping", "-c1", "-W2", address);
        assertNotEquals(0, fromBridge.exit(), fromBridge::toString);
        ok(daemon.berth("rm", "-f", "iso-target"));
        ok(daemon.berth("network", "rm", "iso-a", "iso-b"));
    }

    @Test
    void connectJoinsARunningContainerAndDisconnectLeaves() {
        ok(daemon.berth("network", "create", "join-net"));
        ok(daemon.berth("run", "-d", "--name", "joiner", "busybox", "sleep", "300"));
        ok(daemon.berth("run", "-d", "--name", "peer", "--network", "join-net", "busybox", "sleep", "300"));
        ok(daemon.berth("network", "connect", "--alias", "jj", "join-net", "joiner"));
        String joined = ip("joiner", "join-net");
        Daemon.Result ping = daemon.berth("exec", "peer", "ping", "-c1", "-W2", "jj");
        assertTrue(ok(ping).contains("(" + joined + ")"), ping::toString);
        Daemon.Result inspect = daemon.berth("network", "inspect", "-f", "{{range .Containers}}{{.Name}} {{end}}", "join-net");
        assertTrue(ok(inspect).contains("joiner"), inspect::toString);

        Daemon.Result twice = daemon.berth("network", "connect", "join-net", "joiner");
        assertEquals(1, twice.exit(), twice::toString);
        assertTrue(twice.stderr().contains("already exists in network join-net"), twice::toString);

        ok(daemon.berth("network", "disconnect", "join-net", "joiner"));
        Daemon.Result gone = daemon.berth("exec", "peer", "ping", "-c1", "-W1", "jj");
        assertNotEquals(0, gone.exit(), gone::toString);
        Daemon.Result notThere = daemon.berth("network", "disconnect", "join-net", "joiner");
        assertEquals(1, notThere.exit(), notThere::toString);
        ok(daemon.berth("rm", "-f", "joiner", "peer"));
        ok(daemon.berth("network", "rm", "join-net"));
    }

    @Test
    void hostsHostnameAndResolvConfAreTheContainersOwn() throws Exception {
        String out = ok(daemon.berth("run", "--rm", "--name", "files", "--hostname", "box1", "--add-host",
                "printer:10.1.2.3", "--dns", "10.9.9.9", "--dns-search", "example.test", "--dns-option", "ndots:2",
                "busybox", "sh", "-c", "cat /etc/hosts /etc/hostname /etc/resolv.conf; ip -4 -o addr show eth0"));
        String address = out.lines().filter(l -> l.contains("eth0")).findFirst().orElseThrow()
                .replaceAll(".*inet (\\d+\\.\\d+\\.\\d+\\.\\d+)/.*", "$1");
        assertTrue(out.contains(address + "\tbox1"), out);
        assertTrue(out.contains("10.1.2.3\tprinter"), out);
        assertTrue(out.lines().anyMatch("box1"::equals), out);
        assertTrue(out.contains("nameserver 10.9.9.9"), out);
        assertTrue(out.contains("search example.test"), out);
        assertTrue(out.contains("options ndots:2"), out);

        ok(daemon.berth("network", "create", "dns-net"));
        String user = ok(daemon.berth("run", "--rm", "--network", "dns-net", "busybox", "cat", "/etc/resolv.conf"));
        String gateway = ok(daemon.berth("network", "inspect", "-f", "{{with index .IPAM.Config 0}}{{.Gateway}}{{end}}", "dns-net"));
        assertTrue(user.contains("nameserver " + gateway), user);
        ok(daemon.berth("network", "rm", "dns-net"));

        // the host's resolver, minus loopback servers that mean nothing inside the container
        String plain = ok(daemon.berth("run", "--rm", "busybox", "cat", "/etc/resolv.conf"));
        assertFalse(plain.contains("nameserver 127."), plain);
        assertTrue(plain.contains("nameserver"), plain);
    }

    @Test
    void aStaticAddressAndMacAreKeptAndATakenAddressIsRefused() {
        ok(daemon.berth("network", "create", "--subnet", "10.251.7.0/24", "--gateway", "10.251.7.254", "static-net"));
        ok(daemon.berth("run", "-d", "--name", "fixed", "--network", "static-net", "--ip", "10.251.7.10",
                "--mac-address", "92:d0:c6:0a:29:33", "busybox", "sleep", "300"));
        String shown = ok(daemon.berth("inspect", "-f", "{{with index .NetworkSettings.Networks \"static-net\"}}"
                + "{{.IPAddress}} {{.MacAddress}} {{.Gateway}}{{end}}", "fixed"));
        assertEquals("10.251.7.10 92:d0:c6:0a:29:33 10.251.7.254", shown);
        Daemon.Result taken = daemon.berth("run", "--rm", "--network", "static-net", "--ip", "10.251.7.10", "busybox", "true");
        assertEquals(125, taken.exit(), taken::toString);
        assertTrue(taken.stderr().contains("Address already in use"), taken::toString);
        Daemon.Result onBridge = daemon.berth("run", "--rm", "--ip", "10.251.7.11", "busybox", "true");
        assertEquals(125, onBridge.exit(), onBridge::toString);
        assertTrue(onBridge.stderr().contains("user defined networks only"), onBridge::toString);
        ok(daemon.berth("rm", "-f", "fixed"));
        ok(daemon.berth("network", "rm", "static-net"));
    }

    @Test
    void noneHostAndContainerModes() {
        String none = ok(daemon.berth("run", "--rm", "--network", "none", "busybox", "ip", "-o", "link"));
        assertEquals(1, none.lines().count(), none);
        assertTrue(none.contains("lo:"), none);
        ok(daemon.berth("run", "-d", "--name", "ns-owner", "busybox", "sleep", "300"));
        String owner = ip("ns-owner", "bridge");
        String shared = ok(daemon.berth("run", "--rm", "--network", "container:ns-owner", "busybox", "ip", "-4", "-o", "addr"));
        assertTrue(shared.contains(owner + "/"), shared);
        Daemon.Result missing = daemon.berth("run", "--rm", "--network", "no-such-net", "busybox", "true");
        assertEquals(125, missing.exit(), missing::toString);
        assertTrue(missing.stderr().contains("network no-such-net not found"), missing::toString);
        ok(daemon.berth("rm", "-f", "ns-owner"));
    }

    @Test
    void overlappingSubnetsAreRefusedAndNothingIsCreated() {
        ok(daemon.berth("network", "create", "--subnet", "10.252.0.0/16", "wide"));
        Daemon.Result overlap = daemon.docker("network", "create", "--subnet", "10.252.3.0/24", "narrow");
        assertEquals(1, overlap.exit(), overlap::toString);
        assertTrue(overlap.stderr().contains("overlaps"), overlap::toString);
        String names = ok(daemon.berth("network", "ls", "--format", "{{.Name}}"));
        assertFalse(names.lines().anyMatch("narrow"::equals), names);
        Daemon.Result bad = daemon.berth("network", "create", "--subnet", "10.253.0.1/16", "hostbits");
        assertEquals(1, bad.exit(), bad::toString);
        Daemon.Result dup = daemon.berth("network", "create", "wide");
        assertEquals(1, dup.exit(), dup::toString);
        assertTrue(dup.stderr().contains("already exists"), dup::toString);
        ok(daemon.berth("network", "rm", "wide"));
    }

    @Test
    void removingANetworkWithContainersIsAConflict() {
        ok(daemon.berth("network", "create", "busy-net"));
        ok(daemon.berth("create", "--name", "busy-user", "--network", "busy-net", "busybox", "true"));
        Daemon.Result status = daemon.shell("curl -s -o /dev/null -w '%{http_code}' --unix-socket " + daemon.socket
                + " -X DELETE http://berth/v1.41/networks/busy-net");
        assertEquals("409", status.stdout(), status::toString);
        Daemon.Result rm = daemon.docker("network", "rm", "busy-net");
        assertEquals(1, rm.exit(), rm::toString);
        assertTrue(rm.stderr().contains("has active endpoints"), rm::toString);
        Daemon.Result builtin = daemon.docker("network", "rm", "bridge");
        assertEquals(1, builtin.exit(), builtin::toString);
        Daemon.Result missing = daemon.shell("curl -s -o /dev/null -w '%{http_code}' --unix-socket " + daemon.socket
                + " http://berth/v1.41/networks/nope");
        assertEquals("404", missing.stdout(), missing::toString);
        ok(daemon.berth("rm", "busy-user"));
        assertEquals("busy-net", ok(daemon.docker("network", "rm", "busy-net")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void networkVerbsFromBothClients(String client) {
        String name = client + "-verbs";
        String id = ok(daemon.cli(client, "network", "create", "--label", "team=blue", "--subnet", "10.254.9.0/24",
                "--ip-range", "10.254.9.128/25", name));
        assertEquals(64, id.length(), id);
        String ls = ok(daemon.cli(client, "network", "ls", "--filter", "label=team=blue", "--format", "{{.Name}} {{.Driver}}"));
        assertEquals(name + " bridge", ls);
        String quiet = ok(daemon.cli(client, "network", "ls", "-q", "--filter", "name=" + name));
        assertEquals(id.substring(0, 12), quiet);
        ok(daemon.cli(client, "run", "-d", "--name", name + "-c", "--network", name, "busybox", "sleep", "300"));
        String address = ok(daemon.cli(client, "inspect", "-f", "{{with index .NetworkSettings.Networks \"" + name
                + "\"}}{{.IPAddress}}{{end}}", name + "-c"));
        assertTrue(address.startsWith("10.254.9.") && Integer.parseInt(address.substring(9)) >= 128, address);
        String inspect = ok(daemon.cli(client, "network", "inspect", name));
        assertTrue(inspect.contains("\"Subnet\": \"10.254.9.0/24\""), inspect);
        assertTrue(inspect.contains("\"IPRange\": \"10.254.9.128/25\""), inspect);
        assertTrue(inspect.contains("\"IPv4Address\": \"" + address + "/24\""), inspect);
        ok(daemon.cli(client, "rm", "-f", name + "-c"));
        ok(daemon.cli(client, "network", "create", name + "-unused"));
        String pruned = ok(daemon.cli(client, "network", "prune", "-f"));
        assertTrue(pruned.contains(name + "-unused") && pruned.contains(name), pruned);
        String left = ok(daemon.cli(client, "network", "ls", "--format", "{{.Name}}"));
        assertTrue(left.lines().anyMatch("bridge"::equals), left);
        assertFalse(left.contains(name), left);
    }

    @Test
    void networkEventsAreReportedAndFiltered() {
        long since = System.currentTimeMillis() / 1000 - 1;
        ok(daemon.berth("network", "create", "ev-net"));
        ok(daemon.berth("create", "--name", "ev-c", "busybox", "true"));
        ok(daemon.berth("network", "connect", "ev-net", "ev-c"));
        ok(daemon.berth("network", "disconnect", "ev-net", "ev-c"));
        ok(daemon.berth("network", "rm", "ev-net"));
        ok(daemon.berth("rm", "ev-c"));
        long until = System.currentTimeMillis() / 1000 + 1;
        String events = ok(daemon.docker("events", "--since", Long.toString(since), "--until", Long.toString(until),
                "--filter", "network=ev-net", "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}"));
        assertEquals(java.util.List.of("network create ev-net", "network connect ev-net", "network disconnect ev-net",
                "network destroy ev-net"), events.lines().toList());
    }

    @Test
    void aNamespaceAContainerCouldChangeIsNeverHandedToAnother() {
        // NET_ADMIN lets this container add an address to its interface; its namespace must not be reused
        ok(daemon.berth("run", "--rm", "--cap-add", "NET_ADMIN", "busybox", "ip", "addr", "add", "10.99.99.99/32",
                "dev", "eth0"));
        for (int i = 0; i < 6; i++) {
            String addresses = ok(daemon.berth("run", "--rm", "busybox", "ip", "-4", "-o", "addr", "show", "eth0"));
            assertFalse(addresses.contains("10.99.99.99"), addresses);
            assertEquals(1, addresses.lines().count(), addresses);
        }
    }

    @Test
    void anInternalNetworkHasNoRouteOut() {
        ok(daemon.berth("network", "create", "--internal", "closed-net"));
        assertEquals("true", ok(daemon.berth("network", "inspect", "-f", "{{.Internal}}", "closed-net")));
        String routes = ok(daemon.berth("run", "--rm", "--network", "closed-net", "busybox", "ip", "route"));
        assertFalse(routes.contains("default"), routes);
        assertTrue(routes.contains("dev eth0"), routes);
        String open = ok(daemon.berth("run", "--rm", "busybox", "ip", "route"));
        assertTrue(open.contains("default via"), open);
        ok(daemon.berth("network", "rm", "closed-net"));
    }
}
