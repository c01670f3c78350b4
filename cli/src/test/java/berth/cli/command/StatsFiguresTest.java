package berth.cli.command;

import berth.cli.format.Json;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StatsFiguresTest {
    @Test
    void cpuPercentIsContainerOverHostDeltaTimesCpus() {
        // 0.5 s of container CPU over 4 s of host CPU time (2 CPUs for 2 s): 25 % of the host, 12.5 % × 2 CPUs
        assertEquals(25.0, StatsFigures.cpuPercent(1_500_000_000L, 1_000_000_000L, 14_000_000_000L, 10_000_000_000L, 2), 1e-9);
        assertEquals(0.0, StatsFigures.cpuPercent(5, 5, 20, 10, 2), "no CPU used");
        assertEquals(0.0, StatsFigures.cpuPercent(10, 5, 10, 10, 2), "no host time passed");
    }

    @Test
    void memoryLeavesOutInactivePageCache() {
        assertEquals(900.0, StatsFigures.memoryWithoutCache(1000, 100, 0, true), "v1: total_inactive_file");
        assertEquals(700.0, StatsFigures.memoryWithoutCache(1000, 0, 300, false), "v2: inactive_file");
        assertEquals(50.0, StatsFigures.memoryWithoutCache(50, 100, 0, true), "never below zero");
    }

    @Test
    void figuresFromASample() {
        Object sample = Json.parse("""
                {"id":"abc","name":"/web","pids_stats":{"current":3},
                 "cpu_stats":{"cpu_usage":{"total_usage":300},"system_cpu_usage":2000,"online_cpus":2},
                 "precpu_stats":{"cpu_usage":{"total_usage":100},"system_cpu_usage":1000},
                 "memory_stats":{"usage":2097152,"limit":8388608,"stats":{"total_inactive_file":1048576}},
                 "networks":{"eth0":{"rx_bytes":1500,"tx_bytes":500},"eth1":{"rx_bytes":500,"tx_bytes":0}},
                 "blkio_stats":{"io_service_bytes_recursive":[{"major":8,"minor":0,"op":"Read","value":4096},
                   {"major":8,"minor":0,"op":"write","value":1000},{"major":8,"minor":0,"op":"Total","value":5096}]}}
                """);
        StatsFigures f = StatsFigures.of(sample);
        assertEquals("40.00%", f.cpu());
        assertEquals("1MiB / 8MiB", f.memUsage());
        assertEquals("12.50%", f.memPercent());
        assertEquals("2kB / 500B", f.netIo());
        assertEquals("4.1kB / 1kB", f.blockIo());
        assertEquals(3, f.pids());
    }
}
