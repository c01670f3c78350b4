package berth.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The confinement flags of {@code run}, checked from inside real containers the way docker documents them: default
 * capabilities and seccomp, masked and read-only kernel paths, {@code --privileged}, {@code --cap-add/--cap-drop},
 * no-new-privileges, {@code --read-only}, {@code -u}, {@code -w}, {@code --hostname}, {@code --network},
 * {@code --init} and {@code --runtime runc}.
 */
class SecurityTest extends SharedDaemonTest {
    /** Docker's default capability set as a CapEff mask. */
    private static final long DEFAULT_CAPS = 0xa80425fbL;
    private static final long CAP_CHOWN = 1L;
    private static final long CAP_NET_ADMIN = 1L << 12;
    @Test
    void defaultContainerHasDockersCapabilitiesAndSeccompFilter() {
        String status = daemon.dockerRunOk("busybox", "cat", "/proc/self/status");
        assertEquals(DEFAULT_CAPS, mask(status, "CapEff"), status);
        assertEquals(DEFAULT_CAPS, mask(status, "CapBnd"), status);
        assertEquals("2", field(status, "Seccomp"), status);
        assertEquals("0", field(status, "NoNewPrivs"), status);
        String berth = daemon.berthRunOk("busybox", "cat", "/proc/self/status");
        assertEquals(DEFAULT_CAPS, mask(berth, "CapEff"), berth);
        assertEquals("2", field(berth, "Seccomp"), berth);
    }

    @Test
    void defaultSeccompProfileRefusesUnshareAndMountUnlessSysAdminIsGranted() {
        // A user namespace needs no capability at all: only the seccomp profile stands in the way.
        Daemon.Result unshare = daemon.docker("run", "--rm", "busybox", "unshare", "-U", "true");
        assertNotEquals(0, unshare.exit(), unshare::toString);
        assertTrue(unshare.stderr().contains("Operation not permitted"), unshare::toString);
        Daemon.Result mount = daemon.docker("run", "--rm", "busybox", "mount", "-t", "tmpfs", "none", "/mnt");
        assertNotEquals(0, mount.exit(), mount::toString);
        String mounted = daemon.dockerRunOk("--cap-add", "SYS_ADMIN", "busybox", "sh", "-c",
                "mkdir -p /mnt && mount -t tmpfs none /mnt && grep ' /mnt ' /proc/mounts");
        assertTrue(mounted.contains("tmpfs"), mounted);
    }

    @Test
    void kernelPathsAreMaskedAndReadOnly() throws IOException {
        // /proc/kcore and /proc/sysrq-trigger are checked only where the host kernel has them.
        List<String> masked = existingOnHost("/proc/kcore", "/proc/keys", "/proc/timer_list");
        assertTrue(masked.size() >= 2, "host lacks the masked files " + masked);
        try (var firmware = Files.list(Path.of("/sys/firmware"))) {
            assertTrue(firmware.findAny().isPresent(), "the host's /sys/firmware has entries to hide");
        }
        String sizes = daemon.dockerRunOk("busybox", "sh", "-c",
                "for f in " + String.join(" ", masked) + "; do printf '%s ' $(cat $f | wc -c); done; ls -A /sys/firmware | wc -l");
        assertEquals("0 ".repeat(masked.size()) + "0", sizes.strip(), "bytes readable from " + masked + ", /sys/firmware entries");
        Daemon.Result sysctl = daemon.docker("run", "--rm", "busybox", "sh", "-c", "echo berth > /proc/sys/kernel/domainname");
        assertNotEquals(0, sysctl.exit(), sysctl::toString);
        assertTrue(sysctl.stderr().contains("Read-only file system"), sysctl::toString);
        for (String path : existingOnHost("/proc/sysrq-trigger")) {
            Daemon.Result sysrq = daemon.docker("run", "--rm", "busybox", "sh", "-c", "echo h > " + path);
            assertTrue(sysrq.stderr().contains("Read-only file system"), sysrq::toString);
        }
    }

    @Test
    void privilegedGetsTheBoundingSetNoSeccompUnmaskedPathsAndHostDevices() throws IOException {
        String hostDevice = firstBlockDevice();
        String status = daemon.dockerRunOk("--privileged", "busybox", "sh", "-c",
                "cat /proc/self/status; grep -c ' /proc/keys ' /proc/mounts; [ -b " + hostDevice + " ] && echo device");
        long bounding = mask(Files.readString(Path.of("/proc/self/status")), "CapBnd");
        assertEquals(bounding, mask(status, "CapEff"), status);
        assertEquals("0", field(status, "Seccomp"), status);
        assertTrue(status.contains("\n0\ndevice\n"), "/proc/keys unmasked and " + hostDevice + " present: " + status);
        Daemon.Result confined = daemon.docker("run", "--rm", "busybox", "test", "-e", hostDevice);
        assertEquals(1, confined.exit(), "an unprivileged container does not see " + hostDevice);
    }

    @Test
    void capAddAndCapDropChangeTheSetAndWhatTheProcessMayDo() {
        String changed = daemon.dockerRunOk("--cap-drop", "CHOWN", "--cap-add", "NET_ADMIN", "busybox", "sh", "-c",
                "grep CapEff /proc/self/status; chown 1 /tmp || echo chown refused; ip link set lo mtu 1280 && echo mtu set");
        assertEquals((DEFAULT_CAPS & ~CAP_CHOWN) | CAP_NET_ADMIN, mask(changed, "CapEff"), changed);
        assertTrue(changed.contains("chown refused") && changed.contains("mtu set"), changed);
        Daemon.Result noNetAdmin = daemon.docker("run", "--rm", "busybox", "ip", "link", "set", "lo", "mtu", "1280");
        assertNotEquals(0, noNetAdmin.exit(), noNetAdmin::toString);
        String none = daemon.berthRunOk("--cap-drop", "ALL", "busybox", "grep", "CapEff", "/proc/self/status");
        assertEquals(0, mask(none, "CapEff"), none);
        String onlyChown = daemon.dockerRunOk("--cap-drop", "all", "--cap-add", "chown", "busybox", "grep", "CapEff",
                "/proc/self/status");
        assertEquals(CAP_CHOWN, mask(onlyChown, "CapEff"), onlyChown);
    }

    @Test
    void unknownCapabilityIsRefusedAtCreateAndLeavesNoContainer() {
        Daemon.Result create = daemon.docker("create", "--name", "bad-cap", "--cap-add", "FLY", "busybox");
        assertNotEquals(0, create.exit(), create::toString);
        assertTrue(create.stderr().contains("invalid CapAdd: unknown capability: \"CAP_FLY\""), create::toString);
        assertEquals("", daemon.docker("ps", "-aq", "--filter", "name=bad-cap").stdout().strip());
    }

    @Test
    void noNewPrivilegesSecurityOptSetsTheFlag() {
        String status = daemon.dockerRunOk("--security-opt", "no-new-privileges", "busybox", "cat", "/proc/self/status");
        assertEquals("1", field(status, "NoNewPrivs"), status);
        String berth = daemon.berthRunOk("--security-opt", "no-new-privileges:true", "busybox", "cat", "/proc/self/status");
        assertEquals("1", field(berth, "NoNewPrivs"), berth);
    }

    @Test
    void readOnlyRootRefusesWritesWhileTmpfsStaysWritable() {
        Daemon.Result write = daemon.docker("run", "--rm", "--read-only", "--tmpfs", "/tmp", "busybox", "sh", "-c",
                "touch /tmp/ok && echo tmp writable; touch /root-file");
        assertNotEquals(0, write.exit(), write::toString);
        assertEquals("tmp writable\n", write.stdout(), write::toString);
        assertTrue(write.stderr().contains("Read-only file system"), write::toString);
        String berth = daemon.berthRunOk("--read-only", "--tmpfs", "/tmp", "busybox", "sh", "-c",
                "touch /tmp/ok && grep ' /tmp ' /proc/mounts");
        assertTrue(berth.startsWith("tmpfs /tmp tmpfs rw"), berth);
    }

    @Test
    void userFlagSetsTheProcessIdentity() {
        assertEquals("uid=65534(nobody) gid=65534(nogroup)\n", daemon.dockerRunOk("-u", "nobody", "busybox", "id"));
        assertEquals("uid=1000 gid=1000\n", daemon.dockerRunOk("-u", "1000:1000", "busybox", "id"));
        assertEquals("uid=1000 gid=1000\n", daemon.berthRunOk("-u", "1000:1000", "busybox", "id"));
    }

    @Test
    void workdirAndHostnameAreApplied() {
        assertEquals("/tmp\n", daemon.dockerRunOk("-w", "/tmp", "busybox", "pwd"));
        assertEquals("h\n", daemon.dockerRunOk("--hostname", "h", "busybox", "hostname"));
        assertEquals("/tmp h\n", daemon.berthRunOk("-w", "/tmp", "--hostname", "h", "busybox", "sh", "-c",
                "echo $(pwd) $(hostname)"));
    }

    @Test
    void networkNoneHasOnlyLoopbackAndNetworkHostSeesTheHostsInterfaces() throws IOException {
        assertEquals(Set.of("lo"), interfaces(daemon.dockerRunOk("--network", "none", "busybox", "cat", "/proc/net/dev")));
        // The same network namespace as the host's (the host's links come and go with the default bridge's spare
        // sandboxes, so comparing link lists would race), and so the host's links.
        String hostNetns = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        assertEquals(hostNetns + "\n", daemon.dockerRunOk("--network", "host", "busybox", "readlink", "/proc/self/ns/net"));
        Set<String> seen = interfaces(daemon.dockerRunOk("--network", "host", "busybox", "cat", "/proc/net/dev"));
        assertTrue(seen.size() > 1 && seen.contains("lo"), seen::toString);
    }

    @Test
    void initRunsTiniAsPid1() {
        String out = daemon.dockerRunOk("--init", "busybox", "sh", "-c",
                "tr '\\0' ' ' < /proc/1/cmdline; echo; /sbin/docker-init --version");
        assertTrue(out.startsWith("/sbin/docker-init -- sh -c"), out);
        assertTrue(out.contains("tini version"), out);
        assertEquals("docker-init\n", daemon.berthRunOk("--init", "busybox", "cat", "/proc/1/comm"));
    }

    @Test
    void runcRuntimeRunsWithTheSameConfinement() {
        String status = daemon.dockerRunOk("--runtime", "runc", "busybox", "cat", "/proc/self/status");
        assertEquals(DEFAULT_CAPS, mask(status, "CapEff"), status);
        assertEquals("2", field(status, "Seccomp"), status);
        Daemon.Result unshare = daemon.docker("run", "--rm", "--runtime", "runc", "busybox", "unshare", "-U", "true");
        assertNotEquals(0, unshare.exit(), unshare::toString);
        Daemon.Result created = daemon.docker("create", "--runtime", "runc", "--name", "on-runc", "busybox", "true");
        assertEquals(0, created.exit(), created::toString);
        assertEquals("runc\n", daemon.docker("inspect", "--format", "{{.HostConfig.Runtime}}", "on-runc").stdout());
        assertEquals(0, daemon.docker("rm", "on-runc").exit());
    }

    private static String field(String status, String name) {
        return status.lines().filter(l -> l.startsWith(name + ":")).findFirst()
                .map(l -> l.substring(name.length() + 1).strip())
                .orElseThrow(() -> new AssertionError("no " + name + " in " + status));
    }

    private static long mask(String status, String name) {
        return Long.parseUnsignedLong(field(status, name), 16);
    }

    private static List<String> existingOnHost(String... paths) {
        List<String> out = new ArrayList<>();
        for (String p : paths) {
            if (Files.exists(Path.of(p))) {
                out.add(p);
            }
        }
        return out;
    }

    /** The interface names of a {@code /proc/net/dev}. */
    private static Set<String> interfaces(String procNetDev) {
        Set<String> names = new TreeSet<>();
        procNetDev.lines().skip(2).forEach(l -> names.add(l.substring(0, l.indexOf(':')).strip()));
        return names;
    }

    /** A block device in the host's /dev, which only a privileged container gets. */
    private static String firstBlockDevice() throws IOException {
        try (DirectoryStream<Path> dev = Files.newDirectoryStream(Path.of("/dev"))) {
            for (Path p : dev) {
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                if ((mode & 0170000) == 0060000) {
                    return p.toString();
                }
            }
        }
        throw new AssertionError("the host has no block device in /dev");
    }

    @Test
    void aPrecompiledSeccompFilterStillRefusesWhatTheProfileRefuses() throws IOException {
        daemon.docker("run", "--rm", "busybox", "true");
        Daemon.Result run = daemon.docker("run", "-d", "busybox", "sleep", "30");
        String id = run.stdout().strip();
        try {
            String spec = Files.readString(daemon.root.resolve("containers").resolve(id).resolve("config.json"));
            assertTrue(spec.contains("run.oci.seccomp_bpf_data"), "the second container gets crun's compiled filter");
            Daemon.Result unshare = daemon.docker("exec", id, "unshare", "-U", "true");
            assertNotEquals(0, unshare.exit(), unshare::toString);
            assertTrue(unshare.stderr().contains("Operation not permitted"), unshare::toString);
            Daemon.Result status = daemon.docker("exec", id, "grep", "Seccomp:", "/proc/self/status");
            assertTrue(status.stdout().contains("2"), status::toString);
        } finally {
            daemon.docker("rm", "-f", id);
        }
    }

    @Test
    void aCustomSeccompProfileFileIsApplied() throws IOException {
        Path profile = Files.createTempFile("berth-seccomp", ".json");
        try {
            Files.writeString(profile, """
                    {"defaultAction": "SCMP_ACT_ALLOW",
                     "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
                    """);
            Daemon.Result blocked = daemon.docker("run", "--rm", "--security-opt", "seccomp=" + profile, "busybox",
                    "mkdir", "/tmp/x");
            assertNotEquals(0, blocked.exit(), blocked::toString);
            assertTrue(blocked.stderr().contains("Operation not permitted"), blocked::toString);
            Daemon.Result allowed = daemon.docker("run", "--rm", "--security-opt", "seccomp=" + profile, "busybox",
                    "unshare", "-U", "true");
            assertEquals(0, allowed.exit(), "the profile allows what the default refuses: " + allowed);
        } finally {
            Files.delete(profile);
        }
    }

    @Test
    void unknownSecurityOptionsAndBrokenProfilesAreRefusedAtCreate() throws IOException {
        String before = daemon.docker("ps", "-aq").stdout();
        Daemon.Result unknown = daemon.docker("create", "--security-opt", "bogus=1", "busybox", "true");
        assertEquals(1, unknown.exit(), unknown::toString);
        assertTrue(unknown.stderr().contains("invalid --security-opt 2: \"bogus=1\""), unknown::toString);
        Path broken = Files.createTempFile("berth-seccomp", ".json");
        try {
            Files.writeString(broken, "{not json");
            for (String client : List.of("docker", "berth")) {
                Daemon.Result bad = daemon.cli(client, "create", "--security-opt", "seccomp=" + broken, "busybox", "true");
                assertEquals(125, bad.exit(), bad::toString);
                assertTrue(bad.stderr().contains("compacting json for seccomp profile"), bad::toString);
            }
            // An API client that sends a broken profile gets the daemon's own refusal.
            Daemon.Result api = daemon.run(List.of("curl", "-s", "--unix-socket", daemon.socket.toString(),
                    "-H", "Content-Type: application/json", "-d",
                    "{\"Image\":\"busybox\",\"HostConfig\":{\"SecurityOpt\":[\"seccomp={not json\"]}}",
                    "http://berth/v1.51/containers/create"), null);
            assertTrue(api.stdout().contains("Decoding seccomp profile failed"), api::toString);
        } finally {
            Files.delete(broken);
        }
        assertEquals(before, daemon.docker("ps", "-aq").stdout());
    }
}
