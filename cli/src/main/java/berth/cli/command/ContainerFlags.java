package berth.cli.command;

import berth.cli.UserException;
import berth.cli.format.HumanUnits;
import berth.cli.format.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The flags of {@code run} and {@code create}, and the {@code POST /containers/create} body the
 * docker CLI builds from them: {@code Config} fields at the top level, then {@code HostConfig}
 * and {@code NetworkingConfig}, field for field in the docker CLI's order. Invalid values fail
 * with pflag's wording and exit 125.
 */
public final class ContainerFlags {
    public boolean detach;
    public boolean interactive;
    public boolean tty;
    public boolean rm;
    public String name;
    public List<String> env = new ArrayList<>();
    public List<String> envFiles = new ArrayList<>();
    public String workdir = "";
    public String user = "";
    public String entrypoint;
    public String hostname = "";
    public String domainname = "";
    public List<String> labels = new ArrayList<>();
    public List<String> labelFiles = new ArrayList<>();
    public boolean readOnly;
    public List<String> tmpfs = new ArrayList<>();
    public List<String> capAdd = new ArrayList<>();
    public List<String> capDrop = new ArrayList<>();
    public boolean privileged;
    public List<String> securityOpt = new ArrayList<>();
    public String memory;
    public String memorySwap;
    public String memoryReservation;
    public String shmSize;
    public String cpus;
    public String cpuShares;
    public String cpusetCpus = "";
    public String pidsLimit;
    public List<String> ulimits = new ArrayList<>();
    public String restart = "no";
    public String stopSignal;
    public Integer stopTimeout;
    public boolean init;
    public String runtime;
    public String network = "default";
    public List<String> attach = new ArrayList<>();
    public String detachKeys;
    public boolean sigProxy = true;
    public String pull = "missing";
    public List<String> publish = new ArrayList<>();
    public List<String> volumes = new ArrayList<>();
    public List<String> mounts = new ArrayList<>();
    public List<String> volumesFrom = new ArrayList<>();
    public String volumeDriver = "";
    public List<String> dns = new ArrayList<>();
    public List<String> dnsSearch = new ArrayList<>();
    public List<String> dnsOptions = new ArrayList<>();
    public List<String> networkAliases = new ArrayList<>();
    public String ip = "";
    public String macAddress = "";
    public boolean publishAll;
    public List<String> expose = new ArrayList<>();
    public List<String> addHost = new ArrayList<>();
    public String platform;
    public boolean quiet;

    /** Declares the flags on {@code f}. */
    public void define(FlagSet f) {
        f.bool("d", "detach", "Run container in background and print container ID", v -> detach = v);
        f.bool("i", "interactive", "Keep STDIN open even if not attached", v -> interactive = v);
        f.bool("t", "tty", "Allocate a pseudo-TTY", v -> tty = v);
        f.bool(null, "rm", "Automatically remove the container and its associated anonymous volumes when it exits", v -> rm = v);
        f.string(null, "name", "Assign a name to the container", v -> name = v);
        f.list("e", "env", "Set environment variables", env);
        f.list(null, "env-file", "Read in a file of environment variables", envFiles);
        f.string("w", "workdir", "Working directory inside the container", v -> workdir = v);
        f.string("u", "user", "Username or UID (format: <name|uid>[:<group|gid>])", v -> user = v);
        f.string(null, "entrypoint", "Overwrite the default ENTRYPOINT of the image", v -> entrypoint = v);
        f.string("h", "hostname", "Container host name", v -> hostname = v);
        f.string(null, "domainname", "Container NIS domain name", v -> domainname = v);
        f.list("l", "label", "Set meta data on a container", labels);
        f.list(null, "label-file", "Read in a line delimited file of labels", labelFiles);
        f.bool(null, "read-only", "Mount the container's root filesystem as read only", v -> readOnly = v);
        f.list(null, "tmpfs", "Mount a tmpfs directory", tmpfs);
        f.list(null, "cap-add", "Add Linux capabilities", capAdd);
        f.list(null, "cap-drop", "Drop Linux capabilities", capDrop);
        f.bool(null, "privileged", "Give extended privileges to this container", v -> privileged = v);
        f.list(null, "security-opt", "Security Options", securityOpt);
        f.string("m", "memory", "Memory limit", v -> memory = v);
        f.string(null, "memory-swap", "Swap limit equal to memory plus swap: '-1' to enable unlimited swap", v -> memorySwap = v);
        f.string(null, "memory-reservation", "Memory soft limit", v -> memoryReservation = v);
        f.string(null, "shm-size", "Size of /dev/shm", v -> shmSize = v);
        f.string(null, "cpus", "Number of CPUs", v -> cpus = v);
        f.string("c", "cpu-shares", "CPU shares (relative weight)", v -> cpuShares = v);
        f.string(null, "cpuset-cpus", "CPUs in which to allow execution (0-3, 0,1)", v -> cpusetCpus = v);
        f.string(null, "pids-limit", "Tune container pids limit (set -1 for unlimited)", v -> pidsLimit = v);
        f.list(null, "ulimit", "Ulimit options", ulimits);
        f.string(null, "restart", "Restart policy to apply when a container exits", v -> restart = v);
        f.string(null, "stop-signal", "Signal to stop the container", v -> stopSignal = v);
        f.integer(null, "stop-timeout", "Timeout (in seconds) to stop a container", v -> stopTimeout = v);
        f.bool(null, "init", "Run an init inside the container that forwards signals and reaps processes", v -> init = v);
        f.string(null, "runtime", "Runtime to use for this container", v -> runtime = v);
        f.string(null, "network", "Connect a container to a network", v -> network = v);
        f.string(null, "net", "Connect a container to a network", v -> network = v);
        f.list("a", "attach", "Attach to STDIN, STDOUT or STDERR", attach);
        f.string(null, "detach-keys", "Override the key sequence for detaching a container", v -> detachKeys = v);
        f.bool(null, "sig-proxy", "Proxy received signals to the process", v -> sigProxy = v);
        f.string(null, "pull", "Pull image before running (\"always\", \"missing\", \"never\")", v -> pull = v);
        f.list("p", "publish", "Publish a container's port(s) to the host", publish);
        f.list("v", "volume", "Bind mount a volume", volumes);
        f.list(null, "mount", "Attach a filesystem mount to the container", mounts);
        f.list(null, "volumes-from", "Mount volumes from the specified container(s)", volumesFrom);
        f.string(null, "volume-driver", "Optional volume driver for the container", v -> volumeDriver = v);
        f.list(null, "dns", "Set custom DNS servers", dns);
        f.list(null, "dns-search", "Set custom DNS search domains", dnsSearch);
        f.list(null, "dns-option", "Set DNS options", dnsOptions);
        f.list(null, "network-alias", "Add network-scoped alias for the container", networkAliases);
        f.string(null, "ip", "IPv4 address (e.g., 172.30.100.104)", v -> ip = v);
        f.string(null, "mac-address", "Container MAC address (e.g., 92:d0:c6:0a:29:33)", v -> macAddress = v);
        f.bool("P", "publish-all", "Publish all exposed ports to random ports", v -> publishAll = v);
        f.list(null, "expose", "Expose a port or a range of ports", expose);
        f.list(null, "add-host", "Add a custom host-to-IP mapping (host:ip)", addHost);
        f.string(null, "platform", "Set platform if server is multi-platform capable", v -> platform = v);
        f.bool("q", "quiet", "Suppress the pull output", v -> quiet = v);
    }

    /** Checks the flags that conflict, as docker does before calling the daemon. */
    public void validate(boolean run) {
        if (!pull.equals("missing") && !pull.equals("always") && !pull.equals("never")) {
            throw new UserException("invalid pull option: '" + pull + "': must be one of \"always\", \"missing\" or \"never\"", 125);
        }
        if (run && detach && !attach.isEmpty()) {
            throw new UserException("conflicting options: cannot specify both --attach and --detach", 125);
        }
        for (String a : attach) {
            String s = a.toLowerCase(Locale.ROOT);
            if (!s.equals("stdin") && !s.equals("stdout") && !s.equals("stderr")) {
                throw new UserException("invalid argument \"" + a + "\" for \"-a, --attach\" flag: valid streams are STDIN, STDOUT and STDERR", 125);
            }
        }
    }

    /** The JSON body of POST /containers/create for {@code image} and {@code args}. */
    public Map<String, Object> createBody(String image, List<String> args, Map<String, String> environment, boolean run, int[] consoleSize) {
        validate(run);
        boolean attachStdin = attach.isEmpty() ? interactive : has(attach, "stdin");
        boolean attachStdout = attach.isEmpty() || has(attach, "stdout");
        boolean attachStderr = attach.isEmpty() || has(attach, "stderr");
        if (run && detach) {
            attachStdin = attachStdout = attachStderr = false;
        }
        if (!run) {
            attachStdin = interactive && attach.isEmpty() || has(attach, "stdin");
        }
        Map<String, Object> exposed = new LinkedHashMap<>();
        Map<String, Object> bindings = new LinkedHashMap<>();
        for (String p : publish) {
            parsePort(p, exposed, bindings);
        }
        for (String e : expose) {
            for (String port : expandRange(e.contains("/") ? e.substring(0, e.indexOf('/')) : e, "--expose", e)) {
                exposed.put(port + (e.contains("/") ? e.substring(e.indexOf('/')) : "/tcp"), Map.of());
            }
        }
        List<String> binds = new ArrayList<>();
        Map<String, Object> anonymous = new LinkedHashMap<>();
        MountFlags.volumes(volumes, binds, anonymous);
        List<Object> mountList = new ArrayList<>();
        mounts.forEach(m -> mountList.add(MountFlags.mount(m)));
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("Hostname", hostname);
        c.put("Domainname", domainname);
        c.put("User", user);
        c.put("AttachStdin", attachStdin);
        c.put("AttachStdout", attachStdout);
        c.put("AttachStderr", attachStderr);
        if (!exposed.isEmpty()) {
            c.put("ExposedPorts", exposed);
        }
        c.put("Tty", tty);
        c.put("OpenStdin", interactive);
        c.put("StdinOnce", interactive && attachStdin);
        c.put("Env", envList(environment));
        c.put("Cmd", args.isEmpty() ? null : List.copyOf(args));
        c.put("Image", image);
        c.put("Volumes", anonymous);
        c.put("WorkingDir", workdir);
        c.put("Entrypoint", entrypoint == null ? null : List.of(entrypoint));
        c.put("OnBuild", null);
        c.put("Labels", labelMap());
        if (stopSignal != null) {
            c.put("StopSignal", stopSignal);
        }
        if (stopTimeout != null) {
            c.put("StopTimeout", stopTimeout);
        }

        Map<String, Object> h = new LinkedHashMap<>();
        h.put("Binds", binds.isEmpty() ? null : binds);
        h.put("ContainerIDFile", "");
        h.put("LogConfig", map("Type", "", "Config", Map.of()));
        h.put("NetworkMode", network);
        h.put("PortBindings", bindings);
        h.put("RestartPolicy", restartPolicy());
        h.put("AutoRemove", rm);
        h.put("VolumeDriver", volumeDriver);
        h.put("VolumesFrom", volumesFrom.isEmpty() ? null : List.copyOf(volumesFrom));
        h.put("ConsoleSize", List.of((long) consoleSize[0], (long) consoleSize[1]));
        h.put("CapAdd", capAdd.isEmpty() ? null : capAdd.stream().map(ContainerFlags::capability).toList());
        h.put("CapDrop", capDrop.isEmpty() ? null : capDrop.stream().map(ContainerFlags::capability).toList());
        h.put("CgroupnsMode", "");
        h.put("Dns", List.copyOf(dns));
        h.put("DnsOptions", List.copyOf(dnsOptions));
        h.put("DnsSearch", List.copyOf(dnsSearch));
        h.put("ExtraHosts", addHost.isEmpty() ? null : List.copyOf(addHost));
        h.put("GroupAdd", null);
        h.put("IpcMode", "");
        h.put("Cgroup", "");
        h.put("Links", null);
        h.put("OomScoreAdj", 0L);
        h.put("PidMode", "");
        h.put("Privileged", privileged);
        h.put("PublishAllPorts", publishAll);
        h.put("ReadonlyRootfs", readOnly);
        h.put("SecurityOpt", securityOpt.isEmpty() ? null : securityOpt.stream().map(ContainerFlags::securityOpt).toList());
        if (!tmpfs.isEmpty()) {
            Map<String, Object> t = new LinkedHashMap<>();
            for (String s : tmpfs) {
                int colon = s.indexOf(':');
                t.put(colon < 0 ? s : s.substring(0, colon), colon < 0 ? "" : s.substring(colon + 1));
            }
            h.put("Tmpfs", t);
        }
        h.put("UTSMode", "");
        h.put("UsernsMode", "");
        h.put("ShmSize", shmSize == null ? 0L : size(shmSize, "--shm-size", true));
        if (runtime != null) {
            h.put("Runtime", runtime);
        }
        h.put("Isolation", "");
        h.put("CpuShares", cpuShares == null ? 0L : integer(cpuShares, "-c, --cpu-shares"));
        h.put("Memory", memory == null ? 0L : size(memory, "-m, --memory", true));
        h.put("NanoCpus", cpus == null ? 0L : nanoCpus(cpus));
        h.put("CgroupParent", "");
        h.put("BlkioWeight", 0L);
        h.put("BlkioWeightDevice", List.of());
        h.put("BlkioDeviceReadBps", List.of());
        h.put("BlkioDeviceWriteBps", List.of());
        h.put("BlkioDeviceReadIOps", List.of());
        h.put("BlkioDeviceWriteIOps", List.of());
        h.put("CpuPeriod", 0L);
        h.put("CpuQuota", 0L);
        h.put("CpuRealtimePeriod", 0L);
        h.put("CpuRealtimeRuntime", 0L);
        h.put("CpusetCpus", cpusetCpus);
        h.put("CpusetMems", "");
        h.put("Devices", List.of());
        h.put("DeviceCgroupRules", null);
        h.put("DeviceRequests", null);
        h.put("MemoryReservation", memoryReservation == null ? 0L : size(memoryReservation, "--memory-reservation", true));
        h.put("MemorySwap", memorySwap == null ? 0L : memorySwap.equals("-1") ? -1L : size(memorySwap, "--memory-swap", true));
        h.put("MemorySwappiness", -1L);
        h.put("OomKillDisable", false);
        if (pidsLimit != null) {
            h.put("PidsLimit", integer(pidsLimit, "--pids-limit"));
        }
        h.put("Ulimits", ulimits.isEmpty() ? null : ulimits.stream().map(ContainerFlags::ulimit).toList());
        h.put("CpuCount", 0L);
        h.put("CpuPercent", 0L);
        h.put("IOMaximumIOps", 0L);
        h.put("IOMaximumBandwidth", 0L);
        if (!mountList.isEmpty()) {
            h.put("Mounts", mountList);
        }
        h.put("MaskedPaths", null);
        h.put("ReadonlyPaths", null);
        if (init) {
            h.put("Init", true);
        }
        c.put("HostConfig", h);

        Map<String, Object> endpoint = new LinkedHashMap<>();
        endpoint.put("IPAMConfig", ip.isEmpty() ? null : map("IPv4Address", ip));
        endpoint.put("Links", null);
        endpoint.put("Aliases", networkAliases.isEmpty() ? null : List.copyOf(networkAliases));
        endpoint.put("MacAddress", macAddress);
        endpoint.put("DriverOpts", null);
        endpoint.put("GwPriority", 0L);
        endpoint.put("NetworkID", "");
        endpoint.put("EndpointID", "");
        endpoint.put("Gateway", "");
        endpoint.put("IPAddress", "");
        endpoint.put("IPPrefixLen", 0L);
        endpoint.put("IPv6Gateway", "");
        endpoint.put("GlobalIPv6Address", "");
        endpoint.put("GlobalIPv6PrefixLen", 0L);
        endpoint.put("DNSNames", null);
        Map<String, Object> endpoints = new LinkedHashMap<>();
        endpoints.put(network, endpoint);
        c.put("NetworkingConfig", map("EndpointsConfig", endpoints));
        return c;
    }

    private static boolean has(List<String> streams, String name) {
        return streams.stream().anyMatch(s -> s.equalsIgnoreCase(name));
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    List<String> envList(Map<String, String> environment) {
        List<String> out = new ArrayList<>();
        for (String f : envFiles) {
            out.addAll(readKeyValueFile(f, environment, true));
        }
        for (String e : env) {
            if (e.indexOf('=') < 0 && environment.containsKey(e)) {
                out.add(e + "=" + environment.get(e));
            } else {
                out.add(e);
            }
        }
        return out;
    }

    Map<String, Object> labelMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<String> all = new ArrayList<>();
        for (String f : labelFiles) {
            all.addAll(readKeyValueFile(f, Map.of(), false));
        }
        all.addAll(labels);
        for (String l : all) {
            int eq = l.indexOf('=');
            m.put(eq < 0 ? l : l.substring(0, eq), eq < 0 ? "" : l.substring(eq + 1));
        }
        return m;
    }

    /** docker's parseKeyValueFile: comments and blank lines skipped; a bare name is looked up (env files only). */
    static List<String> readKeyValueFile(String file, Map<String, String> environment, boolean lookup) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserException("open " + file + ": no such file or directory", 125);
        }
        List<String> out = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (n == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            line = line.stripLeading();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String variable = eq < 0 ? line : line.substring(0, eq);
            if (variable.isEmpty()) {
                throw new UserException("invalid argument \"" + file + "\" for \"--env-file\" flag: no variable name on line '" + line + "'", 125);
            }
            if (variable.chars().anyMatch(Character::isWhitespace)) {
                throw new UserException("invalid argument \"" + file + "\" for \"--env-file\" flag: variable '" + variable + "' contains whitespaces", 125);
            }
            if (eq >= 0) {
                out.add(line);
            } else if (lookup) {
                String v = environment.get(line);
                if (v != null) {
                    out.add(line + "=" + v);
                }
            } else {
                out.add(line);
            }
        }
        return out;
    }

    Map<String, Object> restartPolicy() {
        String policy = restart == null ? "" : restart;
        String name = policy;
        long count = 0;
        int colon = policy.indexOf(':');
        if (colon >= 0) {
            name = policy.substring(0, colon);
            if (name.isEmpty()) {
                throw new UserException("invalid restart policy format: no policy provided before colon", 125);
            }
            String v = policy.substring(colon + 1);
            if (!v.isEmpty()) {
                try {
                    count = Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    throw new UserException("invalid restart policy format: maximum retry count must be an integer", 125);
                }
            }
        }
        // As docker's CLI: only the format is checked here; the daemon judges the name and the count.
        if (rm && !name.isEmpty() && !name.equals("no")) {
            throw new UserException("conflicting options: cannot specify both --restart and --rm", 125);
        }
        return map("Name", name.isEmpty() ? "no" : name, "MaximumRetryCount", count);
    }

    static String capability(String cap) {
        String c = cap.strip().toUpperCase(Locale.ROOT);
        return c.equals("ALL") || c.startsWith("CAP_") ? c : "CAP_" + c;
    }

    static long size(String value, String flag, boolean binary) {
        try {
            return binary ? HumanUnits.ramInBytes(value) : HumanUnits.fromHumanSize(value);
        } catch (IllegalArgumentException e) {
            throw new UserException("invalid argument \"" + value + "\" for \"" + flag + "\" flag: " + e.getMessage(), 125);
        }
    }

    static long integer(String value, String flag) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new UserException("invalid argument \"" + value + "\" for \"" + flag + "\" flag: strconv.ParseInt: parsing \""
                    + value + "\": invalid syntax", 125);
        }
    }

    static long nanoCpus(String value) {
        try {
            java.math.BigDecimal d = new java.math.BigDecimal(value);
            java.math.BigDecimal nano = d.multiply(java.math.BigDecimal.valueOf(1_000_000_000L));
            if (nano.stripTrailingZeros().scale() > 0) {
                throw new UserException("invalid argument \"" + value + "\" for \"--cpus\" flag: value is too precise", 125);
            }
            return nano.longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UserException("invalid argument \"" + value + "\" for \"--cpus\" flag: failed to parse " + value + " as a rational number", 125);
        }
    }

    private static final List<String> ULIMITS = List.of("as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue",
            "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack");

    /** go-units ParseUlimit: {@code name=soft[:hard]}. */
    static Map<String, Object> ulimit(String spec) {
        String prefix = "invalid argument \"" + spec + "\" for \"--ulimit\" flag: ";
        int eq = spec.indexOf('=');
        if (eq < 0) {
            throw new UserException(prefix + "invalid ulimit argument: " + spec, 125);
        }
        String name = spec.substring(0, eq);
        if (!ULIMITS.contains(name)) {
            throw new UserException(prefix + "invalid ulimit type: " + name, 125);
        }
        String[] parts = spec.substring(eq + 1).split(":", -1);
        if (parts.length > 2) {
            throw new UserException(prefix + "too many limit value arguments - " + spec.substring(eq + 1) + ", can only have up to two, `soft[:hard]`", 125);
        }
        long soft;
        long hard;
        try {
            soft = Long.parseLong(parts[0]);
            hard = parts.length == 2 ? Long.parseLong(parts[1]) : soft;
        } catch (NumberFormatException e) {
            String bad = parts[0].matches("-?\\d+") ? parts[1] : parts[0];
            throw new UserException(prefix + "strconv.ParseInt: parsing \"" + bad + "\": invalid syntax", 125);
        }
        if (soft > hard) {
            throw new UserException(prefix + "ulimit soft limit must be less than or equal to hard limit: " + soft + " > " + hard, 125);
        }
        return map("Name", name, "Hard", hard, "Soft", soft);
    }

    /** {@code [ip:][hostPort:]containerPort[/proto]}, as HostConfig.PortBindings and Config.ExposedPorts. */
    static void parsePort(String spec, Map<String, Object> exposed, Map<String, Object> bindings) {
        String proto = "tcp";
        String s = spec;
        int slash = s.lastIndexOf('/');
        if (slash >= 0) {
            proto = s.substring(slash + 1).toLowerCase(Locale.ROOT);
            s = s.substring(0, slash);
        }
        String ip = "";
        String hostPort = "";
        String containerPort;
        int last = s.lastIndexOf(':');
        if (last < 0) {
            containerPort = s;
        } else {
            containerPort = s.substring(last + 1);
            String rest = s.substring(0, last);
            int mid = rest.lastIndexOf(':');
            if (rest.startsWith("[") && rest.endsWith("]") || mid < 0 && rest.contains(".")) {
                ip = rest;
            } else if (mid < 0) {
                hostPort = rest;
            } else {
                ip = rest.substring(0, mid);
                hostPort = rest.substring(mid + 1);
            }
            if (ip.startsWith("[") && ip.endsWith("]")) {
                ip = ip.substring(1, ip.length() - 1);
            }
        }
        if (!containerPort.matches("\\d+(-\\d+)?") || !hostPort.isEmpty() && !hostPort.matches("\\d+(-\\d+)?")) {
            throw new UserException("invalid argument \"" + spec + "\" for \"-p, --publish\" flag: invalid containerPort: " + containerPort, 125);
        }
        if (!proto.equals("tcp") && !proto.equals("udp") && !proto.equals("sctp")) {
            throw new UserException("invalid argument \"" + spec + "\" for \"-p, --publish\" flag: invalid proto: " + proto, 125);
        }
        List<String> containerPorts = expandRange(containerPort, "-p, --publish", spec);
        if (hostPort.equals("0")) {
            hostPort = ""; // docker's way of asking for any free port
        }
        List<String> hostPorts = hostPort.isEmpty() ? List.of() : expandRange(hostPort, "-p, --publish", spec);
        if (containerPorts.size() > 1 && !hostPorts.isEmpty() && hostPorts.size() != containerPorts.size()) {
            throw new UserException("invalid argument \"" + spec + "\" for \"-p, --publish\" flag: invalid ranges "
                    + "specified for container and host Ports: " + containerPort + " and " + hostPort, 125);
        }
        for (int i = 0; i < containerPorts.size(); i++) {
            String key = containerPorts.get(i) + "/" + proto;
            exposed.put(key, Map.of());
            // one container port with a host range: the daemon takes the first free port of the range
            String host = hostPorts.isEmpty() ? "" : containerPorts.size() == 1 ? hostPort : hostPorts.get(i);
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) bindings.computeIfAbsent(key, k -> new ArrayList<>());
            list.add(map("HostIp", ip, "HostPort", host));
        }
    }

    /** {@code 8000-8002} as 8000, 8001, 8002; a port out of 1..65535 or a reversed range is refused. */
    static List<String> expandRange(String range, String flag, String spec) {
        int dash = range.indexOf('-');
        int low;
        int high;
        try {
            low = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
            high = dash < 0 ? low : Integer.parseInt(range.substring(dash + 1));
        } catch (NumberFormatException e) {
            throw new UserException("invalid argument \"" + spec + "\" for \"" + flag + "\" flag: invalid port: " + range, 125);
        }
        if (low < 1 || high > 65535 || high < low) {
            throw new UserException("invalid argument \"" + spec + "\" for \"" + flag + "\" flag: invalid port range: " + range, 125);
        }
        List<String> ports = new ArrayList<>();
        for (int p = low; p <= high; p++) {
            ports.add(Integer.toString(p));
        }
        return ports;
    }

    /** As docker's CLI: {@code seccomp=FILE} is sent as the profile's compacted JSON, checked here first. */
    static String securityOpt(String opt) {
        int sep = opt.indexOf('=') >= 0 ? opt.indexOf('=') : opt.indexOf(':');
        if (sep < 0 || !opt.substring(0, sep).equals("seccomp") || opt.substring(sep + 1).equals("unconfined")) {
            return opt;
        }
        String file = opt.substring(sep + 1);
        String text;
        try {
            text = Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new UserException("opening seccomp profile (" + file + ") failed: open " + file
                    + ": no such file or directory", 125);
        }
        try {
            return "seccomp=" + Json.write(Json.parse(text));
        } catch (UncheckedIOException e) {
            throw new UserException("compacting json for seccomp profile (" + file + ") failed: "
                    + e.getCause().getMessage(), 125);
        }
    }
}
