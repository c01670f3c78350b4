package berth.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Named volumes of the local driver: their verbs from both clients, their API shapes and their bad inputs. */
class VolumeTest extends SharedDaemonTest {

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void dataWrittenThroughANamedVolumeOutlivesItsContainer(String client) {
        String volume = "keep-" + client;
        Daemon.Result write = daemon.cli(client, "run", "--rm", "-v", volume + ":/data", "busybox", "sh", "-c",
                "echo kept > /data/note");
        assertEquals(0, write.exit(), write::toString);
        Daemon.Result read = daemon.cli(client, "run", "--rm", "-v", volume + ":/data:ro", "busybox", "cat", "/data/note");
        assertEquals("kept\n", read.stdout(), read::toString);
        assertEquals("kept\n", readFile(daemon.root.resolve("volumes/" + volume + "/_data/note")));
        assertEquals(0, daemon.cli(client, "volume", "rm", volume).exit());
        assertFalse(Files.exists(daemon.root.resolve("volumes/" + volume)), "rm deletes the directory");
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void createListInspectAndRemove(String client) {
        String name = "v-" + client;
        Daemon.Result created = daemon.cli(client, "volume", "create", "--label", "team=blue", "--label", "tier", name);
        assertEquals(name + "\n", created.stdout(), created::toString);
        assertEquals(name + "\n", daemon.cli(client, "volume", "create", name).stdout(), "create of an existing name");

        Daemon.Result ls = daemon.cli(client, "volume", "ls", "--filter", "name=" + name);
        assertEquals("DRIVER    VOLUME NAME\nlocal     " + name + "\n", ls.stdout(), ls::toString);
        assertEquals(name + "\n", daemon.cli(client, "volume", "ls", "-q", "--filter", "label=team=blue",
                "--filter", "name=" + name).stdout());
        assertEquals("", daemon.cli(client, "volume", "ls", "-q", "--filter", "label=team=red").stdout());
        assertEquals(name + " local\n", daemon.cli(client, "volume", "ls", "--format", "{{.Name}} {{.Driver}}",
                "--filter", "driver=local", "--filter", "name=^" + name + "$").stdout());
        assertTrue(daemon.cli(client, "volume", "ls", "-q", "--filter", "dangling=true").stdout().lines()
                .anyMatch(name::equals), "a volume no container uses is dangling");

        Daemon.Result inspect = daemon.cli(client, "volume", "inspect", "--format",
                "{{.Name}} {{.Driver}} {{.Scope}} {{.Mountpoint}} {{index .Labels \"team\"}}", name);
        assertEquals(name + " local local " + daemon.root.resolve("volumes/" + name + "/_data") + " blue\n",
                inspect.stdout(), inspect::toString);
        assertEquals(name + "\n", daemon.cli(client, "inspect", "--format", "{{.Name}}", name).stdout(),
                "the top-level inspect finds volumes too");
        Daemon.Result json = daemon.cli(client, "volume", "inspect", name);
        assertTrue(json.stdout().startsWith("[\n    {\n"), json::toString);
        assertTrue(json.stdout().contains("\"CreatedAt\": \"20"), json::toString);

        Daemon.Result rm = daemon.cli(client, "volume", "rm", name);
        assertEquals(name + "\n", rm.stdout(), rm::toString);
        Daemon.Result missing = daemon.cli(client, "volume", "inspect", name);
        assertEquals(1, missing.exit());
        assertTrue(missing.stderr().toLowerCase(java.util.Locale.ROOT).contains("no such volume"), missing::toString);
        assertEquals(0, daemon.cli(client, "volume", "rm", "-f", name).exit(), "-f: a missing volume is no error");
        assertEquals(1, daemon.cli(client, "volume", "rm", name).exit());
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void removingAVolumeInUseIsRefusedAndChangesNothing(String client) {
        String name = "busy-" + client;
        Daemon.Result run = daemon.cli(client, "run", "-d", "--name", "user-" + client, "-v", name + ":/d", "busybox",
                "sh", "-c", "echo data > /d/f; sleep 100");
        assertEquals(0, run.exit(), run::toString);
        String id = run.stdout().strip();
        Daemon.Result rm = daemon.cli(client, "volume", "rm", name);
        assertEquals(1, rm.exit());
        assertEquals("Error response from daemon: remove " + name + ": volume is in use - [" + id + "]\n", rm.stderr());
        Daemon.Result forced = daemon.cli(client, "volume", "rm", "-f", name);
        assertEquals(1, forced.exit(), "force does not remove a volume in use");
        assertEquals(name + "\n", daemon.cli(client, "volume", "ls", "-q", "--filter", "name=^" + name + "$").stdout());
        assertEquals("data\n", daemon.cli(client, "exec", "user-" + client, "cat", "/d/f").stdout());
        assertFalse(daemon.cli(client, "volume", "ls", "-q", "--filter", "dangling=true").stdout().lines()
                .anyMatch(name::equals), "in use: not dangling");

        assertEquals(0, daemon.cli(client, "rm", "-f", "user-" + client).exit());
        assertEquals(0, daemon.cli(client, "volume", "rm", name).exit(), "free once its container is gone");
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void pruneTakesAnonymousVolumesUnlessAll(String client) {
        String named = "named-" + client;
        assertEquals(0, daemon.cli(client, "volume", "create", "--label", "prune=" + client, named).exit());
        Daemon.Result c = daemon.cli(client, "create", "-v", "/anon", "--label", "prune=" + client, "busybox", "true");
        assertEquals(0, c.exit(), c::toString);
        String anonymous = daemon.cli(client, "inspect", "--format", "{{range .Mounts}}{{.Name}}{{end}}",
                c.stdout().strip()).stdout().strip();
        assertEquals(64, anonymous.length(), "an anonymous volume has a random 64-hex name");
        assertEquals("\n", daemon.cli(client, "volume", "inspect", "--format",
                "{{index .Labels \"com.docker.volume.anonymous\"}}", anonymous).stdout());

        Daemon.Result inUse = daemon.cli(client, "volume", "prune", "-f", "--filter", "label=prune=" + client);
        assertFalse(inUse.stdout().contains(anonymous), "a volume in use is kept: " + inUse);
        assertEquals(0, daemon.cli(client, "rm", c.stdout().strip()).exit(), "rm without -v keeps the volume");

        Daemon.Result prune = daemon.cli(client, "volume", "prune", "-f");
        assertTrue(prune.stdout().contains("Deleted Volumes:\n") && prune.stdout().contains(anonymous + "\n"),
                prune::toString);
        assertFalse(prune.stdout().contains(named), "without -a a named volume stays");
        assertEquals(named + "\n", daemon.cli(client, "volume", "ls", "-q", "--filter", "name=" + named).stdout());

        Daemon.Result all = daemon.cli(client, "volume", "prune", "-a", "-f", "--filter", "label=prune=" + client);
        assertTrue(all.stdout().contains(named + "\n"), all::toString);
        assertEquals("", daemon.cli(client, "volume", "ls", "-q", "--filter", "name=" + named).stdout());
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void badVolumeInputsAreRefusedAndMakeNothing(String client) {
        Daemon.Result badName = daemon.cli(client, "volume", "create", "bad/name");
        assertNotEquals(0, badName.exit());
        assertTrue(badName.stderr().contains("\"bad/name\" includes invalid characters for a local volume name"),
                badName::toString);
        Daemon.Result badOption = daemon.cli(client, "volume", "create", "-o", "colour=red", "opt-" + client);
        assertNotEquals(0, badOption.exit());
        assertTrue(badOption.stderr().contains("invalid option: \"colour\""), badOption::toString);
        Daemon.Result missing = daemon.cli(client, "volume", "create", "-o", "type=tmpfs", "opt-" + client);
        assertTrue(missing.stderr().contains("missing required option: \"device\""), missing::toString);
        Daemon.Result driver = daemon.cli(client, "volume", "create", "-d", "nfs-plugin", "opt-" + client);
        assertNotEquals(0, driver.exit());
        assertTrue(driver.stderr().contains("plugin \"nfs-plugin\" not found"), driver::toString);
        assertEquals("", daemon.cli(client, "volume", "ls", "-q", "--filter", "name=opt-").stdout());
        assertFalse(Files.exists(daemon.root.resolve("volumes/opt-" + client)));
        Daemon.Result filter = daemon.cli(client, "volume", "ls", "--filter", "colour=red");
        assertNotEquals(0, filter.exit());
        assertTrue(filter.stderr().contains("invalid filter 'colour'"), filter::toString);
    }

    @Test
    void tmpfsTypedVolumeIsMountedWhileUsedWithItsSize() throws Exception {
        assertEquals(0, daemon.docker("volume", "create", "--driver", "local", "-o", "type=tmpfs", "-o",
                "device=tmpfs", "-o", "o=size=1m", "ram").exit());
        Path data = daemon.root.resolve("volumes/ram/_data");
        assertFalse(isMountPoint(data), "mounted only when used");
        assertEquals(0, daemon.docker("run", "-d", "--name", "ramuser", "-v", "ram:/r", "busybox", "sh", "-c",
                "echo hot > /r/f; sleep 100").exit());
        assertTrue(isMountPoint(data), "mounted while a container uses it");
        Daemon.Result df = daemon.docker("exec", "ramuser", "df", "-k", "/r");
        assertTrue(df.stdout().lines().anyMatch(l -> l.startsWith("tmpfs") && l.contains(" 1024 ")), df::toString);
        assertTrue(Daemon.eventually(java.time.Duration.ofSeconds(5),
                () -> readFile(data.resolve("f")).equals("hot\n")), "the host sees the tmpfs");
        Daemon.Result second = daemon.docker("run", "--rm", "-v", "ram:/r", "busybox", "cat", "/r/f");
        assertEquals("hot\n", second.stdout(), "a second user shares it: " + second);
        Daemon.Result inspect = daemon.docker("volume", "inspect", "--format", "{{json .Options}}", "ram");
        assertEquals("{\"device\":\"tmpfs\",\"o\":\"size=1m\",\"type\":\"tmpfs\"}\n", inspect.stdout());

        assertEquals(0, daemon.docker("rm", "-f", "ramuser").exit());
        assertTrue(Daemon.eventually(java.time.Duration.ofSeconds(5), () -> !isMountPoint(data)),
                "unmounted when the last user stops");
        assertEquals(0, daemon.docker("volume", "rm", "ram").exit());
    }

    @Test
    void bindTypedVolumeShowsItsDeviceAndRemovingItKeepsTheDevice() throws Exception {
        Path device = Files.createTempDirectory(daemon.root.getParent(), "device-");
        Files.writeString(device.resolve("host.txt"), "from host\n");
        assertEquals(0, daemon.berth("volume", "create", "-o", "type=none", "-o", "o=bind", "-o",
                "device=" + device, "bound").exit());
        Daemon.Result read = daemon.berth("run", "--rm", "-v", "bound:/b", "busybox", "sh", "-c",
                "cat /b/host.txt; echo back > /b/written");
        assertEquals("from host\n", read.stdout(), read::toString);
        assertEquals("back\n", readFile(device.resolve("written")));
        assertTrue(Daemon.eventually(java.time.Duration.ofSeconds(5),
                () -> !isMountPoint(daemon.root.resolve("volumes/bound/_data"))));
        assertEquals(0, daemon.berth("volume", "rm", "bound").exit());
        assertEquals("from host\n", readFile(device.resolve("host.txt")), "the device's files are the user's");
    }

    @Test
    void apiShapesAndStatuses() {
        assertEquals("201", api("POST", "/volumes/create", "{\"Name\":\"api1\",\"Labels\":{\"k\":\"v\"}}").getLast());
        List<String> list = api("GET", "/volumes?filters=" + urlEncode("{\"name\":[\"^api1$\"]}"), null);
        assertEquals("200", list.getLast());
        assertTrue(list.getFirst().startsWith("{\"Volumes\":[{\"CreatedAt\":\"") && list.getFirst().endsWith(
                "\"Driver\":\"local\",\"Labels\":{\"k\":\"v\"},\"Mountpoint\":\"" + daemon.root.resolve("volumes/api1/_data")
                        + "\",\"Name\":\"api1\",\"Options\":null,\"Scope\":\"local\"}],\"Warnings\":[]}"), list::toString);
        assertEquals("404", api("GET", "/volumes/nope", null).getLast());
        assertEquals("{\"message\":\"get nope: no such volume\"}", api("GET", "/volumes/nope", null).getFirst());
        assertEquals("404", api("DELETE", "/volumes/nope", null).getLast());
        assertEquals("204", api("DELETE", "/volumes/nope?force=1", null).getLast());
        assertEquals("400", api("POST", "/volumes/create", "{\"Name\":\"a b\"}").getLast());
        assertEquals("400", api("POST", "/volumes/create", "{\"Name\":").getLast());
        assertEquals("400", api("GET", "/volumes?filters=" + urlEncode("{\"dangling\":[\"maybe\"]}"), null).getLast());
        List<String> created = api("POST", "/containers/create", "{\"Image\":\"busybox\",\"Cmd\":[\"true\"],"
                + "\"HostConfig\":{\"Binds\":[\"api1:/a\"]}}");
        assertEquals("201", created.getLast(), created::toString);
        assertEquals("409", api("DELETE", "/volumes/api1", null).getLast());
        List<String> prune = api("POST", "/volumes/prune", null);
        assertEquals("{\"VolumesDeleted\":[],\"SpaceReclaimed\":0}", prune.getFirst(), "api1 is named and in use");
        // API 1.41 clients (docker-py 5) prune every unused volume, named ones too
        String id = created.getFirst().replaceAll(".*\"Id\":\"([0-9a-f]+)\".*", "$1");
        assertEquals("204", api("DELETE", "/containers/" + id, null).getLast());
        List<String> old = apiAt("/v1.41", "POST", "/volumes/prune?filters=" + urlEncode("{\"label\":[\"k=v\"]}"), null);
        assertEquals("{\"VolumesDeleted\":[\"api1\"],\"SpaceReclaimed\":0}", old.getFirst(), old::toString);
    }

    @Test
    void volumeEventsAndTheirFilter() throws Exception {
        String since = Long.toString(System.currentTimeMillis() / 1000 - 1);
        assertEquals(0, daemon.docker("volume", "create", "ev").exit());
        assertEquals(0, daemon.docker("run", "--rm", "-v", "ev:/e", "busybox", "true").exit());
        assertEquals(0, daemon.docker("volume", "create", "other-ev").exit());
        assertTrue(Daemon.eventually(java.time.Duration.ofSeconds(5), () -> daemon.docker("volume", "rm", "ev").exit() == 0));
        String until = Long.toString(System.currentTimeMillis() / 1000 + 1);
        Daemon.Result events = daemon.docker("events", "--since", since, "--until", until, "--filter", "volume=ev",
                "--format", "{{.Type}} {{.Action}} {{.Actor.ID}} {{.Actor.Attributes.destination}}");
        assertEquals("volume create ev <no value>\nvolume mount ev /e\nvolume unmount ev <no value>\n"
                + "volume destroy ev <no value>\n", events.stdout(), events::toString);
        assertEquals(0, daemon.docker("volume", "rm", "other-ev").exit());
    }

    private List<String> api(String method, String path, String body) {
        return apiAt("/v1.51", method, path, body);
    }

    /** The body and then the status of one call over the socket. */
    private List<String> apiAt(String version, String method, String path, String body) {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "-s", "--unix-socket", daemon.socket.toString(),
                "-X", method, "-w", "\n%{http_code}"));
        if (body != null) {
            command.addAll(List.of("-H", "Content-Type: application/json", "-d", body));
        }
        command.add("http://localhost" + version + path);
        Daemon.Result r = daemon.run(command, null);
        int nl = r.stdout().lastIndexOf('\n');
        return List.of(r.stdout().substring(0, nl).strip(), r.stdout().substring(nl + 1).strip());
    }

    private static String urlEncode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    static boolean isMountPoint(Path dir) {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .anyMatch(l -> l.split(" ")[4].equals(dir.toString()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String readFile(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
