package berth.engine.container;

import berth.oci.container.HostConfig;
import berth.oci.errors.InvalidArgument;
import berth.runtime.spec.Capabilities;
import berth.runtime.spec.SecurityOptions;

import java.util.List;
import java.util.Set;

/** Refuses a HostConfig that docker would refuse, with docker's message, before anything is created. */
public final class HostConfigCheck {
    private static final long MIN_MEMORY = 6 * 1024 * 1024;
    private static final Set<String> RESTART = Set.of("", "no", "always", "unless-stopped", "on-failure");

    private HostConfigCheck() {}

    public static void check(HostConfig hc, Set<String> runtimes, int cpus) {
        SecurityOptions.of(hc);
        long memory = orZero(hc.memory());
        long swap = orZero(hc.memorySwap());
        if (memory < 0) {
            throw new InvalidArgument("invalid memory limit: " + memory);
        }
        if (memory > 0 && memory < MIN_MEMORY) {
            throw new InvalidArgument("Minimum memory limit allowed is 6MB");
        }
        if (swap > 0 && memory == 0) {
            throw new InvalidArgument("You should always set the Memory limit when using Memoryswap limit, see usage");
        }
        if (swap > 0 && swap < memory) {
            throw new InvalidArgument("Minimum memoryswap limit should be larger than memory limit, see usage");
        }
        long nanoCpus = orZero(hc.nanoCpus());
        if (nanoCpus < 0 || nanoCpus > cpus * 1_000_000_000L) {
            throw new InvalidArgument("Range of CPUs is from 0.01 to " + cpus + ".00, as there are only " + cpus
                    + " CPUs available");
        }
        if (nanoCpus > 0 && orZero(hc.cpuPeriod()) > 0) {
            throw new InvalidArgument("Conflicting options: Nano CPUs and CPU Period cannot both be set");
        }
        if (nanoCpus > 0 && orZero(hc.cpuQuota()) > 0) {
            throw new InvalidArgument("Conflicting options: Nano CPUs and CPU Quota cannot both be set");
        }
        long period = orZero(hc.cpuPeriod());
        if (period != 0 && (period < 1000 || period > 1_000_000)) {
            throw new InvalidArgument("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
        }
        long quota = orZero(hc.cpuQuota());
        if (quota > 0 && quota < 1000) {
            throw new InvalidArgument("CPU cfs quota can not be less than 1ms (i.e. 1000)");
        }
        if (orZero(hc.cpuShares()) < 0) {
            throw new InvalidArgument("invalid CPU shares: " + hc.cpuShares());
        }
        capabilities(hc.capAdd(), "CapAdd");
        capabilities(hc.capDrop(), "CapDrop");
        HostConfig.RestartPolicy policy = hc.restartPolicy();
        if (policy != null) {
            String name = policy.name() == null ? "" : policy.name();
            if (!RESTART.contains(name)) {
                throw new InvalidArgument("invalid restart policy: unknown policy '" + name
                        + "'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'");
            }
            int retries = policy.maximumRetryCount() == null ? 0 : policy.maximumRetryCount();
            if (retries < 0) {
                throw new InvalidArgument("invalid restart policy: maximum retry count cannot be negative");
            }
            if (retries > 0 && !name.equals("on-failure")) {
                throw new InvalidArgument("invalid restart policy: maximum retry count can only be used with 'on-failure'");
            }
            if (hc.isAutoRemove() && !name.isEmpty() && !name.equals("no")) {
                throw new InvalidArgument("can't create 'AutoRemove' container with restart policy");
            }
        }
        if (hc.runtime() != null && !hc.runtime().isEmpty() && !runtimes.contains(hc.runtime())) {
            throw new InvalidArgument("unknown or invalid runtime name: " + hc.runtime());
        }
    }

    private static void capabilities(List<String> names, String field) {
        try {
            Capabilities.normalize(names);
        } catch (InvalidArgument e) {
            throw new InvalidArgument("invalid " + field + ": " + e.getMessage());
        }
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
