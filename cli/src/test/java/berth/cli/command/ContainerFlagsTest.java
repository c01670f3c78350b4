package berth.cli.command;

import berth.cli.UserException;
import berth.cli.format.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerFlagsTest {
    private static ContainerFlags parse(String... args) {
        ContainerFlags flags = new ContainerFlags();
        FlagSet f = new FlagSet().interspersed(false);
        flags.define(f);
        f.parse(List.of(args));
        return flags;
    }

    private static Map<String, Object> body(String... args) {
        return parse(args).createBody("busybox", List.of("echo", "hi"), Map.of("HOME", "/root"), true, new int[] {0, 0});
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> host(Map<String, Object> body) {
        return (Map<String, Object>) body.get("HostConfig");
    }

    @Test
    void theBodyMatchesTheDockerCliField() {
        // the docker CLI 28 sends exactly this for the same flags (captured from its request)
        Map<String, Object> b = body("--rm", "-i", "-e", "A=1", "-m", "64m", "--ulimit", "nofile=100:200", "--restart=no", "--cpus", "1.5",
                "-l", "x=y", "--tmpfs", "/t:size=1m", "--cap-add", "NET_ADMIN", "-p", "8080:80", "-v", "/a:/b", "--init", "--pids-limit", "10",
                "--stop-signal", "TERM", "--stop-timeout", "5", "--entrypoint", "/bin/sh", "-w", "/w", "-u", "1", "--hostname", "h", "--read-only");
        String expected = """
                {"Hostname":"h","Domainname":"","User":"1","AttachStdin":true,"AttachStdout":true,"AttachStderr":true,"ExposedPorts":{"80/tcp":{}},"Tty":false,"OpenStdin":true,"StdinOnce":true,"Env":["A=1"],"Cmd":["echo","hi"],"Image":"busybox","Volumes":{},"WorkingDir":"/w","Entrypoint":["/bin/sh"],"OnBuild":null,"Labels":{"x":"y"},"StopSignal":"TERM","StopTimeout":5,"HostConfig":{"Binds":["/a:/b"],"ContainerIDFile":"","LogConfig":{"Type":"","Config":{}},"NetworkMode":"default","PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"8080"}]},"RestartPolicy":{"Name":"no","MaximumRetryCount":0},"AutoRemove":true,"VolumeDriver":"","VolumesFrom":null,"ConsoleSize":[0,0],"CapAdd":["CAP_NET_ADMIN"],"CapDrop":null,"CgroupnsMode":"","Dns":[],"DnsOptions":[],"DnsSearch":[],"ExtraHosts":null,"GroupAdd":null,"IpcMode":"","Cgroup":"","Links":null,"OomScoreAdj":0,"PidMode":"","Privileged":false,"PublishAllPorts":false,"ReadonlyRootfs":true,"SecurityOpt":null,"Tmpfs":{"/t":"size=1m"},"UTSMode":"","UsernsMode":"","ShmSize":0,"Isolation":"","CpuShares":0,"Memory":67108864,"NanoCpus":1500000000,"CgroupParent":"","BlkioWeight":0,"BlkioWeightDevice":[],"BlkioDeviceReadBps":[],"BlkioDeviceWriteBps":[],"BlkioDeviceReadIOps":[],"BlkioDeviceWriteIOps":[],"CpuPeriod":0,"CpuQuota":0,"CpuRealtimePeriod":0,"CpuRealtimeRuntime":0,"CpusetCpus":"","CpusetMems":"","Devices":[],"DeviceCgroupRules":null,"DeviceRequests":null,"MemoryReservation":0,"MemorySwap":0,"MemorySwappiness":-1,"OomKillDisable":false,"PidsLimit":10,"Ulimits":[{"Name":"nofile","Hard":200,"Soft":100}],"CpuCount":0,"CpuPercent":0,"IOMaximumIOps":0,"IOMaximumBandwidth":0,"MaskedPaths":null,"ReadonlyPaths":null,"Init":true},"NetworkingConfig":{"EndpointsConfig":{"default":{"IPAMConfig":null,"Links":null,"Aliases":null,"MacAddress":"","DriverOpts":null,"GwPriority":0,"NetworkID":"","EndpointID":"","Gateway":"","IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,"DNSNames":null}}}}""";
        assertEquals(expected.strip(), Json.write(b));
    }

    @Test
    void detachedRunAttachesNothing() {
        Map<String, Object> b = body("-d", "-i");
        assertEquals(false, b.get("AttachStdin"));
        assertEquals(false, b.get("AttachStdout"));
        assertEquals(true, b.get("OpenStdin"));
        assertEquals(false, b.get("StdinOnce"));
    }

    @Test
    void clusteredShorthandsAndAttachedValues() {
        ContainerFlags f = parse("-itd", "-eA=1", "-m1g", "--name=web");
        assertTrue(f.interactive && f.tty && f.detach);
        assertEquals(List.of("A=1"), f.env);
        assertEquals("1g", f.memory);
        assertEquals("web", f.name);
    }

    @Test
    void invalidSizeIsWordedAsPflag() {
        UserException e = assertThrows(UserException.class, () -> body("-m", "64x"));
        assertEquals("invalid argument \"64x\" for \"-m, --memory\" flag: invalid suffix: 'x'", e.getMessage());
        assertEquals(125, e.exitCode());
        assertEquals(-1L, host(body("--memory-swap", "-1")).get("MemorySwap"));
        assertEquals(2L << 30, host(body("--memory-swap", "2g")).get("MemorySwap"));
    }

    @Test
    void ulimitsParseAndFail() {
        assertEquals(List.of(Map.of("Name", "nproc", "Hard", 5L, "Soft", 5L)), host(body("--ulimit", "nproc=5")).get("Ulimits"));
        assertEquals("invalid argument \"nofile=300:200\" for \"--ulimit\" flag: ulimit soft limit must be less than or equal to hard limit: 300 > 200",
                assertThrows(UserException.class, () -> body("--ulimit", "nofile=300:200")).getMessage());
        assertEquals("invalid argument \"bogus=1\" for \"--ulimit\" flag: invalid ulimit type: bogus",
                assertThrows(UserException.class, () -> body("--ulimit", "bogus=1")).getMessage());
        assertThrows(UserException.class, () -> body("--ulimit", "nofile"));
        assertThrows(UserException.class, () -> body("--ulimit", "nofile=a:b"));
    }

    @Test
    void restartPolicies() {
        assertEquals(Map.of("Name", "on-failure", "MaximumRetryCount", 3L), host(body("--restart", "on-failure:3")).get("RestartPolicy"));
        assertEquals(Map.of("Name", "always", "MaximumRetryCount", 0L), host(body("--restart", "always")).get("RestartPolicy"));
        assertEquals(Map.of("Name", "unless-stopped", "MaximumRetryCount", 0L), host(body("--restart", "unless-stopped")).get("RestartPolicy"));
        assertEquals(Map.of("Name", "sometimes", "MaximumRetryCount", 0L), host(body("--restart", "sometimes")).get("RestartPolicy"),
                "the daemon judges the policy's name");
        assertEquals("invalid restart policy format: maximum retry count must be an integer",
                assertThrows(UserException.class, () -> body("--restart", "on-failure:x")).getMessage());
        assertEquals(Map.of("Name", "always", "MaximumRetryCount", 2L), host(body("--restart", "always:2")).get("RestartPolicy"),
                "the daemon judges the count");
        assertEquals("conflicting options: cannot specify both --restart and --rm",
                assertThrows(UserException.class, () -> body("--rm", "--restart", "always")).getMessage());
    }

    @Test
    void envFilesComeBeforeEnvFlagsAndLookUpBareNames(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("env");
        Files.writeString(file, "# comment\n\nFOO=bar\n  SPACED=1\nHOME\nUNSET\nEMPTY=\n");
        Map<String, Object> b = body("--env-file", file.toString(), "-e", "X=1", "-e", "HOME", "-e", "NOPE");
        assertEquals(List.of("FOO=bar", "SPACED=1", "HOME=/root", "EMPTY=", "X=1", "HOME=/root", "NOPE"), b.get("Env"));
        Files.writeString(file, "BAD NAME=1\n");
        assertThrows(UserException.class, () -> body("--env-file", file.toString()));
        assertThrows(UserException.class, () -> body("--env-file", dir.resolve("missing").toString()));
    }

    @Test
    void labelsFromFilesAndFlags(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("labels");
        Files.writeString(file, "a=1\nb\n");
        assertEquals(Map.of("a", "2", "b", "", "c", "3"), body("--label-file", file.toString(), "-l", "a=2", "--label", "c=3").get("Labels"));
    }

    @Test
    void cpusSharesAndPids() {
        assertEquals(500_000_000L, host(body("--cpus", ".5")).get("NanoCpus"));
        assertEquals(512L, host(body("-c", "512")).get("CpuShares"));
        assertEquals("invalid argument \"x\" for \"--cpus\" flag: failed to parse x as a rational number",
                assertThrows(UserException.class, () -> body("--cpus", "x")).getMessage());
        assertThrows(UserException.class, () -> body("--pids-limit", "many"));
        assertNull(host(body()).get("PidsLimit"));
    }

    @Test
    void portsVolumesAndNetwork() {
        Map<String, Object> b = body("-p", "127.0.0.1:8080:80/udp", "-p", "443", "-v", "/data", "--network", "host", "--cap-drop", "all");
        assertEquals(Map.of("80/udp", Map.of(), "443/tcp", Map.of()), b.get("ExposedPorts"));
        assertEquals(List.of(Map.of("HostIp", "127.0.0.1", "HostPort", "8080")), ((Map<?, ?>) host(b).get("PortBindings")).get("80/udp"));
        assertEquals(Map.of("/data", Map.of()), b.get("Volumes"));
        assertNull(host(b).get("Binds"));
        assertEquals("host", host(b).get("NetworkMode"));
        assertEquals(List.of("ALL"), host(b).get("CapDrop"));
        assertTrue(((Map<?, ?>) ((Map<?, ?>) b.get("NetworkingConfig")).get("EndpointsConfig")).containsKey("host"));
        assertThrows(UserException.class, () -> body("-p", "x:y"));
    }

    @Test
    void pullAndAttachValidation() {
        assertEquals("invalid pull option: 'sometimes': must be one of \"always\", \"missing\" or \"never\"",
                assertThrows(UserException.class, () -> body("--pull", "sometimes")).getMessage());
        assertEquals("conflicting options: cannot specify both --attach and --detach", assertThrows(UserException.class, () -> body("-d", "-a", "stdout")).getMessage());
        Map<String, Object> b = body("-a", "stderr");
        assertEquals(false, b.get("AttachStdout"));
        assertEquals(true, b.get("AttachStderr"));
    }

    @Test
    void flagErrorsAreWordedAsPflag() {
        assertEquals("unknown flag: --bogus", assertThrows(FlagSet.FlagException.class, () -> parse("--bogus")).getMessage());
        assertEquals("unknown shorthand flag: 'z' in -iz", assertThrows(FlagSet.FlagException.class, () -> parse("-iz")).getMessage());
        assertEquals("flag needs an argument: --name", assertThrows(FlagSet.FlagException.class, () -> parse("--name")).getMessage());
        assertEquals("flag needs an argument: 'e' in -e", assertThrows(FlagSet.FlagException.class, () -> parse("-e")).getMessage());
        assertEquals("invalid argument \"x\" for \"--rm\" flag: strconv.ParseBool: parsing \"x\": invalid syntax",
                assertThrows(FlagSet.FlagException.class, () -> parse("--rm=x")).getMessage());
        assertEquals("invalid argument \"soon\" for \"--stop-timeout\" flag: strconv.ParseInt: parsing \"soon\": invalid syntax",
                assertThrows(FlagSet.FlagException.class, () -> parse("--stop-timeout", "soon")).getMessage());
    }

    @Test
    void flagsStopAtTheImageForRun() {
        ContainerFlags flags = new ContainerFlags();
        FlagSet f = new FlagSet().interspersed(false);
        flags.define(f);
        assertEquals(List.of("busybox", "ls", "-l", "--rm"), f.parse(List.of("--rm", "busybox", "ls", "-l", "--rm")));
        assertEquals(List.of("img", "x"), new FlagSet().parse(List.of("--", "img", "x")));
        assertEquals(false, parse("--sig-proxy=false").sigProxy);
    }

    @Test
    void detachKeys() {
        assertEquals(List.of((byte) 16, (byte) 17), toList(AttachedStreams.parseDetachKeys(null)));
        assertEquals(List.of((byte) 'a', (byte) 0), toList(AttachedStreams.parseDetachKeys("a,ctrl-@")));
        assertThrows(UserException.class, () -> AttachedStreams.parseDetachKeys("ctrl-1x"));
    }

    @Test
    void startErrorsMapToDockerExitCodes() {
        assertEquals(127, RunCommand.startErrorCode("exec: \"nope\": executable file not found in $PATH"));
        assertEquals(127, RunCommand.startErrorCode("open /x: no such file or directory"));
        assertEquals(126, RunCommand.startErrorCode("exec /etc: permission denied"));
        assertEquals(125, RunCommand.startErrorCode("cgroup trouble"));
        assertEquals("busybox:latest", RunCommand.normalize("busybox"));
        assertEquals("localhost:5000/a:1", RunCommand.normalize("localhost:5000/a:1"));
        assertEquals("localhost:5000/a:latest", RunCommand.normalize("localhost:5000/a"));
    }

    private static List<Byte> toList(byte[] b) {
        List<Byte> l = new java.util.ArrayList<>();
        for (byte x : b) {
            l.add(x);
        }
        return l;
    }

    @Test
    void publishSpecsBecomePortBindingsWithRangesExpanded() {
        Map<String, Object> h = host(body("-p", "127.0.0.1:8000-8001:80-81/udp", "-p", "9000-9009:90", "-p", "70",
                "-P", "--expose", "100-101"));
        assertEquals(Map.of("HostIp", "127.0.0.1", "HostPort", "8000"), ((List<?>) ((Map<?, ?>) h.get("PortBindings")).get("80/udp")).getFirst());
        assertEquals(Map.of("HostIp", "127.0.0.1", "HostPort", "8001"), ((List<?>) ((Map<?, ?>) h.get("PortBindings")).get("81/udp")).getFirst());
        assertEquals(Map.of("HostIp", "", "HostPort", "9000-9009"), ((List<?>) ((Map<?, ?>) h.get("PortBindings")).get("90/tcp")).getFirst());
        assertEquals(Map.of("HostIp", "", "HostPort", ""), ((List<?>) ((Map<?, ?>) h.get("PortBindings")).get("70/tcp")).getFirst());
        assertEquals(true, h.get("PublishAllPorts"));
        Map<String, Object> b = body("--expose", "100-101", "--expose", "53/udp");
        assertEquals(List.of("100/tcp", "101/tcp", "53/udp"), List.copyOf(((Map<?, ?>) b.get("ExposedPorts")).keySet()));
    }

    @Test
    void malformedPublishSpecsExit125() {
        for (String bad : List.of("abc", "80:xyz", "8080:80/sctpx", "70000:80", "1-2:80-82", "81-80:80")) {
            UserException e = assertThrows(UserException.class, () -> body("-p", bad), bad);
            assertEquals(125, e.exitCode(), bad);
        }
    }

    @Test
    void networkFlagsGoToTheEndpointAndHostConfig() {
        Map<String, Object> b = body("--network", "net1", "--network-alias", "db", "--ip", "10.1.0.5", "--mac-address",
                "92:d0:c6:0a:29:33", "--dns-search", "example.test", "--dns-option", "ndots:2", "--add-host", "a:1.2.3.4");
        Map<String, Object> h = host(b);
        assertEquals("net1", h.get("NetworkMode"));
        assertEquals(List.of("example.test"), h.get("DnsSearch"));
        assertEquals(List.of("ndots:2"), h.get("DnsOptions"));
        assertEquals(List.of("a:1.2.3.4"), h.get("ExtraHosts"));
        Map<?, ?> endpoint = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) b.get("NetworkingConfig")).get("EndpointsConfig")).get("net1");
        assertEquals(Map.of("IPv4Address", "10.1.0.5"), endpoint.get("IPAMConfig"));
        assertEquals(List.of("db"), endpoint.get("Aliases"));
        assertEquals("92:d0:c6:0a:29:33", endpoint.get("MacAddress"));
    }
}
