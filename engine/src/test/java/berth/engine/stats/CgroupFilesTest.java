package berth.engine.stats;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The cgroup parsers against files written as the kernel writes them. */
class CgroupFilesTest {
    @TempDir
    Path dir;

    private Path controller(String name, String... fileAndContent) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        for (int i = 0; i < fileAndContent.length; i += 2) {
            Files.writeString(d.resolve(fileAndContent[i]), fileAndContent[i + 1]);
        }
        return d;
    }

    @Test
    void v1() throws IOException {
        Path cpuacct = controller("cpuacct", "cpuacct.usage", "123456789\n", "cpuacct.usage_percpu", "100000000 23456789 \n",
                "cpuacct.stat", "user 7\nsystem 3\n");
        Path cpu = controller("cpu", "cpu.stat", "nr_periods 10\nnr_throttled 2\nthrottled_time 5000\n");
        Path memory = controller("memory", "memory.usage_in_bytes", "8388608\n", "memory.max_usage_in_bytes", "9000000\n",
                "memory.limit_in_bytes", "9223372036854771712\n", "memory.failcnt", "0\n",
                "memory.stat", "cache 4096\nrss 8192\ntotal_inactive_file 1048576\n");
        Path blkio = controller("blkio", "blkio.throttle.io_service_bytes_recursive",
                "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n8:0 Total 12288\nTotal 12288\n",
                "blkio.throttle.io_serviced_recursive", "8:0 Read 1\n8:0 Write 2\nTotal 3\n");
        Path pids = controller("pids", "pids.current", "3\n", "pids.max", "max\n");

        CgroupSample s = CgroupFiles.v1(cpuacct, cpu, memory, blkio, pids);

        assertEquals(123456789L, s.cpuTotal());
        assertEquals(List.of(100000000L, 23456789L), s.cpuPerCpu());
        assertEquals(70_000_000L, s.cpuUser());
        assertEquals(30_000_000L, s.cpuKernel());
        assertEquals(10, s.throttlePeriods());
        assertEquals(2, s.throttledPeriods());
        assertEquals(5000, s.throttledTime());
        assertEquals(8388608L, s.memoryUsage());
        assertEquals(0, s.memoryLimit(), "the kernel's 'unlimited' reads as no limit");
        assertEquals(1048576L, s.memoryStats().get("total_inactive_file"));
        assertEquals(List.of(new CgroupSample.BlkioEntry(8, 0, "Read", 4096), new CgroupSample.BlkioEntry(8, 0, "Write", 8192),
                new CgroupSample.BlkioEntry(8, 0, "Sync", 0), new CgroupSample.BlkioEntry(8, 0, "Async", 12288),
                new CgroupSample.BlkioEntry(8, 0, "Total", 12288)), s.ioServiceBytes());
        assertEquals(2, s.ioServiced().size(), "device rows only");
        assertEquals(3, s.pidsCurrent());
        assertEquals(0, s.pidsLimit());
    }

    @Test
    void v1WithALimit() throws IOException {
        Path memory = controller("memory", "memory.usage_in_bytes", "100\n", "memory.limit_in_bytes", "67108864\n");
        Path pids = controller("pids", "pids.current", "1\n", "pids.max", "50\n");
        CgroupSample s = CgroupFiles.v1(null, null, memory, null, pids);
        assertEquals(67108864L, s.memoryLimit());
        assertEquals(50, s.pidsLimit());
        assertEquals(0, s.cpuTotal(), "a controller that is not there reads as zero");
    }

    @Test
    void v2() throws IOException {
        Path d = controller("v2", "cpu.stat", "usage_usec 2500\nuser_usec 2000\nsystem_usec 500\nnr_periods 4\n"
                        + "nr_throttled 1\nthrottled_usec 30\n",
                "memory.current", "2097152\n", "memory.max", "max\n", "memory.peak", "3000000\n",
                "memory.stat", "anon 1048576\nfile 524288\ninactive_file 262144\n",
                "memory.events", "low 0\nhigh 0\nmax 0\noom 1\noom_kill 1\n",
                "io.stat", "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n253:1 rbytes=1 wbytes=2 rios=3 wios=4\n",
                "pids.current", "2\n", "pids.max", "100\n");

        CgroupSample s = CgroupFiles.v2(d);

        assertEquals(2_500_000L, s.cpuTotal());
        assertEquals(2_000_000L, s.cpuUser());
        assertEquals(500_000L, s.cpuKernel());
        assertEquals(List.of(), s.cpuPerCpu());
        assertEquals(30_000L, s.throttledTime());
        assertEquals(2097152L, s.memoryUsage());
        assertEquals(3000000L, s.memoryMaxUsage());
        assertEquals(0, s.memoryLimit());
        assertEquals(1, s.memoryFailcnt());
        assertEquals(262144L, s.memoryStats().get("inactive_file"));
        assertEquals(List.of(new CgroupSample.BlkioEntry(8, 0, "read", 4096), new CgroupSample.BlkioEntry(8, 0, "write", 8192),
                new CgroupSample.BlkioEntry(253, 1, "read", 1), new CgroupSample.BlkioEntry(253, 1, "write", 2)),
                s.ioServiceBytes());
        assertEquals(List.of(new CgroupSample.BlkioEntry(8, 0, "read", 1), new CgroupSample.BlkioEntry(8, 0, "write", 2),
                new CgroupSample.BlkioEntry(253, 1, "read", 3), new CgroupSample.BlkioEntry(253, 1, "write", 4)),
                s.ioServiced());
        assertEquals(2, s.pidsCurrent());
        assertEquals(100, s.pidsLimit());
    }
}
