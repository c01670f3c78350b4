package berth.runtime.spec;

import berth.oci.container.ContainerConfig;
import berth.oci.container.HostConfig;
import berth.oci.errors.InvalidArgument;
import berth.runtime.Host;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpecGeneratorTest {
    @TempDir
    static Path rootfs;
    private static final Set<String> BOUNDING = new HashSet<>(Capabilities.ALL);
    private static SpecGenerator gen;
    private static Host host;

    @BeforeAll
    static void setUp() throws IOException {
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/passwd"),
                "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:app:/home/app:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\napp:x:1001:\nstaff:x:50:app\n");
        BOUNDING.remove("CAP_SYS_RESOURCE");
        host = new Host(Host.CgroupMode.V1_HYBRID, "crun", Map.of("crun", Path.of("/usr/bin/crun")),
                Path.of("/usr/bin/conmon"), Optional.of(Path.of("/usr/bin/tini-static")),
                Map.of("RLIMIT_NOFILE", 20000L), BOUNDING, true);
        gen = new SpecGenerator(host);
    }

    private static HostConfig hc(Map<String, Object> fields) {
        return berth.oci.Json.MAPPER.convertValue(fields, HostConfig.class);
    }

    private static ContainerConfig cfg(Map<String, Object> fields) {
        return berth.oci.Json.MAPPER.convertValue(fields, ContainerConfig.class);
    }

    private static ObjectNode spec(ContainerConfig c, HostConfig h) {
        return gen.generate(ContainerSpecInput.of("abc123", rootfs, List.of("sh"), c, h));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void defaultsAreDockers() {
        ObjectNode s = spec(ContainerConfig.EMPTY, HostConfig.EMPTY);
        assertEquals(new HashSet<>(Capabilities.DEFAULT), new HashSet<>(strings(s.at("/process/capabilities/bounding"))));
        assertEquals("SCMP_ACT_ERRNO", s.at("/linux/seccomp/defaultAction").asText());
        assertTrue(strings(s.at("/linux/maskedPaths")).contains("/proc/kcore"));
        assertTrue(strings(s.at("/linux/readonlyPaths")).contains("/proc/sys"));
        assertEquals("/berth/abc123", s.at("/linux/cgroupsPath").asText());
        assertFalse(s.at("/process").has("rlimits"), "no rlimits unless asked");
        assertFalse(s.at("/root/readonly").asBoolean());
        assertEquals(List.of("pid", "ipc", "uts", "mount", "network"),
                s.at("/linux/namespaces").findValuesAsText("type"));
        List<String> env = strings(s.at("/process/env"));
        assertTrue(env.contains("PATH=" + SpecGenerator.DEFAULT_PATH), env.toString());
        assertTrue(env.contains("HOSTNAME=abc123"), env.toString());
        assertEquals(0, s.at("/process/user/uid").asInt());
    }

    @Test
    void capAddAndDropAcceptNamesWithAndWithoutPrefix() {
        ObjectNode s = spec(ContainerConfig.EMPTY, hc(Map.of("CapAdd", List.of("net_admin", "CAP_SYS_PTRACE"),
                "CapDrop", List.of("chown", "CAP_KILL"))));
        List<String> caps = strings(s.at("/process/capabilities/effective"));
        assertTrue(caps.contains("CAP_NET_ADMIN") && caps.contains("CAP_SYS_PTRACE"));
        assertFalse(caps.contains("CAP_CHOWN") || caps.contains("CAP_KILL"));
        // seccomp follows the capabilities: ptrace is allowed once CAP_SYS_PTRACE is granted
        assertTrue(s.at("/linux/seccomp/syscalls").toString().contains("\"ptrace\""));
    }

    @Test
    void dropAllKeepsOnlyAdds() {
        ObjectNode s = spec(ContainerConfig.EMPTY, hc(Map.of("CapAdd", List.of("NET_BIND_SERVICE"),
                "CapDrop", List.of("ALL"))));
        assertEquals(List.of("CAP_NET_BIND_SERVICE"), strings(s.at("/process/capabilities/bounding")));
    }

    @Test
    void addAllGrantsEveryBoundedCapability() {
        ObjectNode s = spec(ContainerConfig.EMPTY, hc(Map.of("CapAdd", List.of("all"))));
        List<String> caps = strings(s.at("/process/capabilities/bounding"));
        assertTrue(caps.contains("CAP_SYS_ADMIN"));
        assertFalse(caps.contains("CAP_SYS_RESOURCE"), "not in the daemon's bounding set");
    }

    @Test
    void unknownCapabilityIsRefused() {
        assertThrows(InvalidArgument.class, () -> spec(ContainerConfig.EMPTY, hc(Map.of("CapAdd", List.of("FLY")))));
    }

    @Test
    void privilegedLiftsConfinement() {
        ObjectNode s = spec(ContainerConfig.EMPTY, hc(Map.of("Privileged", true)));
        assertFalse(s.at("/linux").has("seccomp"));
        assertFalse(s.at("/linux").has("maskedPaths"));
        assertFalse(s.at("/linux").has("readonlyPaths"));
        assertTrue(s.at("/process/capabilities/bounding").size() > 30);
        JsonNode devices = s.at("/linux/resources/devices");
        assertEquals(1, devices.size());
        assertTrue(devices.get(0).path("allow").asBoolean());
        JsonNode hostNull = null;
        for (JsonNode d : s.at("/linux/devices")) {
            if (d.path("path").asText().equals("/dev/null")) {
                hostNull = d;
            }
        }
        assertEquals("c 1 3", hostNull.path("type").asText() + " " + hostNull.path("major") + " " + hostNull.path("minor"));
        assertFalse(s.at("/linux/devices").toString().contains("/dev/pts/"), "the container has its own pts");
    }

    @Test
    void unprivilegedContainerGetsNoHostDevices() {
        assertFalse(spec(ContainerConfig.EMPTY, HostConfig.EMPTY).at("/linux").has("devices"));
    }

    @Test
    void ownNetworkNamespaceGetsDockersSysctlsWhichSysctlFlagsOverride() {
        ObjectNode s = spec(ContainerConfig.EMPTY, hc(Map.of("Sysctls", Map.of("net.ipv4.ip_unprivileged_port_start", "80"))));
        JsonNode sysctl = s.at("/linux/sysctl");
        assertEquals("80", sysctl.path("net.ipv4.ip_unprivileged_port_start").asText());
        if (Files.exists(Path.of("/proc/sys/net/ipv4/ping_group_range"))) {
            assertEquals("0 2147483647", sysctl.path("net.ipv4.ping_group_range").asText());
        }
        ObjectNode host = spec(ContainerConfig.EMPTY, hc(Map.of("NetworkMode", "host")));
        assertFalse(host.at("/linux").has("sysctl"), "the host's own network sysctls are left alone");
    }

    @Test
    void readOnlyTmpfsAndNoNewPrivileges() {
        ObjectNode s = spec(ContainerConfig.EMPTY, hc(Map.of("ReadonlyRootfs", true,
                "Tmpfs", Map.of("/run", "size=1m,exec"), "SecurityOpt", List.of("no-new-privileges"))));
        assertTrue(s.at("/root/readonly").asBoolean());
        assertTrue(s.at("/process/noNewPrivileges").asBoolean());
        JsonNode run = null;
        for (JsonNode m : s.at("/mounts")) {
            if (m.path("destination").asText().equals("/run")) {
                run = m;
            }
        }
        assertEquals("tmpfs", run.path("type").asText());
        List<String> opts = strings(run.path("options"));
        assertTrue(opts.contains("size=1m") && !opts.contains("noexec"), opts.toString());
    }

    @Test
    void requestedMountsGoParentsFirstAndASlaveBindMakesTheRootSlave() {
        List<SpecMount> requested = List.of(
                SpecMount.bind(Path.of("/srv/inner"), "/data/inner", true, "rprivate", true),
                SpecMount.bind(Path.of("/srv"), "/data", false, "rslave", true),
                SpecMount.tmpfs("/scratch", "ro,size=1m"));
        ObjectNode s = gen.generate(new ContainerSpecInput("abc123", rootfs, List.of("sh"), ContainerConfig.EMPTY,
                hc(Map.of("Tmpfs", Map.of("/data/inner/t", ""))), "h", java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(), requested));
        List<String> order = new java.util.ArrayList<>();
        for (JsonNode m : s.at("/mounts")) {
            order.add(m.path("destination").asText());
        }
        assertTrue(order.indexOf("/data") < order.indexOf("/data/inner")
                && order.indexOf("/data/inner") < order.indexOf("/data/inner/t"), order.toString());
        JsonNode inner = s.at("/mounts/" + order.indexOf("/data/inner"));
        assertEquals(List.of("rbind", "rprivate", "ro"), strings(inner.path("options")));
        assertEquals("/srv/inner", inner.path("source").asText());
        assertEquals(List.of("nosuid", "nodev", "noexec", "ro", "size=1m"),
                strings(s.at("/mounts/" + order.indexOf("/scratch") + "/options")));
        assertEquals("rslave", s.at("/linux/rootfsPropagation").asText());
        assertTrue(spec(ContainerConfig.EMPTY, HostConfig.EMPTY).at("/linux/rootfsPropagation").isMissingNode(),
                "no propagation asked: the runtime's default");
    }

    @Test
    void resourcesBecomeCgroupLimits() {
        ObjectNode s = spec(ContainerConfig.EMPTY, hc(Map.of("Memory", 64L << 20, "NanoCpus", 1_500_000_000L,
                "CpuShares", 512, "PidsLimit", 100)));
        assertEquals(64L << 20, s.at("/linux/resources/memory/limit").asLong());
        assertEquals(128L << 20, s.at("/linux/resources/memory/swap").asLong());
        assertEquals(150000, s.at("/linux/resources/cpu/quota").asLong());
        assertEquals(100000, s.at("/linux/resources/cpu/period").asLong());
        assertEquals(512, s.at("/linux/resources/cpu/shares").asLong());
        assertEquals(100, s.at("/linux/resources/pids/limit").asLong());
    }

    @Test
    void ulimitIsClampedToTheDaemonsHardLimit() {
        ObjectNode s = spec(ContainerConfig.EMPTY, hc(Map.of("Ulimits",
                List.of(Map.of("Name", "nofile", "Soft", 1048576, "Hard", 1048576), Map.of("Name", "core", "Soft", 0, "Hard", 0)))));
        JsonNode r = s.at("/process/rlimits");
        assertEquals("RLIMIT_NOFILE", r.get(0).path("type").asText());
        assertEquals(20000, r.get(0).path("hard").asLong());
        assertEquals(20000, r.get(0).path("soft").asLong());
        assertEquals(0, r.get(1).path("hard").asLong());
    }

    @Test
    void hostNetworkSharesNetAndUts() {
        ObjectNode s = spec(ContainerConfig.EMPTY, hc(Map.of("NetworkMode", "host")));
        List<String> types = s.at("/linux/namespaces").findValuesAsText("type");
        assertFalse(types.contains("network") || types.contains("uts"));
        assertFalse(s.has("hostname"));
    }

    @Test
    void userIsResolvedInTheContainersFiles() {
        ObjectNode s = spec(cfg(Map.of("User", "app")), HostConfig.EMPTY);
        assertEquals(1000, s.at("/process/user/uid").asInt());
        assertEquals(1001, s.at("/process/user/gid").asInt());
        assertEquals(50, s.at("/process/user/additionalGids/0").asInt());
        ObjectNode numeric = spec(cfg(Map.of("User", "4242:staff")), HostConfig.EMPTY);
        assertEquals(4242, numeric.at("/process/user/uid").asInt());
        assertEquals(50, numeric.at("/process/user/gid").asInt());
    }

    @Test
    void unknownUserOrGroupIsAClearError() {
        InvalidArgument u = assertThrows(InvalidArgument.class, () -> spec(cfg(Map.of("User", "ghost")), HostConfig.EMPTY));
        assertTrue(u.getMessage().contains("unable to find user ghost"), u.getMessage());
        InvalidArgument g = assertThrows(InvalidArgument.class, () -> spec(cfg(Map.of("User", "app:ghosts")), HostConfig.EMPTY));
        assertTrue(g.getMessage().contains("unable to find group ghosts"), g.getMessage());
    }

    @Test
    void initIsBoundAndPrepended() {
        ObjectNode s = spec(ContainerConfig.EMPTY, hc(Map.of("Init", true)));
        assertEquals(List.of(SpecGenerator.INIT_PATH, "--", "sh"), strings(s.at("/process/args")));
        assertTrue(s.at("/mounts").toString().contains("/usr/bin/tini-static"));
    }

    @Test
    void terminalSetsTermAndFlag() {
        ObjectNode s = spec(cfg(Map.of("Tty", true, "Env", List.of("TERM=vt100", "A=b"), "WorkingDir", "/tmp")),
                HostConfig.EMPTY);
        assertTrue(s.at("/process/terminal").asBoolean());
        List<String> env = strings(s.at("/process/env"));
        assertTrue(env.contains("TERM=vt100") && env.contains("A=b"), env.toString());
        assertEquals("/tmp", s.at("/process/cwd").asText());
    }
}
