package berth.engine.stats;

import java.util.List;
import java.util.Map;

/**
 * One reading of a container's cgroup counters, the same for cgroup v1 and v2: CPU time in nanoseconds (total,
 * per CPU where v1 has it, kernel and user), CFS throttling, memory in bytes with the controller's own
 * {@code memory.stat} keys, block I/O per device and operation, and the task count.
 */
public record CgroupSample(long cpuTotal, List<Long> cpuPerCpu, long cpuKernel, long cpuUser,
                           long throttlePeriods, long throttledPeriods, long throttledTime,
                           long memoryUsage, long memoryMaxUsage, long memoryLimit, long memoryFailcnt,
                           Map<String, Long> memoryStats,
                           List<BlkioEntry> ioServiceBytes, List<BlkioEntry> ioServiced,
                           long pidsCurrent, long pidsLimit) {

    /** One row of docker's {@code blkio_stats}: a device, an operation ({@code read}, {@code write}, …) and a count. */
    public record BlkioEntry(long major, long minor, String op, long value) {}

    public static final CgroupSample EMPTY = new CgroupSample(0, List.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(),
            List.of(), List.of(), 0, 0);
}
