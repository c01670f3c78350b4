package berth.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stats from the cgroups of real containers, system df against what exists, system prune. */
class StatsTest extends SharedDaemonTest {
    @AfterEach
    void cleanUp() {
        removeAllContainers();
    }

    private static Daemon.Result ok(Daemon.Result r) {
        assertEquals(0, r.exit(), r::toString);
        return r;
    }

    /** One field of {@code GET /containers/NAME/stats?stream=0}, through curl and jq. */
    private static String stat(String container, String jqPath) {
        return ok(daemon.shell("curl -sf --unix-socket " + daemon.socket + " 'http://x/containers/" + container
                + "/stats?stream=0' | jq -r '" + jqPath + "'")).stdout().strip();
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void noStreamPrintsDockersTable(String client) {
        String c = "stats-table-" + client;
        ok(daemon.berth("run", "-d", "--name", c, "busybox", "sleep", "1000"));
        String out = ok(daemon.cli(client, "stats", "--no-stream", c)).stdout();
        List<String> lines = out.lines().toList();
        assertEquals(2, lines.size(), out);
        assertTrue(lines.get(0).matches("CONTAINER ID +NAME +CPU % +MEM USAGE / LIMIT +MEM % +NET I/O +BLOCK I/O +PIDS"),
                out);
        assertTrue(lines.get(1).matches("[0-9a-f]{12} +" + c + " +\\d+\\.\\d\\d% +[\\d.]+[KMG]?i?B / [\\d.]+[KMG]iB"
                + " +\\d+\\.\\d\\d% +[\\d.]+[kMG]?B / [\\d.]+[kMG]?B +[\\d.]+[kMG]?B / [\\d.]+[kMG]?B +1"), out);
        String formatted = ok(daemon.cli(client, "stats", "--no-stream", "--no-trunc", "--format",
                "{{.ID}} {{.Name}} {{.PIDs}}", c)).stdout();
        String id = ok(daemon.berth("inspect", "-f", "{{.Id}}", c)).stdout().strip();
        assertEquals(id + " " + c + " 1\n", formatted);
    }

    @Test
    void memoryGrowsWhenTheContainerAllocates() throws Exception {
        // tail holds the whole "line" of /dev/zero bytes in memory until its input ends
        ok(daemon.berth("run", "-d", "--name", "stats-mem", "busybox", "sh", "-c",
                "sleep 2; (head -c 60000000 /dev/zero; sleep 1000) | tail -n 1"));
        long before = Long.parseLong(stat("stats-mem", ".memory_stats.usage"));
        assertTrue(Daemon.eventually(Duration.ofSeconds(20),
                () -> Long.parseLong(stat("stats-mem", ".memory_stats.usage")) > before + 50_000_000L),
                "memory did not grow from " + before);
        long limit = Long.parseLong(stat("stats-mem", ".memory_stats.limit"));
        assertTrue(limit > 60_000_000L, "limit " + limit);
    }

    @Test
    void memoryLimitIsTheContainersAndPidsMatchItsProcesses() throws Exception {
        ok(daemon.berth("run", "-d", "--name", "stats-pids", "--memory", "64m", "busybox", "sh", "-c",
                "sleep 1000 & sleep 1000 & sleep 1000"));
        assertEquals("67108864", stat("stats-pids", ".memory_stats.limit"));
        // sh and its three sleeps (the last one exec'd in sh's place by busybox's sh, or not)
        assertTrue(Daemon.eventually(Duration.ofSeconds(5), () -> Integer.parseInt(stat("stats-pids", ".pids_stats.current")) >= 3));
        int top = ok(daemon.berth("top", "stats-pids")).stdout().lines().toList().size() - 1;
        assertEquals(Integer.toString(top), stat("stats-pids", ".pids_stats.current"));
        assertEquals("/stats-pids", stat("stats-pids", ".name"));
        assertTrue(Long.parseLong(stat("stats-pids", ".cpu_stats.online_cpus")) >= 1);
        assertTrue(Long.parseLong(stat("stats-pids", ".precpu_stats.system_cpu_usage"))
                < Long.parseLong(stat("stats-pids", ".cpu_stats.system_cpu_usage")), "precpu is the sample before");
    }

    @Test
    void cpuPercentShowsABusyContainer() {
        ok(daemon.berth("run", "-d", "--name", "stats-busy", "busybox", "sh", "-c", "while :; do :; done"));
        String cpu = ok(daemon.docker("stats", "--no-stream", "--format", "{{.CPUPerc}}", "stats-busy")).stdout().strip();
        // a busy loop on a shared machine: well above the ~0 % of an idle container, whatever the load
        assertTrue(Double.parseDouble(cpu.replace("%", "")) > 5.0, cpu);
        String berthCpu = ok(daemon.berth("stats", "--no-stream", "--format", "{{.CPUPerc}}", "stats-busy")).stdout().strip();
        assertTrue(Double.parseDouble(berthCpu.replace("%", "")) > 5.0, berthCpu);
        ok(daemon.berth("run", "-d", "--name", "stats-idle", "busybox", "sleep", "1000"));
        String idle = ok(daemon.berth("stats", "--no-stream", "--format", "{{.CPUPerc}}", "stats-idle")).stdout().strip();
        assertTrue(Double.parseDouble(idle.replace("%", "")) < 1.0, idle);
        long total = Long.parseLong(stat("stats-busy", ".cpu_stats.cpu_usage.total_usage"));
        long user = Long.parseLong(stat("stats-busy", ".cpu_stats.cpu_usage.usage_in_usermode"));
        assertTrue(total > 0 && user > 0, total + " " + user);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void statsOfAMissingContainerIsNotFound(String client) {
        Daemon.Result r = daemon.cli(client, "stats", "--no-stream", "no-such-container");
        assertNotEquals(0, r.exit());
        assertTrue(r.stderr().contains("No such container: no-such-container"), r::toString);
    }

    @Test
    void streamGivesASampleEachSecond() {
        ok(daemon.berth("run", "-d", "--name", "stats-stream", "busybox", "sleep", "1000"));
        String lines = ok(daemon.shell("timeout 3.5 curl -sN --unix-socket " + daemon.socket
                + " 'http://x/containers/stats-stream/stats' | jq -r .pids_stats.current; true")).stdout();
        assertTrue(lines.lines().count() >= 3, lines);
        assertTrue(lines.lines().allMatch("1"::equals), lines);
    }

    @Test
    void dockerStatsStreamsWithoutATerminal() {
        ok(daemon.berth("run", "-d", "--name", "stats-docker-stream", "busybox", "sleep", "1000"));
        Daemon.Result r = daemon.shell("timeout -s KILL 6 docker stats --format '{{.Name}} {{.PIDs}}' stats-docker-stream; true");
        assertTrue(r.stdout().contains("stats-docker-stream 1"), r::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void systemDfCountsWhatExists(String client) {
        ok(daemon.berth("run", "--name", "df-writer", "busybox", "sh", "-c", "head -c 1500000 /dev/zero > /blob"));
        ok(daemon.berth("run", "--rm", "-v", "df-vol:/v", "busybox", "sh", "-c", "head -c 300000 /dev/zero > /v/f"));
        ok(daemon.berth("run", "-d", "--name", "df-running", "-v", "df-vol:/v", "busybox", "sleep", "1000"));
        String table = ok(daemon.cli(client, "system", "df", "--format", "{{.Type}}|{{.TotalCount}}|{{.Active}}|{{.Size}}"))
                .stdout();
        int images = ok(daemon.berth("images", "-q")).stdout().lines().toList().size();
        List<String> rows = table.lines().toList();
        assertEquals("Images|" + images + "|1|", rows.get(0).substring(0, rows.get(0).lastIndexOf('|') + 1), table);
        assertEquals("Containers|2|1|1.5MB", rows.get(1), table);
        assertEquals("Local Volumes|1|1|300kB", rows.get(2), table);
        assertEquals("Build Cache|0|0|0B", rows.get(3), table);
        String sizeRw = ok(daemon.shell("curl -sf --unix-socket " + daemon.socket
                + " http://x/system/df | jq '.Containers[] | select(.Names[0]==\"/df-writer\") | .SizeRw'")).stdout().strip();
        assertEquals("1500000", sizeRw);
        String verbose = ok(daemon.cli(client, "system", "df", "-v")).stdout();
        assertTrue(verbose.contains("Images space usage:") && verbose.contains("df-writer"), verbose);
        assertTrue(verbose.lines().anyMatch(l -> l.matches("df-vol\\s+1\\s+300kB")), verbose);
        ok(daemon.berth("rm", "-f", "df-running"));
        ok(daemon.berth("volume", "rm", "df-vol"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void systemPruneRemovesStoppedContainersAndDanglingImages(String client) {
        ok(daemon.berth("run", "--name", "prune-stopped", "busybox", "true"));
        String stopped = ok(daemon.berth("inspect", "-f", "{{.Id}}", "prune-stopped")).stdout().strip();
        ok(daemon.berth("run", "-d", "--name", "prune-running", "busybox", "sleep", "1000"));
        String out = ok(daemon.cli(client, "system", "prune", "-f")).stdout();
        assertTrue(out.contains("Deleted Containers:\n" + stopped + "\n"), out);
        assertTrue(out.contains("Total reclaimed space:"), out);
        assertEquals("prune-running\n", ok(daemon.berth("ps", "-a", "--format", "{{.Names}}")).stdout());
        assertTrue(ok(daemon.berth("images", "-q")).stdout().lines().count() >= 1, "busybox stays: not dangling");
    }
}
