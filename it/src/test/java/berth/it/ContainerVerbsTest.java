package berth.it;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every container verb as docker documents it, from both clients: each test runs once with the docker CLI and once
 * with the berth CLI against the same daemon, on containers named after the client so the two never meet.
 */
class ContainerVerbsTest extends SharedDaemonTest {
    private static Daemon.Result ok(Daemon.Result r) {
        assertEquals(0, r.exit(), r::toString);
        return r;
    }

    private static String out(String client, String... args) {
        return ok(daemon.cli(client, args)).stdout();
    }

    private static String inspect(String client, String format, String container) {
        return out(client, "inspect", "--format", format, container).strip();
    }

    // --- create, start, wait, run flags ------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void createdContainerRunsWithItsEnvWorkdirUserHostnameAndLabels(String client) throws Exception {
        String name = "cfg-" + client;
        Path envFile = Files.createTempFile("env", ".list");
        Files.writeString(envFile, "FROM_FILE=yes\n# a comment\n");
        out(client, "create", "--name", name, "-e", "A=1", "--env-file", envFile.toString(), "-w", "/tmp/work",
                "-u", "1000:1000", "--hostname", "box", "--label", "team=core", "busybox", "sh", "-c",
                "echo $A $FROM_FILE; pwd; id -u; hostname");
        Files.delete(envFile);
        assertEquals("created", inspect(client, "{{.State.Status}}", name));
        assertTrue(out(client, "ps", "-a", "--filter", "name=" + name, "--format", "{{.Status}}").startsWith("Created"));
        assertEquals(name + "\n", out(client, "start", name));
        assertEquals("0\n", out(client, "wait", name));
        assertEquals("1 yes\n/tmp/work\n1000\nbox\n", out(client, "logs", name));
        assertEquals("core", inspect(client, "{{index .Config.Labels \"team\"}}", name));
        out(client, "rm", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void runEntrypointReplacesTheImagesAndRmLeavesNothing(String client) {
        String name = "ep-" + client;
        assertEquals("-c echo hi\n", out(client, "run", "--rm", "--name", name, "--entrypoint", "echo", "busybox",
                "-c", "echo hi"));
        assertEquals("", out(client, "ps", "-aq", "--filter", "name=" + name).strip());
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void runDetachedPrintsTheFullId(String client) {
        String id = out(client, "run", "-d", "--name", "det-" + client, "busybox", "true").strip();
        assertTrue(id.matches("[0-9a-f]{64}"), id);
        assertEquals("0\n", out(client, "wait", id));
        out(client, "rm", id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void runFailsWith125OnFlagAndDaemonErrorsAndCreateWith1OnDaemonErrors(String client) {
        String name = "dup-" + client;
        out(client, "create", "--name", name, "busybox", "true");
        Daemon.Result taken = daemon.cli(client, "run", "--name", name, "busybox", "true");
        assertEquals(125, taken.exit(), taken::toString);
        assertTrue(taken.stderr().contains("Conflict. The container name \"/" + name + "\" is already in use"),
                taken::toString);
        Daemon.Result createTaken = daemon.cli(client, "create", "--name", name, "busybox", "true");
        assertEquals(1, createTaken.exit(), createTaken::toString);
        assertTrue(createTaken.stderr().startsWith("Error response from daemon: Conflict."), createTaken::toString);
        for (String verb : List.of("run", "create")) {
            Daemon.Result policy = daemon.cli(client, verb, "--restart", "sometimes", "busybox", "true");
            assertEquals(verb.equals("run") ? 125 : 1, policy.exit(), policy::toString);
            assertTrue(policy.stderr().contains("invalid restart policy: unknown policy 'sometimes'"), policy::toString);
            Daemon.Result both = daemon.cli(client, verb, "--rm", "--restart", "always", "busybox", "true");
            assertEquals(125, both.exit(), both::toString);
            assertTrue(both.stderr().contains("conflicting options: cannot specify both --restart and --rm"),
                    both::toString);
        }
        out(client, "rm", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void verbsOnAMissingContainerFailWith1AndSaySo(String client) {
        for (String verb : List.of("start", "stop", "kill", "restart", "pause", "unpause", "rm", "wait", "logs",
                "top", "attach")) {
            Daemon.Result r = daemon.cli(client, verb, "no-such-ctr");
            assertEquals(1, r.exit(), () -> verb + ": " + r);
            assertTrue(r.stderr().contains("No such container: no-such-ctr"), () -> verb + ": " + r);
        }
        Daemon.Result start = daemon.cli(client, "start", "no-such-ctr", "no-such-too");
        assertTrue(start.stderr().endsWith("Error: failed to start containers: no-such-ctr, no-such-too\n"),
                start::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void startAttachPrintsBothStreamsAndExitsWithTheContainersStatus(String client) {
        String name = "sa-" + client;
        out(client, "create", "--name", name, "busybox", "sh", "-c", "echo out; echo err >&2; exit 3");
        Daemon.Result r = daemon.cli(client, "start", "-a", name);
        assertEquals(3, r.exit(), r::toString);
        assertEquals("out\n", r.stdout());
        assertEquals("err\n", r.stderr());
        out(client, "rm", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void startInteractiveFeedsStdinToTheContainer(String client) {
        String name = "si-" + client;
        out(client, "create", "-i", "--name", name, "busybox", "sh", "-c", "read line; echo got $line; exit 4");
        Daemon.Result r = daemon.cliWithInput(client, "hello\n", "start", "-a", "-i", name);
        assertEquals(4, r.exit(), r::toString);
        assertEquals("got hello\n", r.stdout());
        out(client, "rm", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void waitBlocksUntilTheExitAndPrintsItsCode(String client) {
        String name = "wt-" + client;
        out(client, "run", "-d", "--name", name, "busybox", "sh", "-c", "sleep 0.5; exit 7");
        Daemon.Result r = ok(daemon.cli(client, "wait", name));
        assertEquals("7\n", r.stdout());
        assertEquals("exited 7", inspect(client, "{{.State.Status}} {{.State.ExitCode}}", name));
        out(client, "rm", name);
    }

    // --- stop, kill, restart, pause ----------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void stopSendsTheStopSignalThenKillsAfterTheTimeout(String client) {
        String name = "stop-" + client;
        out(client, "run", "-d", "--name", name, "busybox", "sh", "-c",
                "trap 'echo ignored TERM' TERM; echo up; while true; do sleep 0.1; done");
        awaitLog(client, name, "up");
        long started = System.nanoTime();
        assertEquals(name + "\n", out(client, "stop", "-t", "1", name));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofMillis(900)) >= 0 && took.compareTo(Duration.ofSeconds(8)) < 0,
                took::toString);
        assertEquals("exited 137", inspect(client, "{{.State.Status}} {{.State.ExitCode}}", name));
        assertTrue(out(client, "logs", name).contains("ignored TERM"));
        assertEquals(name + "\n", out(client, "stop", name), "stopping a stopped container succeeds");
        out(client, "rm", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void stopWithASignalSendsThatSignal(String client) {
        String name = "stops-" + client;
        out(client, "run", "-d", "--name", name, "busybox", "sh", "-c",
                "trap 'exit 5' USR1; echo up; while true; do sleep 0.1; done");
        awaitLog(client, name, "up");
        out(client, "stop", "-s", "USR1", "-t", "5", name);
        assertEquals("5", inspect(client, "{{.State.ExitCode}}", name));
        out(client, "rm", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void stopSignalAndStopTimeoutOfRunAreWhatStopUses(String client) {
        String name = "stopcfg-" + client;
        out(client, "run", "-d", "--name", name, "--stop-signal", "SIGUSR1", "--stop-timeout", "1", "busybox", "sh",
                "-c", "trap 'echo usr1; exit 6' USR1; echo up; while true; do sleep 0.1; done");
        assertEquals("SIGUSR1 1", inspect(client, "{{.Config.StopSignal}} {{.Config.StopTimeout}}", name));
        awaitLog(client, name, "up");
        out(client, "stop", name);
        assertEquals("6", inspect(client, "{{.State.ExitCode}}", name));
        assertTrue(out(client, "logs", name).contains("usr1"));
        out(client, "rm", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void killSendsTheGivenSignalAndRefusesAStoppedContainer(String client) throws Exception {
        String name = "kill-" + client;
        out(client, "run", "-d", "--name", name, "busybox", "sh", "-c",
                "trap 'echo got USR1' USR1; echo up; while true; do sleep 0.1; done");
        awaitLog(client, name, "up");
        assertEquals(name + "\n", out(client, "kill", "-s", "USR1", name));
        awaitLog(client, name, "got USR1");
        assertEquals("running", inspect(client, "{{.State.Status}}", name));
        out(client, "kill", name);
        assertTrue(Daemon.eventually(Duration.ofSeconds(5),
                () -> inspect(client, "{{.State.Status}} {{.State.ExitCode}}", name).equals("exited 137")));
        Daemon.Result again = daemon.cli(client, "kill", name);
        assertEquals(1, again.exit(), again::toString);
        assertTrue(again.stderr().contains("is not running"), again::toString);
        out(client, "rm", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void restartRunsTheContainerAgain(String client) throws Exception {
        String name = "rs-" + client;
        out(client, "run", "-d", "--name", name, "busybox", "sh", "-c", "echo run; sleep 60");
        awaitLog(client, name, "run");
        String firstStart = inspect(client, "{{.State.StartedAt}}", name);
        assertEquals(name + "\n", out(client, "restart", "-t", "0", name));
        assertEquals("running", inspect(client, "{{.State.Status}}", name));
        assertNotEquals(firstStart, inspect(client, "{{.State.StartedAt}}", name));
        assertTrue(Daemon.eventually(Duration.ofSeconds(5), () -> out(client, "logs", name).equals("run\nrun\n")));
        assertEquals("0", inspect(client, "{{.RestartCount}}", name), "a manual restart is not a policy restart");
        out(client, "rm", "-f", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void pauseFreezesTheContainerAndUnpauseResumesIt(String client) {
        String name = "pz-" + client;
        out(client, "run", "-d", "--name", name, "busybox", "sleep", "60");
        assertEquals(name + "\n", out(client, "pause", name));
        assertEquals("paused true", inspect(client, "{{.State.Status}} {{.State.Paused}}", name));
        String listed = out(client, "ps", "--filter", "status=paused", "--format", "{{.Names}} {{.State}} {{.Status}}");
        assertTrue(listed.startsWith(name + " paused Up ") && listed.strip().endsWith("(Paused)"), listed);
        Daemon.Result again = daemon.cli(client, "pause", name);
        assertEquals(1, again.exit(), again::toString);
        assertTrue(again.stderr().contains("is already paused"), again::toString);
        assertEquals(name + "\n", out(client, "unpause", name));
        assertEquals("running false", inspect(client, "{{.State.Status}} {{.State.Paused}}", name));
        Daemon.Result notPaused = daemon.cli(client, "unpause", name);
        assertEquals(1, notPaused.exit(), notPaused::toString);
        assertTrue(notPaused.stderr().contains("is not paused"), notPaused::toString);
        out(client, "rm", "-f", name);
    }

    // --- rm, rename, prune -------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void rmRefusesARunningContainerUnlessForced(String client) {
        String name = "rm-" + client;
        out(client, "run", "-d", "--name", name, "busybox", "sleep", "60");
        Daemon.Result refused = daemon.cli(client, "rm", name);
        assertEquals(1, refused.exit(), refused::toString);
        assertTrue(refused.stderr().contains("cannot remove container \"/" + name + "\": container is running: stop "
                + "the container before removing or force remove"), refused::toString);
        assertEquals(name + "\n", out(client, "rm", "-f", "-v", name));
        Daemon.Result gone = daemon.cli(client, "rm", name);
        assertEquals(1, gone.exit(), gone::toString);
        assertTrue(gone.stderr().contains("No such container: " + name), gone::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void renameGivesTheContainerItsNewName(String client) {
        String name = "rn-" + client;
        out(client, "create", "--name", name, "busybox", "true");
        out(client, "create", "--name", name + "-other", "busybox", "true");
        ok(daemon.cli(client, "rename", name, name + "-new"));
        assertEquals("/" + name + "-new", inspect(client, "{{.Name}}", name + "-new"));
        assertEquals(1, daemon.cli(client, "inspect", name).exit());
        Daemon.Result taken = daemon.cli(client, "rename", name + "-new", name + "-other");
        assertEquals(1, taken.exit(), taken::toString);
        assertTrue(taken.stderr().contains("is already in use"), taken::toString);
        out(client, "rm", name + "-new", name + "-other");
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void containerPruneRemovesStoppedContainersMatchingTheFilter(String client) {
        String keep = "prune-keep-" + client;
        String gone = "prune-gone-" + client;
        String running = "prune-running-" + client;
        out(client, "create", "--name", keep, "busybox", "true");
        out(client, "create", "--name", gone, "--label", "prune=" + client, "busybox", "true");
        out(client, "run", "-d", "--name", running, "--label", "prune=" + client, "busybox", "sleep", "60");
        String goneId = inspect(client, "{{.Id}}", gone);
        for (String older : List.of("until=2000-01-01", "until=2000-01-01T10:00", "until=1h30m")) {
            assertEquals("Total reclaimed space: 0B\n", out(client, "container", "prune", "-f", "--filter", older),
                    "nothing was created before " + older);
        }
        String report = out(client, "container", "prune", "-f", "--filter", "label=prune=" + client);
        assertEquals("Deleted Containers:\n" + goneId + "\n\nTotal reclaimed space: 0B\n", report);
        assertEquals(1, daemon.cli(client, "inspect", gone).exit());
        assertEquals("created", inspect(client, "{{.State.Status}}", keep));
        assertEquals("running", inspect(client, "{{.State.Status}}", running));
        out(client, "rm", "-f", keep, running);
    }

    // --- ps ----------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void psFiltersByStatusNameLabelAncestorExitCodeAndId(String client) {
        String p = "psf-" + client + "-";
        out(client, "run", "-d", "--name", p + "up", "--label", "tier=web", "busybox", "sleep", "60");
        assertEquals(3, daemon.cli(client, "run", "--name", p + "three", "--label", "tier=db", "busybox", "sh", "-c",
                "exit 3").exit());
        out(client, "create", "--name", p + "new", "busybox", "true");
        String threeId = inspect(client, "{{.Id}}", p + "three");
        assertEquals(List.of(p + "up"), names(client, "status=running", "name=" + p));
        assertEquals(List.of(p + "three"), names(client, "status=exited", "name=" + p));
        assertEquals(List.of(p + "new"), names(client, "status=created", "name=" + p));
        assertEquals(List.of(p + "new", p + "three"), names(client, "status=created", "status=exited", "name=" + p));
        assertEquals(List.of(p + "new", p + "three", p + "up"), names(client, "name=" + p));
        assertEquals(List.of(p + "three", p + "up"), names(client, "label=tier", "name=" + p));
        assertEquals(List.of(p + "up"), names(client, "label=tier=web", "name=" + p));
        assertEquals(List.of(p + "new", p + "three", p + "up"), names(client, "ancestor=busybox", "name=" + p));
        assertEquals(List.of(p + "three"), names(client, "exited=3", "name=" + p));
        assertEquals(List.of(p + "three"), names(client, "id=" + threeId.substring(0, 10)));
        Daemon.Result bad = daemon.cli(client, "ps", "--filter", "status=sleepy");
        assertEquals(1, bad.exit(), bad::toString);
        assertTrue(bad.stderr().contains("invalid filter 'status=sleepy'"), bad::toString);
        out(client, "rm", "-f", p + "up", p + "three", p + "new");
    }

    private static List<String> names(String client, String... filters) {
        List<String> args = new java.util.ArrayList<>(List.of("ps", "-a", "--format", "{{.Names}}"));
        for (String f : filters) {
            args.addAll(List.of("--filter", f));
        }
        return out(client, args.toArray(String[]::new)).lines().sorted().toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void psShowsRunningByDefaultAndAllLatestOrLastOnRequest(String client) {
        String p = "psl-" + client + "-";
        out(client, "run", "-d", "--name", p + "up", "busybox", "sleep", "60");
        out(client, "create", "--name", p + "new", "busybox", "true");
        String upId = inspect(client, "{{.Id}}", p + "up");
        String newId = inspect(client, "{{.Id}}", p + "new");
        String running = out(client, "ps", "-q");
        assertTrue(running.lines().anyMatch(upId.substring(0, 12)::equals), running);
        assertFalse(running.contains(newId.substring(0, 12)), running);
        assertEquals(newId.substring(0, 12) + "\n", out(client, "ps", "-l", "-q"));
        assertEquals(newId + "\n", out(client, "ps", "-n", "1", "-q", "--no-trunc"));
        assertEquals(List.of(newId.substring(0, 12), upId.substring(0, 12)), out(client, "ps", "-n", "2", "-q")
                .lines().toList());
        String table = out(client, "ps", "-a", "-s", "--filter", "name=" + p + "up");
        List<String> lines = table.lines().toList();
        assertEquals(2, lines.size(), table);
        assertTrue(lines.getFirst().matches("CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES +SIZE"),
                table);
        assertTrue(lines.get(1).matches(upId.substring(0, 12) + " +busybox +\"sleep 60\" +.* ago +Up .*" + p
                + "up +\\d+(\\.\\d+)?k?B.*"), table);
        out(client, "rm", "-f", p + "up", p + "new");
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void psFormatRendersEveryDocumentedField(String client) {
        String name = "psfmt-" + client;
        out(client, "run", "-d", "--name", name, "--label", "a=1", "--label", "b=2", "busybox", "sh", "-c",
                "sleep 60; echo a very long command line indeed");
        String id = inspect(client, "{{.Id}}", name);
        String line = out(client, "ps", "--filter", "name=" + name, "--format",
                "{{.ID}}|{{.Names}}|{{.Status}}|{{.Image}}|{{.Command}}|{{.CreatedAt}}|{{.RunningFor}}|{{.State}}|"
                        + "{{.Labels}}|{{.Label \"b\"}}").strip();
        String[] f = line.split("\\|", -1);
        assertEquals(10, f.length, line);
        assertEquals(id.substring(0, 12), f[0]);
        assertEquals(name, f[1]);
        assertTrue(f[2].startsWith("Up "), line);
        assertEquals("busybox", f[3]);
        assertEquals("\"sh -c sleep 60; ech…\"", f[4], "docker truncates the command to 20 characters");
        assertTrue(f[5].matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d [+-]\\d{4} \\w+"), line);
        assertTrue(f[6].endsWith(" ago"), line);
        assertEquals("running", f[7]);
        assertEquals("a=1,b=2", f[8]);
        assertEquals("2", f[9]);
        String full = out(client, "ps", "--no-trunc", "--filter", "name=" + name, "--format", "{{.ID}} {{.Command}}");
        assertEquals(id + " \"sh -c sleep 60; echo a very long command line indeed\"", full.strip());
        out(client, "rm", "-f", name);
    }

    // --- inspect -----------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void inspectPrintsDockerShapedJsonAndTemplates(String client) {
        String name = "insp-" + client;
        out(client, "create", "--name", name, "-m", "64m", "--restart", "on-failure:3", "busybox", "sleep", "60");
        String json = out(client, "inspect", name);
        assertTrue(json.startsWith("[\n    {\n        \"Id\": \""), json);
        for (String key : List.of("\"State\": {", "\"Status\": \"created\"", "\"Name\": \"/" + name + "\"",
                "\"RestartCount\": 0", "\"HostConfig\": {", "\"Config\": {", "\"NetworkSettings\": {",
                "\"FinishedAt\": \"0001-01-01T00:00:00Z\"", "\"Path\": \"sleep\"")) {
            assertTrue(json.contains(key), () -> key + " in " + json);
        }
        assertEquals("67108864 on-failure 3", inspect(client,
                "{{.HostConfig.Memory}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}",
                name));
        String config = inspect(client, "{{json .Config}}", name);
        assertTrue(config.startsWith("{\"Hostname\":\""), config);
        assertTrue(config.contains("\"User\":\"\""), config);
        assertTrue(config.contains("\"Cmd\":[\"sleep\",\"60\"]"), config);
        assertTrue(config.contains("\"Image\":\"busybox\""), config);
        Daemon.Result missing = daemon.cli(client, "inspect", "no-such-object");
        assertEquals(1, missing.exit(), missing::toString);
        assertEquals("[]\n", missing.stdout());
        assertTrue(missing.stderr().contains("No such object: no-such-object"), missing::toString);
        out(client, "rm", name);
    }

    // --- logs --------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void logsSelectByTailSinceAndUntilAndShowTimestamps(String client) {
        String name = "logs-" + client;
        out(client, "run", "--name", name, "busybox", "sh", "-c",
                "echo one; echo two >&2; sleep 1.2; echo three; printf four");
        Daemon.Result all = ok(daemon.cli(client, "logs", name));
        assertEquals("one\nthree\nfour", all.stdout(), "lines keep their own newlines, a last partial one none");
        assertEquals("two\n", all.stderr());
        assertEquals("three\nfour", out(client, "logs", "--tail", "2", name));
        String stamped = out(client, "logs", "-t", "--tail", "1", name);
        assertTrue(stamped.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z four"), stamped);
        Instant three = Instant.parse(out(client, "logs", "-t", "--tail", "2", name).lines().findFirst()
                .orElseThrow().split(" ")[0]);
        Instant split = three.minusMillis(500);
        assertEquals("three\nfour", out(client, "logs", "--since", split.toString(), name));
        Daemon.Result before = ok(daemon.cli(client, "logs", "--until", split.toString(), name));
        assertEquals("one\n", before.stdout());
        assertEquals("two\n", before.stderr());
        out(client, "rm", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void logsFollowStreamsUntilTheContainerExits(String client) {
        String name = "logsf-" + client;
        out(client, "run", "-d", "--name", name, "busybox", "sh", "-c",
                "for i in 1 2 3; do echo line$i; sleep 0.3; done");
        Daemon.Result followed = ok(daemon.cli(client, "logs", "-f", name));
        assertEquals("line1\nline2\nline3\n", followed.stdout());
        assertEquals("exited", inspect(client, "{{.State.Status}}", name));
        out(client, "rm", name);
    }

    // --- attach, top -------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void attachStreamsOutputAndEndsWithTheContainersStatus(String client) {
        String name = "att-" + client;
        out(client, "run", "-d", "--name", name, "busybox", "sh", "-c", "sleep 1; echo out; echo err >&2; exit 7");
        Daemon.Result r = daemon.cli(client, "attach", name);
        assertEquals(7, r.exit(), r::toString);
        assertEquals("out\n", r.stdout());
        assertEquals("err\n", r.stderr());
        out(client, "rm", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void attachSendsStdinToTheContainer(String client) {
        String name = "atti-" + client;
        out(client, "run", "-d", "-i", "--name", name, "busybox", "sh", "-c", "read line; echo got $line; exit 2");
        Daemon.Result r = daemon.cliWithInput(client, "hello\n", "attach", name);
        assertEquals(2, r.exit(), r::toString);
        assertEquals("got hello\n", r.stdout());
        out(client, "rm", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void attachDetachKeysLeaveTheContainerRunning(String client) {
        String name = "attd-" + client;
        out(client, "run", "-d", "-i", "-t", "--name", name, "busybox", "sh");
        // The CLI detaches only from a terminal: script(1) gives it one; ctrl-p ctrl-q is \020\021.
        Daemon.Result r = daemon.shell("(sleep 0.5; printf 'echo mark-$((6*7))\\n'; sleep 0.5; printf '\\020\\021';"
                + " sleep 3) | script -qec '" + daemon.commandOf(client) + " attach " + name + "' /dev/null");
        assertTrue(r.stdout().contains("mark-42"), r::toString);
        assertTrue(r.stdout().contains("read escape sequence"), r::toString);
        assertEquals(1, r.exit(), "docker attach reports the detach as exit 1: " + r);
        assertEquals("running", inspect(client, "{{.State.Status}}", name));
        out(client, "rm", "-f", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void attachRefusesAStoppedContainer(String client) {
        String name = "atts-" + client;
        out(client, "create", "--name", name, "busybox", "true");
        Daemon.Result r = daemon.cli(client, "attach", name);
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.stderr().contains("You cannot attach to a stopped container, start it first"), r::toString);
        out(client, "rm", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void topListsTheContainersProcesses(String client) {
        String name = "top-" + client;
        out(client, "run", "-d", "--name", name, "busybox", "sleep", "61");
        String top = out(client, "top", name);
        List<String> lines = top.lines().toList();
        assertTrue(lines.getFirst().matches("UID +PID +PPID +C +STIME +TTY +TIME +CMD"), top);
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("sleep 61")), top);
        out(client, "stop", "-t", "0", name);
        Daemon.Result stopped = daemon.cli(client, "top", name);
        assertEquals(1, stopped.exit(), stopped::toString);
        assertTrue(stopped.stderr().contains("is not running"), stopped::toString);
        out(client, "rm", name);
    }

    private static void awaitLog(String client, String name, String text) {
        try {
            assertTrue(Daemon.eventually(Duration.ofSeconds(5),
                    () -> daemon.cli(client, "logs", name).stdout().contains(text)), () -> "no " + text + " in logs");
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
