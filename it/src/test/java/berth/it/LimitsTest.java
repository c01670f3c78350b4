package berth.it;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The resource flags of {@code run}: cgroup limits read back from inside the container and from the host's cgroup
 * files, the OOM killer at work under {@code --memory}, a fork bomb held by {@code --pids-limit}, and
 * {@code --ulimit} (clamped, not refused, above the daemon's own hard limit). Runs on cgroup v1 and v2 alike.
 */
class LimitsTest extends SharedDaemonTest {
    private static final long MIB = 1024 * 1024;
    /** v1: memory+swap; v2: swap alone. */
    private static final String SWAP_FILE = cgroupFile("memory", "memory.memsw.limit_in_bytes", "memory.swap.max");
    @Test
    void memoryLimitIsTheCgroupLimitAndSwapDefaultsToTwiceIt() {
        String limit = daemon.dockerRunOk("--memory", "64m", "busybox", "cat",
                cgroupFile("memory", "memory.limit_in_bytes", "memory.max"));
        assertEquals(64 * MIB, Long.parseLong(limit.strip()));
        Assumptions.assumeTrue(hasSwapAccounting(), "this host does no swap accounting");
        String swap = daemon.dockerRunOk("--memory", "64m", "busybox", "cat", SWAP_FILE);
        assertEquals(v2() ? 64 * MIB : 128 * MIB, Long.parseLong(swap.strip()), "memory+swap is twice the memory");
    }

    @Test
    void memorySwapSetsTheMemoryPlusSwapLimit() {
        Assumptions.assumeTrue(hasSwapAccounting(), "this host does no swap accounting");
        String swap = daemon.berthRunOk("--memory", "64m", "--memory-swap", "96m", "busybox", "cat", SWAP_FILE);
        assertEquals(v2() ? 32 * MIB : 96 * MIB, Long.parseLong(swap.strip()));
        String unlimited = daemon.dockerRunOk("--memory", "64m", "--memory-swap", "-1", "busybox", "cat", SWAP_FILE);
        assertTrue(unlimited.strip().equals("max") || Long.parseLong(unlimited.strip()) > 1L << 50, unlimited);
    }

    @Test
    void allocationAboveTheMemoryLimitIsOomKilled() {
        // The shell keeps 64 MiB in a variable: four times the limit, twice memory+swap.
        Daemon.Result run = daemon.docker("run", "--name", "oom", "--memory", "16m", "busybox", "sh", "-c",
                "x=$(head -c 64m /dev/zero | tr '\\0' a); echo survived");
        try {
            assertEquals(137, run.exit(), run::toString);
            assertEquals("", run.stdout(), run::toString);
            Daemon.Result state = daemon.docker("inspect", "--format", "{{.State.ExitCode}} {{.State.OOMKilled}}", "oom");
            assertEquals("137 true", state.stdout().strip(), state::toString);
        } finally {
            daemon.docker("rm", "-f", "oom");
        }
    }

    @Test
    void cpusSetsTheCfsQuotaAndCpuSharesTheWeight() {
        String quota = daemon.dockerRunOk("--cpus", "0.5", "busybox", "sh", "-c", v2() ? "cat /sys/fs/cgroup/cpu.max"
                : "echo $(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)");
        assertEquals("50000 100000\n", quota);
        String shares = daemon.berthRunOk("--cpu-shares", "512", "busybox", "cat",
                cgroupFile("cpu", "cpu.shares", "cpu.weight"));
        // cgroup v2 has weights: crun maps 512 shares to 1 + (512 - 2) * 9999 / 262142.
        assertEquals(v2() ? 20 : 512, Long.parseLong(shares.strip()));
    }

    @Test
    void limitsAreInTheHostsCgroupOfTheContainer() throws Exception {
        Daemon.Result run = daemon.docker("run", "-d", "--name", "limited", "--memory", "48m", "--cpus", "0.25",
                "--pids-limit", "30", "busybox", "sleep", "60");
        try {
            assertEquals(0, run.exit(), run::toString);
            String pid = daemon.docker("inspect", "--format", "{{.State.Pid}}", "limited").stdout().strip();
            if (v2()) {
                Path cgroup = Path.of("/sys/fs/cgroup" + cgroupOf(pid, ""));
                assertEquals(48 * MIB, Long.parseLong(Files.readString(cgroup.resolve("memory.max")).strip()));
                assertEquals("25000 100000", Files.readString(cgroup.resolve("cpu.max")).strip());
                assertEquals("30", Files.readString(cgroup.resolve("pids.max")).strip());
            } else {
                String memory = cgroupOf(pid, "memory");
                assertTrue(memory.endsWith("/berth/" + run.stdout().strip()), memory);
                assertEquals(48 * MIB, Long.parseLong(read("memory" + memory + "/memory.limit_in_bytes")));
                assertEquals("25000", read("cpu" + cgroupOf(pid, "cpu") + "/cpu.cfs_quota_us"));
                assertEquals("30", read("pids" + cgroupOf(pid, "pids") + "/pids.max"));
            }
        } finally {
            daemon.docker("rm", "-f", "limited");
        }
    }

    @Test
    void pidsLimitBoundsAForkBomb() {
        // A subshell forks 40 sleepers; ash gives up at the first refused fork. Then only builtins run: at the limit
        // even `cat` could not be forked.
        String out = daemon.dockerRunOk("--pids-limit", "20", "busybox", "sh", "-c",
                "d=/sys/fs/cgroup/pids; [ -e $d/pids.max ] || d=/sys/fs/cgroup; "
                        + "(for i in $(seq 40); do sleep 30 & done) 2>/dev/null; "
                        + "read max < $d/pids.max; read current < $d/pids.current; read event refused < $d/pids.events; "
                        + "echo $max $current $refused");
        String[] f = out.strip().split(" ");
        assertEquals("20", f[0], out);
        assertTrue(Integer.parseInt(f[1]) <= 20, "processes alive under the limit: " + out);
        assertTrue(Integer.parseInt(f[2]) >= 1, "forks refused by the pids cgroup: " + out);
    }

    @Test
    void ulimitSetsTheContainersLimits() {
        assertEquals("1024 2048\n", daemon.dockerRunOk("--ulimit", "nofile=1024:2048", "busybox", "sh", "-c",
                "echo $(ulimit -n) $(ulimit -Hn)"));
        assertEquals("1024 2048\n", daemon.berthRunOk("--ulimit", "nofile=1024:2048", "busybox", "sh", "-c",
                "echo $(ulimit -n) $(ulimit -Hn)"));
    }

    @Test
    void ulimitAboveTheDaemonsHardLimitIsClampedAndLogged() throws IOException {
        long hard = hardNofile();
        String asked = "nofile=" + (hard + 1000) + ":" + (hard + 2000);
        String out = daemon.dockerRunOk("--ulimit", asked, "busybox", "sh", "-c", "echo $(ulimit -n) $(ulimit -Hn)");
        assertEquals(hard + " " + hard + "\n", out);
        assertTrue(daemon.log().contains("ulimit nofile=" + (hard + 1000) + ":" + (hard + 2000)
                + " is above the daemon's hard limit " + hard + ": clamped to " + hard), daemon::log);
    }

    /** The hard RLIMIT_NOFILE of this JVM, which started berthd (so it is the daemon's too). */
    private static long hardNofile() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                return Long.parseLong(line.substring("Max open files".length()).strip().split("\\s+")[1]);
            }
        }
        throw new AssertionError("no open files limit in /proc/self/limits");
    }

    /** A file of the container's own cgroup, as the container sees it: v1 {@code CONTROLLER/V1}, v2 {@code V2}. */
    private static String cgroupFile(String controller, String v1, String v2) {
        return v2() ? "/sys/fs/cgroup/" + v2 : "/sys/fs/cgroup/" + controller + "/" + v1;
    }

    private static boolean v2() {
        return !Files.isDirectory(Path.of("/sys/fs/cgroup/memory"));
    }

    private static boolean hasSwapAccounting() {
        return v2() || Files.exists(Path.of("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes"));
    }

    /** The cgroup path of process {@code pid} in hierarchy {@code controller} ("" for cgroup v2). */
    private static String cgroupOf(String pid, String controller) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", pid, "cgroup"))) {
            String[] f = line.split(":", 3);
            if (controller.isEmpty() ? f[0].equals("0") : List.of(f[1].split(",")).contains(controller)) {
                return f[2];
            }
        }
        throw new AssertionError("process " + pid + " is in no " + controller + " cgroup");
    }

    private static String read(String underCgroupRoot) throws IOException {
        return Files.readString(Path.of("/sys/fs/cgroup", underCgroupRoot)).strip();
    }
}
