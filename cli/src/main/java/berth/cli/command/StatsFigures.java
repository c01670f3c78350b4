package berth.cli.command;

import berth.cli.format.HumanUnits;
import berth.cli.format.Json;

import java.util.List;
import java.util.Map;

/**
 * The figures {@code docker stats} prints for one stats sample, computed as the docker CLI does: CPU % from the
 * change of the container's CPU time over the change of the host's, times the CPUs; memory without the inactive
 * page cache; network and block I/O summed over interfaces and devices.
 */
record StatsFigures(double cpuPercent, double memory, double memoryLimit, double memoryPercent, long netRx,
                    long netTx, long blockRead, long blockWrite, long pids) {

    static StatsFigures of(Object stats) {
        double cpu = cpuPercent(Json.num(stats, "cpu_stats", "cpu_usage", "total_usage"),
                Json.num(stats, "precpu_stats", "cpu_usage", "total_usage"),
                Json.num(stats, "cpu_stats", "system_cpu_usage"), Json.num(stats, "precpu_stats", "system_cpu_usage"),
                onlineCpus(stats));
        long usage = Json.num(stats, "memory_stats", "usage");
        Map<?, ?> memStats = Json.at(stats, "memory_stats", "stats") instanceof Map<?, ?> m ? m : Map.of();
        double memory = memoryWithoutCache(usage, number(memStats.get("total_inactive_file")),
                number(memStats.get("inactive_file")), memStats.containsKey("total_inactive_file"));
        double limit = Json.num(stats, "memory_stats", "limit");
        long rx = 0;
        long tx = 0;
        if (Json.at(stats, "networks") instanceof Map<?, ?> networks) {
            for (Object n : networks.values()) {
                rx += Json.num(n, "rx_bytes");
                tx += Json.num(n, "tx_bytes");
            }
        }
        long read = 0;
        long write = 0;
        if (Json.at(stats, "blkio_stats", "io_service_bytes_recursive") instanceof List<?> entries) {
            for (Object e : entries) {
                String op = Json.str(e, "op");
                if (op.equalsIgnoreCase("read")) {
                    read += Json.num(e, "value");
                } else if (op.equalsIgnoreCase("write")) {
                    write += Json.num(e, "value");
                }
            }
        }
        return new StatsFigures(cpu, memory, limit, limit != 0 ? memory / limit * 100.0 : 0, rx, tx, read, write,
                Json.num(stats, "pids_stats", "current"));
    }

    /** docker's calculateCPUPercentUnix. */
    static double cpuPercent(long total, long previousTotal, long system, long previousSystem, long onlineCpus) {
        double cpuDelta = (double) total - previousTotal;
        double systemDelta = (double) system - previousSystem;
        if (systemDelta > 0 && cpuDelta > 0) {
            return cpuDelta / systemDelta * onlineCpus * 100.0;
        }
        return 0;
    }

    /** docker's calculateMemUsageUnixNoCache: usage less inactive file pages (v1's total_ key, else v2's). */
    static double memoryWithoutCache(long usage, long totalInactiveFile, long inactiveFile, boolean isV1) {
        if (isV1 && totalInactiveFile < usage) {
            return usage - totalInactiveFile;
        }
        if (!isV1 && inactiveFile < usage) {
            return usage - inactiveFile;
        }
        return usage;
    }

    private static long onlineCpus(Object stats) {
        long online = Json.num(stats, "cpu_stats", "online_cpus");
        if (online == 0 && Json.at(stats, "cpu_stats", "cpu_usage", "percpu_usage") instanceof List<?> l) {
            online = l.size();
        }
        return online;
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    String cpu() {
        return String.format("%.2f%%", cpuPercent);
    }

    String memUsage() {
        return HumanUnits.bytesSize(memory) + " / " + HumanUnits.bytesSize(memoryLimit);
    }

    String memPercent() {
        return String.format("%.2f%%", memoryPercent);
    }

    String netIo() {
        return HumanUnits.humanSize(netRx, 3) + " / " + HumanUnits.humanSize(netTx, 3);
    }

    String blockIo() {
        return HumanUnits.humanSize(blockRead, 3) + " / " + HumanUnits.humanSize(blockWrite, 3);
    }
}
