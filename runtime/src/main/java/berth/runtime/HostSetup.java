package berth.runtime;

import berth.oci.errors.Unavailable;
import berth.sys.Mounts;
import berth.sys.SysException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Prepares the host for containers when the daemon starts, and reports what it found as a {@link Host}.
 *
 * <p>On a cgroup v1/v2 hybrid host whose kernel left controllers (typically {@code hugetlb}) on the cgroup2 tree,
 * crun refuses to run ("cgroups in hybrid mode not supported"): those controllers are mounted on v1 (logged), and
 * when that is not possible the default runtime falls back to runc (warned). The daemon's own hard rlimits are read
 * so that container specs can be clamped to them.
 */
public final class HostSetup {
    private static final System.Logger LOG = System.getLogger(HostSetup.class.getName());
    private static final List<Path> SEARCH = List.of(Path.of("/usr/local/bin"), Path.of("/usr/bin"),
            Path.of("/usr/sbin"), Path.of("/usr/local/sbin"), Path.of("/bin"), Path.of("/sbin"),
            Path.of("/usr/libexec/podman"), Path.of("/usr/local/libexec/podman"), Path.of("/usr/lib/podman"));
    /** /proc/self/limits row name to the OCI rlimit type. */
    private static final Map<String, String> LIMIT_NAMES = Map.ofEntries(
            Map.entry("Max cpu time", "RLIMIT_CPU"), Map.entry("Max file size", "RLIMIT_FSIZE"),
            Map.entry("Max data size", "RLIMIT_DATA"), Map.entry("Max stack size", "RLIMIT_STACK"),
            Map.entry("Max core file size", "RLIMIT_CORE"), Map.entry("Max resident set", "RLIMIT_RSS"),
            Map.entry("Max processes", "RLIMIT_NPROC"), Map.entry("Max open files", "RLIMIT_NOFILE"),
            Map.entry("Max locked memory", "RLIMIT_MEMLOCK"), Map.entry("Max address space", "RLIMIT_AS"),
            Map.entry("Max file locks", "RLIMIT_LOCKS"), Map.entry("Max pending signals", "RLIMIT_SIGPENDING"),
            Map.entry("Max msgqueue size", "RLIMIT_MSGQUEUE"), Map.entry("Max nice priority", "RLIMIT_NICE"),
            Map.entry("Max realtime priority", "RLIMIT_RTPRIO"), Map.entry("Max realtime timeout", "RLIMIT_RTTIME"));

    private final Path cgroupRoot;
    private final boolean mayMount;

    /** @param mayMount whether controllers left on cgroup2 may be mounted on v1 (root daemons: yes) */
    public HostSetup(boolean mayMount) {
        this(Path.of("/sys/fs/cgroup"), mayMount);
    }

    HostSetup(Path cgroupRoot, boolean mayMount) {
        this.cgroupRoot = cgroupRoot;
        this.mayMount = mayMount;
    }

    /** Detects and, where needed and allowed, fixes the host; fails with {@link Unavailable} if conmon or every runtime is missing. */
    public Host prepare() {
        Host.CgroupMode mode = cgroupMode();
        Map<String, Path> runtimes = new LinkedHashMap<>();
        findBinary("crun").ifPresent(p -> runtimes.put("crun", p));
        findBinary("runc").ifPresent(p -> runtimes.put("runc", p));
        if (runtimes.isEmpty()) {
            throw new Unavailable("no OCI runtime found: install crun (apt-get install crun) or runc");
        }
        Path conmon = findBinary("conmon").orElseThrow(() ->
                new Unavailable("conmon not found in " + SEARCH + ": install it (apt-get install conmon)"));
        String defaultRuntime = runtimes.containsKey("crun") ? "crun" : "runc";
        if (mode == Host.CgroupMode.V1_HYBRID && runtimes.containsKey("crun")) {
            List<String> stranded = controllersLeftOnV2();
            if (!stranded.isEmpty() && !mountOnV1(stranded)) {
                if (runtimes.containsKey("runc")) {
                    LOG.log(Level.WARNING, "cgroup controllers {0} are on cgroup2 of a hybrid host and cannot be moved "
                            + "to v1; crun refuses such hosts, so runc is the default runtime", stranded);
                    runtimes.remove("crun");
                    defaultRuntime = "runc";
                } else {
                    throw new Unavailable("cgroup controllers " + stranded + " are on cgroup2 of a hybrid host, crun "
                            + "refuses to run there and runc is not installed");
                }
            }
        }
        Optional<Path> init = findBinary("tini-static").or(() -> findBinary("docker-init"))
                .or(() -> findBinary("catatonit"));
        boolean swap = mode.isV2() ? childHas("memory.swap.max")
                : Files.exists(cgroupRoot.resolve("memory/memory.memsw.limit_in_bytes"));
        return new Host(mode, defaultRuntime, runtimes, conmon, init, readHardLimits(Path.of("/proc/self/limits")),
                boundingCaps(), swap);
    }

    Host.CgroupMode cgroupMode() {
        String root = filesystemType(cgroupRoot);
        if ("cgroup2".equals(root)) {
            return Host.CgroupMode.V2_UNIFIED;
        }
        return "cgroup2".equals(filesystemType(cgroupRoot.resolve("unified")))
                ? Host.CgroupMode.V1_HYBRID : Host.CgroupMode.V1_LEGACY;
    }

    private static String filesystemType(Path mountPoint) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                int dash = List.of(f).indexOf("-");
                if (f.length > 4 && dash > 0 && f[4].equals(mountPoint.toString()) && dash + 1 < f.length) {
                    return f[dash + 1];
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether a cgroup v2 child of the root has {@code file}: the root itself never shows per-cgroup controller files
     * such as {@code memory.swap.max}, which is missing when the kernel does no swap accounting.
     */
    private boolean childHas(String file) {
        try (var children = Files.list(cgroupRoot)) {
            return children.anyMatch(c -> Files.exists(c.resolve(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> controllersLeftOnV2() {
        Path list = cgroupRoot.resolve("unified/cgroup.controllers");
        try {
            String text = Files.exists(list) ? Files.readString(list).trim() : "";
            return text.isEmpty() ? List.of() : List.of(text.split("\\s+"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean mountOnV1(List<String> controllers) {
        if (!mayMount) {
            return false;
        }
        for (String c : controllers) {
            Path target = cgroupRoot.resolve(c);
            try {
                Files.createDirectories(target);
                Mounts.mount("cgroup", target, "cgroup", 0, c);
                LOG.log(Level.INFO, "mounted cgroup controller {0} on {1} (it was left on cgroup2 of this hybrid "
                        + "host, where crun refuses to run)", c, target);
            } catch (IOException | SysException e) {
                LOG.log(Level.WARNING, "cannot mount cgroup controller {0} on {1}: {2}", c, target, e.getMessage());
                return false;
            }
        }
        return controllersLeftOnV2().isEmpty();
    }

    /** The hard limits of {@code /proc/self/limits}-formatted {@code file}, unlimited ones left out. */
    static Map<String, Long> readHardLimits(Path file) {
        Map<String, Long> limits = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                for (Map.Entry<String, String> e : LIMIT_NAMES.entrySet()) {
                    if (line.startsWith(e.getKey() + " ")) {
                        String[] f = line.substring(e.getKey().length()).trim().split("\\s+");
                        if (f.length >= 2 && !f[1].equals("unlimited")) {
                            limits.put(e.getValue(), Long.parseLong(f[1]));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return limits;
    }

    private static Set<String> boundingCaps() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapBnd:")) {
                    long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    Set<String> caps = new HashSet<>();
                    List<String> all = berth.runtime.spec.Capabilities.ALL;
                    for (int i = 0; i < all.size(); i++) {
                        if ((mask & (1L << i)) != 0) {
                            caps.add(all.get(i));
                        }
                    }
                    return caps;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(berth.runtime.spec.Capabilities.ALL);
    }

    /** {@code name} in PATH or the usual directories. */
    static Optional<Path> findBinary(String name) {
        List<Path> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                if (!d.isEmpty()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        dirs.addAll(SEARCH);
        for (Path d : dirs) {
            Path p = d.resolve(name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
