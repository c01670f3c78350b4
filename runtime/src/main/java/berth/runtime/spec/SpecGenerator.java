package berth.runtime.spec;

import berth.oci.Json;
import berth.oci.container.ContainerConfig;
import berth.oci.container.HostConfig;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.Unavailable;
import berth.runtime.Host;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Builds the OCI runtime-spec {@code config.json} of a container the way docker would: its default capabilities,
 * seccomp profile, masked and read-only /proc paths, mounts and namespaces, with {@code --privileged},
 * {@code --read-only}, {@code --tmpfs}, resources, {@code --ulimit} (clamped to the daemon's hard limits — none are
 * asked for by default), {@code -u}, {@code --init} and TTY applied.
 */
public final class SpecGenerator {
    private static final System.Logger LOG = System.getLogger(SpecGenerator.class.getName());
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    public static final String INIT_PATH = "/sbin/docker-init";
    public static final String CGROUP_PARENT = "/berth";
    static final List<String> MASKED_PATHS = List.of("/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware", "/sys/devices/virtual/powercap");
    static final List<String> READONLY_PATHS = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
            "/proc/sysrq-trigger");
    private static final long DEFAULT_CPU_PERIOD = 100_000;
    /**
     * Docker's defaults for a container with a network namespace of its own: ping without CAP_NET_RAW and ports
     * below 1024 without CAP_NET_BIND_SERVICE (both harmless inside the namespace); a {@code --sysctl} overrides them.
     * Only those the host kernel knows, or the runtime would fail to write them.
     */
    static final Map<String, String> NETWORK_SYSCTLS = knownSysctls(Map.of(
            "net.ipv4.ping_group_range", "0 2147483647", "net.ipv4.ip_unprivileged_port_start", "0"));

    private final Host host;

    public SpecGenerator(Host host) {
        this.host = host;
    }

    /** Writes {@code config.json} into {@code bundle} (atomically) and returns its path. */
    public Path writeBundle(ContainerSpecInput in, Path bundle) {
        return write(generate(in), bundle);
    }

    /** Writes {@code spec} as the bundle's config.json, atomically; returns its path. */
    public static Path write(ObjectNode spec, Path bundle) {
        try {
            Files.createDirectories(bundle);
            Path tmp = bundle.resolve("config.json.tmp");
            Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(spec));
            Path target = bundle.resolve("config.json");
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The runtime spec of {@code in}. */
    public ObjectNode generate(ContainerSpecInput in) {
        ContainerConfig cfg = in.config();
        HostConfig hc = in.hostConfig();
        boolean privileged = hc.isPrivileged();
        if (in.args().isEmpty()) {
            throw new InvalidArgument("no command specified");
        }
        ObjectNode spec = Json.MAPPER.createObjectNode();
        spec.put("ociVersion", "1.0.2");
        ObjectNode root = spec.putObject("root");
        root.put("path", in.rootfs().toAbsolutePath().toString());
        root.put("readonly", Boolean.TRUE.equals(hc.readonlyRootfs()));
        boolean ownUts = !"host".equals(hc.utsMode()) && !isHostNetwork(hc);
        if (ownUts && in.hostname() != null) {
            spec.put("hostname", in.hostname());
        }

        List<String> caps = Capabilities.effective(hc.capAdd(), hc.capDrop(), privileged, host.boundingCaps());
        SecurityOptions security = SecurityOptions.of(in.hostConfig());
        spec.set("process", process(in, caps, security));
        spec.set("mounts", mounts(in, privileged));
        spec.set("linux", linux(in, caps, privileged, security));
        return spec;
    }

    private ObjectNode process(ContainerSpecInput in, List<String> caps, SecurityOptions security) {
        ContainerConfig cfg = in.config();
        HostConfig hc = in.hostConfig();
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("terminal", cfg.isTty());
        int[] size = hc.initialTerminalSize();
        if (cfg.isTty() && size != null) {
            // the process's first look at its terminal sees the client's size, before any resize call can arrive
            p.putObject("consoleSize").put("height", size[0]).put("width", size[1]);
        }
        UserResolver.ResolvedUser user = UserResolver.resolve(in.rootfs(), cfg.user(), hc.groupAdd());
        ObjectNode u = p.putObject("user");
        u.put("uid", user.uid());
        u.put("gid", user.gid());
        if (!user.additionalGids().isEmpty()) {
            ArrayNode g = u.putArray("additionalGids");
            user.additionalGids().forEach(g::add);
        }
        ArrayNode args = p.putArray("args");
        if (Boolean.TRUE.equals(hc.init())) {
            if (host.initBinary().isEmpty()) {
                throw new Unavailable("--init needs tini-static on the host (apt-get install tini)");
            }
            args.add(INIT_PATH).add("--");
        }
        in.args().forEach(args::add);
        ArrayNode env = p.putArray("env");
        environment(in).forEach((k, v) -> env.add(v == null ? k : k + "=" + v));
        String cwd = cfg.workingDir() == null || cfg.workingDir().isEmpty() ? "/" : cfg.workingDir();
        if (!cwd.startsWith("/")) {
            throw new InvalidArgument("the working directory '" + cwd + "' is invalid, it needs to be an absolute path");
        }
        p.put("cwd", cwd);
        ObjectNode c = p.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
            ArrayNode a = c.putArray(set);
            caps.forEach(a::add);
        }
        ArrayNode rlimits = rlimits(hc);
        if (!rlimits.isEmpty()) {
            p.set("rlimits", rlimits);
        }
        if (security.noNewPrivileges()) {
            p.put("noNewPrivileges", true);
        }
        return p;
    }

    /** PATH default, HOSTNAME, TERM for a TTY, then the container's env (later entries win, order kept). */
    private static Map<String, String> environment(ContainerSpecInput in) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", DEFAULT_PATH);
        if (in.hostname() != null) {
            env.put("HOSTNAME", in.hostname());
        }
        if (in.config().isTty()) {
            env.put("TERM", "xterm");
        }
        if (in.config().env() != null) {
            for (String e : in.config().env()) {
                int eq = e.indexOf('=');
                if (eq <= 0) {
                    if (eq == 0) {
                        throw new InvalidArgument("invalid environment variable: " + e);
                    }
                    continue; // "NAME" alone: docker takes it from the client's environment, which the CLI did
                }
                env.put(e.substring(0, eq), e.substring(eq + 1));
            }
        }
        return env;
    }

    /** {@code --ulimit}s, each clamped to the daemon's hard limit (a container cannot be given more). */
    ArrayNode rlimits(HostConfig hc) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        if (hc.ulimits() == null) {
            return out;
        }
        for (HostConfig.Ulimit u : hc.ulimits()) {
            String type = "RLIMIT_" + u.name().trim().toUpperCase(Locale.ROOT);
            if (!KNOWN_RLIMITS.contains(type)) {
                throw new InvalidArgument("invalid ulimit type: " + u.name());
            }
            long hard = u.hard() < 0 ? Long.MAX_VALUE : u.hard();
            long soft = u.soft() < 0 ? Long.MAX_VALUE : u.soft();
            if (soft > hard) {
                throw new InvalidArgument("ulimit soft limit must be less than or equal to hard limit: "
                        + u.soft() + " > " + u.hard());
            }
            Long max = host.hardLimits().get(type);
            if (max != null && hard > max) {
                LOG.log(Level.INFO, "ulimit {0}={1}:{2} is above the daemon''s hard limit {3}: clamped to {3}",
                        u.name(), Long.toString(u.soft()), Long.toString(u.hard()), Long.toString(max));
                hard = max;
                soft = Math.min(soft, max);
            }
            ObjectNode r = out.addObject();
            r.put("type", type);
            putUnsigned(r, "hard", hard);
            putUnsigned(r, "soft", soft);
        }
        return out;
    }

    private static void putUnsigned(ObjectNode node, String field, long value) {
        if (value == Long.MAX_VALUE) {
            node.put(field, new java.math.BigInteger("18446744073709551615")); // RLIM_INFINITY
        } else {
            node.put(field, value);
        }
    }

    private static final List<String> KNOWN_RLIMITS = List.of("RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA",
            "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK",
            "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO",
            "RLIMIT_RTTIME");

    private ArrayNode mounts(ContainerSpecInput in, boolean privileged) {
        HostConfig hc = in.hostConfig();
        ArrayNode m = Json.MAPPER.createArrayNode();
        mount(m, "/proc", "proc", "proc", "nosuid", "noexec", "nodev");
        mount(m, "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
        mount(m, "/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620",
                "gid=5");
        long shm = hc.shmSize() != null && hc.shmSize() > 0 ? hc.shmSize() : 64L * 1024 * 1024;
        mount(m, "/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=" + shm);
        mount(m, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
        String sysMode = privileged ? "rw" : "ro";
        if (isHostNetwork(hc) && !privileged) {
            // Without a network namespace of its own, sysfs cannot be mounted fresh: bind the host's, read-only.
            mount(m, "/sys", "bind", "/sys", "rbind", "nosuid", "noexec", "nodev", "ro");
        } else {
            mount(m, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", sysMode);
        }
        mount(m, "/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", sysMode);
        List<SpecMount> requested = new ArrayList<>(in.mounts());
        if (hc.tmpfs() != null) {
            hc.tmpfs().forEach((destination, options) -> {
                requireAbsolute(destination, "--tmpfs");
                requested.add(SpecMount.tmpfs(destination, options));
            });
        }
        requested.sort(Comparator.comparingInt(SpecMount::depth));
        for (SpecMount r : requested) {
            requireAbsolute(r.destination(), r.type() + " mount");
            mount(m, r.destination(), r.type(), r.source(), r.options().toArray(String[]::new));
        }
        in.hostsFile().ifPresent(p -> mount(m, "/etc/hosts", "bind", p.toString(), "rbind", "rprivate"));
        in.resolvConf().ifPresent(p -> mount(m, "/etc/resolv.conf", "bind", p.toString(), "rbind", "rprivate"));
        in.hostnameFile().ifPresent(p -> mount(m, "/etc/hostname", "bind", p.toString(), "rbind", "rprivate"));
        if (Boolean.TRUE.equals(hc.init())) {
            host.initBinary().ifPresent(p -> mount(m, INIT_PATH, "bind", p.toString(), "bind", "ro", "nosuid", "nodev"));
        }
        return m;
    }

    private static void requireAbsolute(String path, String what) {
        if (path == null || !path.startsWith("/")) {
            throw new InvalidArgument("invalid " + what + " destination " + path + ": it must be an absolute path");
        }
    }

    private static void mount(ArrayNode mounts, String dest, String type, String source, String... options) {
        ObjectNode m = mounts.addObject();
        m.put("destination", dest);
        m.put("type", type);
        m.put("source", source);
        ArrayNode o = m.putArray("options");
        for (String s : options) {
            o.add(s);
        }
    }

    private ObjectNode linux(ContainerSpecInput in, List<String> caps, boolean privileged, SecurityOptions security) {
        HostConfig hc = in.hostConfig();
        ObjectNode linux = Json.MAPPER.createObjectNode();
        ArrayNode ns = linux.putArray("namespaces");
        if (!"host".equals(hc.pidMode())) {
            ns.addObject().put("type", "pid");
        }
        if (!"host".equals(hc.ipcMode())) {
            ns.addObject().put("type", "ipc");
        }
        if (!"host".equals(hc.utsMode()) && !isHostNetwork(hc)) {
            ns.addObject().put("type", "uts");
        }
        ns.addObject().put("type", "mount");
        if (!isHostNetwork(hc)) {
            ObjectNode net = ns.addObject().put("type", "network");
            in.netnsPath().ifPresent(p -> net.put("path", p.toString()));
        }
        if (host.cgroupMode().isV2()) {
            ns.addObject().put("type", "cgroup");
        }
        String parent = hc.cgroupParent() == null || hc.cgroupParent().isBlank() ? CGROUP_PARENT : hc.cgroupParent();
        linux.put("cgroupsPath", (parent.startsWith("/") ? parent : "/" + parent) + "/" + in.id());
        // As docker: a shared bind needs a shared root to propagate through, a slave one at least a slave root.
        if (in.mounts().stream().anyMatch(SpecMount::isShared)) {
            linux.put("rootfsPropagation", "shared");
        } else if (in.mounts().stream().anyMatch(SpecMount::isSlave)) {
            linux.put("rootfsPropagation", "rslave");
        }
        linux.set("resources", resources(hc, privileged));
        Map<String, String> sysctls = new LinkedHashMap<>();
        if (!isHostNetwork(hc)) {
            sysctls.putAll(NETWORK_SYSCTLS);
        }
        if (hc.sysctls() != null) {
            sysctls.putAll(hc.sysctls());
        }
        if (!sysctls.isEmpty()) {
            ObjectNode s = linux.putObject("sysctl");
            sysctls.forEach(s::put);
        }
        if (privileged) {
            ArrayNode devices = linux.putArray("devices");
            for (HostDevices.Device d : HostDevices.under(Path.of("/dev"))) {
                devices.addObject().put("path", d.path()).put("type", d.type()).put("major", d.major())
                        .put("minor", d.minor()).put("fileMode", d.fileMode()).put("uid", d.uid()).put("gid", d.gid());
            }
        } else {
            ArrayNode masked = linux.putArray("maskedPaths");
            MASKED_PATHS.forEach(masked::add);
            ArrayNode ro = linux.putArray("readonlyPaths");
            READONLY_PATHS.forEach(ro::add);
            if (!security.seccompUnconfined()) {
                linux.set("seccomp", security.seccompProfile()
                        .map(profile -> SeccompProfile.from(profile, caps))
                        .orElseGet(() -> SeccompProfile.forCapabilities(caps)));
            }
        }
        return linux;
    }

    private ObjectNode resources(HostConfig hc, boolean privileged) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        ArrayNode devices = r.putArray("devices");
        if (privileged) {
            devices.addObject().put("allow", true).put("access", "rwm");
        } else {
            devices.addObject().put("allow", false).put("access", "rwm");
            device(devices, "c", null, null, "m");
            device(devices, "b", null, null, "m");
            device(devices, "c", 1L, 3L, "rwm");   // null
            device(devices, "c", 1L, 5L, "rwm");   // zero
            device(devices, "c", 1L, 7L, "rwm");   // full
            device(devices, "c", 1L, 8L, "rwm");   // random
            device(devices, "c", 1L, 9L, "rwm");   // urandom
            device(devices, "c", 5L, 0L, "rwm");   // tty
            device(devices, "c", 5L, 1L, "rwm");   // console
            device(devices, "c", 5L, 2L, "rwm");   // ptmx
            device(devices, "c", 136L, null, "rwm"); // pts
            device(devices, "c", 10L, 200L, "rwm"); // tun
        }
        ObjectNode mem = Json.MAPPER.createObjectNode();
        long memory = hc.memory() == null ? 0 : hc.memory();
        if (memory < 0) {
            throw new InvalidArgument("invalid memory limit: " + memory);
        }
        if (memory > 0) {
            if (memory < 6L * 1024 * 1024) {
                throw new InvalidArgument("minimum memory limit allowed is 6MB");
            }
            mem.put("limit", memory);
            long swap = hc.memorySwap() == null ? 0 : hc.memorySwap();
            if (swap > 0 && swap < memory) {
                throw new InvalidArgument("minimum memoryswap limit should be larger than memory limit, see usage");
            }
            if (host.swapAccounting()) {
                if (swap == 0) {
                    mem.put("swap", memory * 2);
                } else {
                    mem.put("swap", swap);
                }
            } else if (swap != 0) {
                LOG.log(Level.WARNING, "--memory-swap ignored: this host has no swap accounting");
            }
        }
        if (hc.memoryReservation() != null && hc.memoryReservation() > 0) {
            mem.put("reservation", hc.memoryReservation());
        }
        if (Boolean.TRUE.equals(hc.oomKillDisable())) {
            mem.put("disableOOMKiller", true);
        }
        if (!mem.isEmpty()) {
            r.set("memory", mem);
        }
        ObjectNode cpu = Json.MAPPER.createObjectNode();
        if (hc.nanoCpus() != null && hc.nanoCpus() > 0) {
            if (hc.cpuQuota() != null && hc.cpuQuota() > 0 || hc.cpuPeriod() != null && hc.cpuPeriod() > 0) {
                throw new InvalidArgument("conflicting options: Nano CPUs and CPU Period cannot both be set");
            }
            cpu.put("period", DEFAULT_CPU_PERIOD);
            cpu.put("quota", hc.nanoCpus() * DEFAULT_CPU_PERIOD / 1_000_000_000L);
        }
        if (hc.cpuPeriod() != null && hc.cpuPeriod() > 0) {
            cpu.put("period", hc.cpuPeriod());
        }
        if (hc.cpuQuota() != null && hc.cpuQuota() > 0) {
            cpu.put("quota", hc.cpuQuota());
        }
        if (hc.cpuShares() != null && hc.cpuShares() > 0) {
            cpu.put("shares", Math.max(2, hc.cpuShares()));
        }
        if (hc.cpusetCpus() != null && !hc.cpusetCpus().isEmpty()) {
            cpu.put("cpus", hc.cpusetCpus());
        }
        if (hc.cpusetMems() != null && !hc.cpusetMems().isEmpty()) {
            cpu.put("mems", hc.cpusetMems());
        }
        if (!cpu.isEmpty()) {
            r.set("cpu", cpu);
        }
        if (hc.pidsLimit() != null && hc.pidsLimit() != 0) {
            r.putObject("pids").put("limit", hc.pidsLimit() < 0 ? -1 : hc.pidsLimit());
        }
        return r;
    }

    private static void device(ArrayNode devices, String type, Long major, Long minor, String access) {
        ObjectNode d = devices.addObject().put("allow", true).put("type", type);
        if (major != null) {
            d.put("major", major);
        }
        if (minor != null) {
            d.put("minor", minor);
        }
        d.put("access", access);
    }

    private static Map<String, String> knownSysctls(Map<String, String> sysctls) {
        Map<String, String> known = new TreeMap<>();
        sysctls.forEach((key, value) -> {
            if (Files.exists(Path.of("/proc/sys", key.split("\\.")))) {
                known.put(key, value);
            }
        });
        return Collections.unmodifiableMap(known);
    }

    private static boolean isHostNetwork(HostConfig hc) {
        return "host".equals(hc.networkMode());
    }

    /** The runtime name a container asked for ({@code --runtime}), if any. */
    public static Optional<String> runtimeName(HostConfig hc) {
        return Optional.ofNullable(hc.runtime()).filter(s -> !s.isBlank());
    }
}
