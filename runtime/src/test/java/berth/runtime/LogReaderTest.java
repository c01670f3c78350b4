package berth.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LogReaderTest {
    @TempDir
    Path dir;

    private static final String LOG = """
            2025-01-01T10:00:00.000000001+00:00 stdout F one
            2025-01-01T10:00:01.000000000+00:00 stdout P tw
            2025-01-01T10:00:01.500000000+00:00 stderr F oops
            2025-01-01T10:00:02.000000000+00:00 stdout F o
            2025-01-01T10:00:03.000000000Z stdout F three
            2025-01-01T10:00:04.000000000+00:00 stdout P no newline
            """;

    private List<String> texts(List<LogReader.Entry> entries) {
        return entries.stream().map(LogReader.Entry::text).toList();
    }

    @Test
    void partialRecordsAreJoined() throws Exception {
        Path log = Files.writeString(dir.resolve("ctr.log"), LOG);
        List<LogReader.Entry> all = LogReader.read(log, LogReader.Query.ALL);
        assertEquals(List.of("one\n", "two\n", "oops\n", "three\n", "no newline"), texts(all));
        assertEquals(2, all.get(2).stream());
        assertEquals(Instant.parse("2025-01-01T10:00:01Z"), all.get(1).time());
    }

    @Test
    void tailSinceAndUntilSelect() throws Exception {
        Path log = Files.writeString(dir.resolve("ctr.log"), LOG);
        assertEquals(List.of("three\n", "no newline"), texts(LogReader.read(log,
                new LogReader.Query(2, Optional.empty(), Optional.empty()))));
        assertEquals(List.of("oops\n", "three\n"), texts(LogReader.read(log, new LogReader.Query(-1,
                Optional.of(Instant.parse("2025-01-01T10:00:01.200Z")),
                Optional.of(Instant.parse("2025-01-01T10:00:04Z"))))));
        assertEquals(List.of(), LogReader.read(dir.resolve("missing"), LogReader.Query.ALL));
    }

    @Test
    void followDeliversAppendedRecordsUntilStopped() throws Exception {
        Path log = Files.writeString(dir.resolve("ctr.log"), "2025-01-01T10:00:00.000000001+00:00 stdout F one\n");
        List<String> got = new ArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                LogReader.follow(log, LogReader.Query.ALL, e -> {
                    synchronized (got) {
                        got.add(e.text());
                    }
                }, running::get, 20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.sleep(100);
        Files.writeString(log, "2025-01-01T10:00:01.000000000+00:00 stdout F two\n",
                java.nio.file.StandardOpenOption.APPEND);
        Thread.sleep(100);
        running.set(false);
        t.join(5000);
        assertEquals(List.of("one\n", "two\n"), got);
    }
}
