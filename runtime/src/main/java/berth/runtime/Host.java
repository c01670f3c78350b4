package berth.runtime;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the daemon learned about its host at start-up ({@link HostSetup#prepare}): the cgroup layout, the OCI
 * runtimes and conmon it found, the daemon's own hard rlimits (containers never ask above them) and its capability
 * bounding set (what "ALL" and {@code --privileged} can grant).
 *
 * @param cgroupMode      how cgroups are mounted
 * @param defaultRuntime  the runtime containers use unless they name one ({@code crun}, or {@code runc} as fallback)
 * @param runtimes        runtime name ({@code crun}, {@code runc}) to binary, only those that may be used here
 * @param conmon          the conmon binary
 * @param initBinary      a static init for {@code --init} (tini-static), if installed
 * @param hardLimits      OCI rlimit type ({@code RLIMIT_NOFILE}) to the daemon's hard limit; absent means unlimited
 * @param boundingCaps    capability names ({@code CAP_CHOWN}) in the daemon's bounding set
 * @param swapAccounting  whether memory+swap limits can be set (cgroup v1 {@code memory.memsw.*}, or v2)
 */
public record Host(CgroupMode cgroupMode, String defaultRuntime, Map<String, Path> runtimes, Path conmon,
                   Optional<Path> initBinary, Map<String, Long> hardLimits, Set<String> boundingCaps,
                   boolean swapAccounting) {

    /** The cgroup hierarchies of a host. */
    public enum CgroupMode {
        /** cgroup v1 controllers, with a cgroup2 tree at /sys/fs/cgroup/unified. */
        V1_HYBRID,
        /** cgroup v1 only. */
        V1_LEGACY,
        /** cgroup v2 at /sys/fs/cgroup. */
        V2_UNIFIED;

        public boolean isV2() {
            return this == V2_UNIFIED;
        }
    }

    public Host {
        runtimes = Map.copyOf(runtimes);
        hardLimits = Map.copyOf(hardLimits);
        boundingCaps = Set.copyOf(boundingCaps);
        if (!runtimes.containsKey(defaultRuntime)) {
            throw new IllegalArgumentException("default runtime " + defaultRuntime + " is not among " + runtimes.keySet());
        }
    }

    /** The binary of runtime {@code name}, or of the default runtime when name is null or empty. */
    public Path runtime(String name) {
        String n = name == null || name.isEmpty() ? defaultRuntime : name;
        Path p = runtimes.get(n);
        if (p == null) {
            throw new berth.oci.errors.InvalidArgument("unknown or invalid runtime name: " + n);
        }
        return p;
    }
}
