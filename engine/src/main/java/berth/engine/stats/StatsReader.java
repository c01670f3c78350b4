package berth.engine.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the resource use of a running container, found by its init process, in the shape of docker's
 * {@code GET /containers/{id}/stats}: its cgroups (v1 or v2, located through {@code /proc/PID/cgroup}), the
 * host's CPU time from {@code /proc/stat} (docker's {@code system_cpu_usage}) and the interfaces of its network
 * namespace from {@code /proc/PID/net/dev}.
 */
public final class StatsReader {
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
    private static final long NANOS_PER_TICK = 10_000_000L;

    private final long hostMemory;

    /** {@code hostMemory}: what a container without a memory limit reports as its limit, as docker does. */
    public StatsReader(long hostMemory) {
        this.hostMemory = hostMemory;
    }

    /** One sample of a running container; {@code pid} ≤ 0 (not running) gives docker's zero sample. */
    public Sample sample(int pid) {
        long system = systemCpuNanos();
        int cpus = onlineCpus();
        if (pid <= 0) {
            return new Sample(Instant.now(), CgroupSample.EMPTY, system, cpus, Map.of());
        }
        return new Sample(Instant.now(), cgroups(pid), system, cpus, networks(pid));
    }

    /** A reading at one instant. */
    public record Sample(Instant read, CgroupSample cgroup, long systemCpu, int onlineCpus,
                         Map<String, long[]> networks) {}

    /** docker's JSON for {@code current} with {@code previous} as its {@code precpu_stats} (null: none yet). */
    public Map<String, Object> json(String id, String name, Sample current, Sample previous) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("read", current.read().toString());
        out.put("preread", previous == null ? "0001-01-01T00:00:00Z" : previous.read().toString());
        CgroupSample c = current.cgroup();
        Map<String, Object> pids = new LinkedHashMap<>();
        pids.put("current", c.pidsCurrent());
        if (c.pidsLimit() > 0) {
            pids.put("limit", c.pidsLimit());
        }
        out.put("pids_stats", pids);
        out.put("blkio_stats", Map.of(
                "io_service_bytes_recursive", blkio(c.ioServiceBytes()),
                "io_serviced_recursive", blkio(c.ioServiced())));
        out.put("num_procs", 0);
        out.put("storage_stats", Map.of());
        out.put("cpu_stats", cpu(current));
        out.put("precpu_stats", previous == null ? Map.of("cpu_usage", Map.of("total_usage", 0, "usage_in_kernelmode", 0,
                "usage_in_usermode", 0), "throttling_data", Map.of("periods", 0, "throttled_periods", 0,
                "throttled_time", 0)) : cpu(previous));
        Map<String, Object> memory = new LinkedHashMap<>();
        if (!c.memoryStats().isEmpty() || c.memoryUsage() > 0) {
            memory.put("usage", c.memoryUsage());
            if (c.memoryMaxUsage() > 0) {
                memory.put("max_usage", c.memoryMaxUsage());
            }
            memory.put("stats", c.memoryStats());
            if (c.memoryFailcnt() > 0) {
                memory.put("failcnt", c.memoryFailcnt());
            }
            memory.put("limit", c.memoryLimit() == 0 || c.memoryLimit() > hostMemory ? hostMemory : c.memoryLimit());
        }
        out.put("memory_stats", memory);
        out.put("name", "/" + name);
        out.put("id", id);
        if (!current.networks().isEmpty()) {
            Map<String, Object> networks = new LinkedHashMap<>();
            current.networks().forEach((iface, v) -> {
                Map<String, Object> n = new LinkedHashMap<>();
                n.put("rx_bytes", v[0]);
                n.put("rx_packets", v[1]);
                n.put("rx_errors", v[2]);
                n.put("rx_dropped", v[3]);
                n.put("tx_bytes", v[8]);
                n.put("tx_packets", v[9]);
                n.put("tx_errors", v[10]);
                n.put("tx_dropped", v[11]);
                networks.put(iface, n);
            });
            out.put("networks", networks);
        }
        return out;
    }

    private static Map<String, Object> cpu(Sample s) {
        CgroupSample c = s.cgroup();
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("total_usage", c.cpuTotal());
        if (!c.cpuPerCpu().isEmpty()) {
            usage.put("percpu_usage", c.cpuPerCpu());
        }
        usage.put("usage_in_kernelmode", c.cpuKernel());
        usage.put("usage_in_usermode", c.cpuUser());
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("cpu_usage", usage);
        cpu.put("system_cpu_usage", s.systemCpu());
        cpu.put("online_cpus", s.onlineCpus());
        cpu.put("throttling_data", Map.of("periods", c.throttlePeriods(), "throttled_periods", c.throttledPeriods(),
                "throttled_time", c.throttledTime()));
        return cpu;
    }

    private static List<Map<String, Object>> blkio(List<CgroupSample.BlkioEntry> entries) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (CgroupSample.BlkioEntry e : entries) {
            out.add(Map.of("major", e.major(), "minor", e.minor(), "op", e.op(), "value", e.value()));
        }
        return out;
    }

    /** The container's cgroups, as its init process's {@code /proc/PID/cgroup} names them. */
    private static CgroupSample cgroups(int pid) {
        Map<String, Path> v1 = new LinkedHashMap<>();
        Path v2 = null;
        for (String line : lines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] fields = line.split(":", 3);
            if (fields.length != 3) {
                continue;
            }
            String relative = fields[2].startsWith("/") ? fields[2].substring(1) : fields[2];
            if (fields[1].isEmpty()) {
                boolean pureV2 = Files.exists(CGROUP_ROOT.resolve("cgroup.controllers"));
                v2 = (pureV2 ? CGROUP_ROOT : CGROUP_ROOT.resolve("unified")).resolve(relative);
                continue;
            }
            for (String controller : fields[1].split(",")) {
                Path mount = CGROUP_ROOT.resolve(fields[1]);
                if (!Files.isDirectory(mount)) {
                    mount = CGROUP_ROOT.resolve(controller);
                }
                v1.put(controller, mount.resolve(relative));
            }
        }
        if (v1.containsKey("memory") || v1.containsKey("cpuacct")) {
            return CgroupFiles.v1(v1.get("cpuacct"), v1.get("cpu"), v1.get("memory"), v1.get("blkio"), v1.get("pids"));
        }
        return v2 == null ? CgroupSample.EMPTY : CgroupFiles.v2(v2);
    }

    /** The host's CPU time in nanoseconds: the first line of /proc/stat, in clock ticks. */
    static long systemCpuNanos() {
        for (String line : lines(Path.of("/proc/stat"))) {
            if (line.startsWith("cpu ")) {
                long ticks = 0;
                String[] fields = line.trim().split("\\s+");
                for (int i = 1; i < fields.length && i <= 7; i++) {
                    ticks += Long.parseLong(fields[i]);
                }
                return ticks * NANOS_PER_TICK;
            }
        }
        return 0;
    }

    private static int onlineCpus() {
        int n = 0;
        for (String line : lines(Path.of("/proc/stat"))) {
            if (line.startsWith("cpu") && Character.isDigit(line.charAt(3))) {
                n++;
            }
        }
        return n;
    }

    /** The counters of each interface but loopback in the process's network namespace (16 per interface). */
    static Map<String, long[]> networks(int pid) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String line : lines(Path.of("/proc/" + pid + "/net/dev"))) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String[] fields = line.substring(colon + 1).trim().split("\\s+");
            if (name.equals("lo") || fields.length < 16) {
                continue;
            }
            long[] values = new long[16];
            for (int i = 0; i < 16; i++) {
                values[i] = Long.parseLong(fields[i]);
            }
            out.put(name, values);
        }
        return out;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
