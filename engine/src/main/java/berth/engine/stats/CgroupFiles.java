package berth.engine.stats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a container's cgroup counters into a {@link CgroupSample}: cgroup v1 from its controllers' directories
 * ({@code cpuacct}, {@code cpu}, {@code memory}, {@code blkio}, {@code pids}), cgroup v2 from its one directory
 * ({@code cpu.stat}, {@code memory.current}/{@code memory.stat}, {@code io.stat}, {@code pids.current}). A file that
 * is missing (a controller not mounted, a container that just ended) reads as zero.
 */
public final class CgroupFiles {
    /** v1 reports user and system CPU time in clock ticks of USER_HZ, which Linux fixes at 100. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    /** What "no limit" reads as in v1's memory.limit_in_bytes and pids.max; v2 writes "max". */
    private static final long UNLIMITED = Long.MAX_VALUE;

    private CgroupFiles() {}

    /** cgroup v1: each argument is the container's directory in that controller's hierarchy (or null). */
    public static CgroupSample v1(Path cpuacct, Path cpu, Path memory, Path blkio, Path pids) {
        Map<String, Long> cpuacctStat = keyValues(read(cpuacct, "cpuacct.stat"));
        Map<String, Long> cpuStat = keyValues(read(cpu, "cpu.stat"));
        List<Long> perCpu = new ArrayList<>();
        for (String n : read(cpuacct, "cpuacct.usage_percpu").trim().split("\\s+")) {
            if (!n.isEmpty()) {
                perCpu.add(Long.parseLong(n));
            }
        }
        List<CgroupSample.BlkioEntry> bytes = blkioV1(first(blkio, "blkio.throttle.io_service_bytes_recursive",
                "blkio.throttle.io_service_bytes"));
        List<CgroupSample.BlkioEntry> serviced = blkioV1(first(blkio, "blkio.throttle.io_serviced_recursive",
                "blkio.throttle.io_serviced"));
        return new CgroupSample(number(read(cpuacct, "cpuacct.usage")), perCpu,
                cpuacctStat.getOrDefault("system", 0L) * NANOS_PER_TICK,
                cpuacctStat.getOrDefault("user", 0L) * NANOS_PER_TICK,
                cpuStat.getOrDefault("nr_periods", 0L), cpuStat.getOrDefault("nr_throttled", 0L),
                cpuStat.getOrDefault("throttled_time", 0L),
                number(read(memory, "memory.usage_in_bytes")), number(read(memory, "memory.max_usage_in_bytes")),
                limit(read(memory, "memory.limit_in_bytes")), number(read(memory, "memory.failcnt")),
                keyValues(read(memory, "memory.stat")), bytes, serviced,
                number(read(pids, "pids.current")), limit(read(pids, "pids.max")));
    }

    /** cgroup v2: the container's one directory. */
    public static CgroupSample v2(Path dir) {
        Map<String, Long> cpuStat = keyValues(read(dir, "cpu.stat"));
        List<CgroupSample.BlkioEntry> bytes = new ArrayList<>();
        List<CgroupSample.BlkioEntry> serviced = new ArrayList<>();
        for (String line : read(dir, "io.stat").split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 2 || !fields[0].contains(":")) {
                continue;
            }
            String[] device = fields[0].split(":");
            long major = Long.parseLong(device[0]);
            long minor = Long.parseLong(device[1]);
            for (int i = 1; i < fields.length; i++) {
                int eq = fields[i].indexOf('=');
                if (eq < 0) {
                    continue;
                }
                long value = Long.parseLong(fields[i].substring(eq + 1));
                switch (fields[i].substring(0, eq)) {
                    case "rbytes" -> bytes.add(new CgroupSample.BlkioEntry(major, minor, "read", value));
                    case "wbytes" -> bytes.add(new CgroupSample.BlkioEntry(major, minor, "write", value));
                    case "rios" -> serviced.add(new CgroupSample.BlkioEntry(major, minor, "read", value));
                    case "wios" -> serviced.add(new CgroupSample.BlkioEntry(major, minor, "write", value));
                    default -> { }
                }
            }
        }
        return new CgroupSample(cpuStat.getOrDefault("usage_usec", 0L) * 1000, List.of(),
                cpuStat.getOrDefault("system_usec", 0L) * 1000, cpuStat.getOrDefault("user_usec", 0L) * 1000,
                cpuStat.getOrDefault("nr_periods", 0L), cpuStat.getOrDefault("nr_throttled", 0L),
                cpuStat.getOrDefault("throttled_usec", 0L) * 1000,
                number(read(dir, "memory.current")), number(read(dir, "memory.peak")), limit(read(dir, "memory.max")),
                keyValues(read(dir, "memory.events")).getOrDefault("oom", 0L),
                keyValues(read(dir, "memory.stat")), bytes, serviced,
                number(read(dir, "pids.current")), limit(read(dir, "pids.max")));
    }

    // "8:0 Read 4096" rows; the per-cgroup "Total N" row is not a device.
    private static List<CgroupSample.BlkioEntry> blkioV1(String text) {
        List<CgroupSample.BlkioEntry> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length != 3 || !fields[0].contains(":")) {
                continue;
            }
            String[] device = fields[0].split(":");
            entries.add(new CgroupSample.BlkioEntry(Long.parseLong(device[0]), Long.parseLong(device[1]),
                    fields[1], Long.parseLong(fields[2])));
        }
        return entries;
    }

    /** "key value" lines, as memory.stat, cpu.stat and cpuacct.stat write them. */
    static Map<String, Long> keyValues(String text) {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 2) {
                try {
                    values.put(fields[0], Long.parseLong(fields[1]));
                } catch (NumberFormatException e) {
                    // not a counter
                }
            }
        }
        return values;
    }

    private static long number(String text) {
        String t = text.trim();
        return t.isEmpty() ? 0 : Long.parseLong(t);
    }

    /** A limit: "max" (v2) or v1's page-rounded huge value both mean none, reported as 0. */
    private static long limit(String text) {
        String t = text.trim();
        if (t.isEmpty() || t.equals("max")) {
            return 0;
        }
        long value = Long.parseLong(t);
        return value >= UNLIMITED - 4096 * 2 ? 0 : value;
    }

    private static String first(Path dir, String... names) {
        for (String name : names) {
            String text = read(dir, name);
            if (!text.isBlank()) {
                return text;
            }
        }
        return "";
    }

    private static String read(Path dir, String name) {
        if (dir == null) {
            return "";
        }
        try {
            return Files.readString(dir.resolve(name));
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("No such device")) {
                return ""; // the cgroup went away with its container
            }
            throw new UncheckedIOException(e);
        }
    }
}
