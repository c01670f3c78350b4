package berth.it;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code events}: what the container verbs report, replayed between {@code --since} and {@code --until}, and live. */
class EventsTest extends SharedDaemonTest {
    private static String out(String client, String... args) {
        Daemon.Result r = daemon.cli(client, args);
        assertEquals(0, r.exit(), r::toString);
        return r.stdout();
    }

    private static String seconds(Instant t) {
        return String.format("%d.%09d", t.getEpochSecond(), t.getNano());
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void eachVerbReportsItsEventsInOrder(String client) throws Exception {
        String name = "ev-" + client;
        Instant since = Instant.now();
        out(client, "create", "--name", name, "--label", "origin=" + client, "busybox", "sleep", "60");
        out(client, "start", name);
        out(client, "pause", name);
        out(client, "unpause", name);
        out(client, "kill", "-s", "USR1", name);
        out(client, "rename", name, name + "-2");
        out(client, "restart", "-t", "0", name + "-2");
        out(client, "stop", "-t", "0", name + "-2");
        out(client, "rm", name + "-2");
        Thread.sleep(20);
        String until = seconds(Instant.now());
        String events = out(client, "events", "--since", seconds(since), "--until", until,
                "--filter", "label=origin=" + client,
                "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.signal}}");
        List<String> lines = events.lines().map(l -> l.replace(" <no value>", "")).toList();
        List<String> expected = List.of(
                "container create " + name,
                "container start " + name,
                "container pause " + name,
                "container unpause " + name,
                "container kill " + name + " 10",
                "container rename " + name + "-2",
                "container kill " + name + "-2 15",
                "container kill " + name + "-2 9",
                "container die " + name + "-2",
                "container stop " + name + "-2",
                "container start " + name + "-2",
                "container restart " + name + "-2",
                "container kill " + name + "-2 15",
                "container kill " + name + "-2 9",
                "container die " + name + "-2",
                "container stop " + name + "-2",
                "container destroy " + name + "-2");
        assertEquals(expected, lines, events);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void filtersKeepOnlyTheMatchingTypeAndAction(String client) {
        String name = "evf-" + client;
        Instant since = Instant.now();
        out(client, "run", "--rm", "--name", name, "busybox", "true");
        String events = out(client, "events", "--since", seconds(since), "--until", seconds(Instant.now()),
                "--filter", "type=container", "--filter", "event=start", "--filter", "container=" + name,
                "--format", "{{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.image}}");
        assertEquals("start " + name + " busybox\n", events);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "berth"})
    void eventsStreamLiveUntilTheUntilTime(String client) throws Exception {
        String name = "evs-" + client;
        Instant until = Instant.now().plusSeconds(3);
        CompletableFuture<Daemon.Result> stream = CompletableFuture.supplyAsync(() -> daemon.cli(client, "events",
                "--until", seconds(until), "--filter", "event=die", "--filter", "container=" + name,
                "--format", "{{json .}}"));
        Thread.sleep(1000); // the stream is open before the container dies
        assertEquals(4, daemon.cli(client, "run", "--name", name, "busybox", "sh", "-c", "exit 4").exit());
        Daemon.Result r = stream.get(10, TimeUnit.SECONDS);
        assertEquals(0, r.exit(), r::toString);
        List<String> lines = r.stdout().lines().toList();
        assertEquals(1, lines.size(), r::toString);
        String json = lines.getFirst();
        for (String field : List.of("\"Type\":\"container\"", "\"Action\":\"die\"", "\"exitCode\":\"4\"",
                "\"name\":\"" + name + "\"", "\"scope\":\"local\"", "\"timeNano\":")) {
            assertTrue(json.contains(field), () -> field + " in " + json);
        }
        out(client, "rm", name);
    }
}
