package berth.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads conmon's k8s-file log: one record a line, {@code <RFC 3339 nano time> <stdout|stderr> <F|P> <text>}, where
 * {@code P} marks a partial line continued by the next record of the same stream. Partials are joined back into
 * the lines the container wrote, which is what {@code docker logs} frames.
 */
public final class LogReader {
    /** One line the container wrote: stream 1 (stdout) or 2 (stderr), the time of its first byte, its bytes. */
    public record Entry(Instant time, int stream, byte[] line) {
        public String text() {
            return new String(line, StandardCharsets.UTF_8);
        }
    }

    /**
     * Which entries to return.
     *
     * @param tail  the last N entries only, or -1 for all
     * @param since only entries at or after this time
     * @param until only entries before this time
     */
    public record Query(int tail, Optional<Instant> since, Optional<Instant> until) {
        public static final Query ALL = new Query(-1, Optional.empty(), Optional.empty());

        boolean accepts(Instant t) {
            return since.map(s -> !t.isBefore(s)).orElse(true) && until.map(t::isBefore).orElse(true);
        }
    }

    private LogReader() {}

    /** The entries of {@code log} selected by {@code q}; a missing log has none. */
    public static List<Entry> read(Path log, Query q) {
        Assembler a = new Assembler();
        try {
            a.feed(Files.readAllBytes(log), false);
            a.flush();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return select(a.entries, q);
    }

    /**
     * Delivers the selected entries, then follows the file as it grows until {@code running} turns false (checked
     * after each quiet wait of {@code pollMillis}); the records written before the end are all delivered.
     */
    public static void follow(Path log, Query q, Consumer<Entry> sink, BooleanSupplier running, long pollMillis)
            throws InterruptedException {
        Assembler a = new Assembler();
        long offset = 0;
        try {
            while (!Files.exists(log)) {
                if (!running.getAsBoolean()) {
                    return;
                }
                Thread.sleep(pollMillis);
            }
            try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
                offset = readFrom(ch, offset, a);
                select(a.entries, q).forEach(sink);
                a.entries.clear();
                Query live = new Query(-1, q.since(), q.until());
                while (true) {
                    boolean alive = running.getAsBoolean();
                    long before = offset;
                    if (ch.size() < offset) {
                        offset = 0; // rotated or truncated: start over
                    }
                    offset = readFrom(ch, offset, a);
                    for (Entry e : a.entries) {
                        if (live.accepts(e.time())) {
                            sink.accept(e);
                        }
                    }
                    a.entries.clear();
                    if (!alive && offset == before) {
                        a.flush();
                        for (Entry e : a.entries) {
                            if (live.accepts(e.time())) {
                                sink.accept(e);
                            }
                        }
                        return;
                    }
                    if (offset == before) {
                        Thread.sleep(pollMillis);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long readFrom(FileChannel ch, long offset, Assembler a) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        long pos = offset;
        while (true) {
            buf.clear();
            int n = ch.read(buf, pos);
            if (n <= 0) {
                break;
            }
            chunk.write(buf.array(), 0, n);
            pos += n;
        }
        // Only whole lines are consumed; a half-written record waits for the next round.
        byte[] bytes = chunk.toByteArray();
        int lastNl = -1;
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                lastNl = i;
                break;
            }
        }
        if (lastNl < 0) {
            return offset;
        }
        a.feed(java.util.Arrays.copyOf(bytes, lastNl + 1), true);
        return offset + lastNl + 1;
    }

    private static List<Entry> select(List<Entry> all, Query q) {
        Deque<Entry> out = new ArrayDeque<>();
        for (Entry e : all) {
            if (q.accepts(e.time())) {
                out.addLast(e);
                if (q.tail() >= 0 && out.size() > q.tail()) {
                    out.removeFirst();
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** Joins P records to their F record per stream. */
    private static final class Assembler {
        final List<Entry> entries = new ArrayList<>();
        private final ByteArrayOutputStream[] partial = {null, new ByteArrayOutputStream(), new ByteArrayOutputStream()};
        private final Instant[] partialStart = new Instant[3];

        void feed(byte[] bytes, boolean wholeLinesOnly) {
            int start = 0;
            for (int i = 0; i <= bytes.length; i++) {
                if (i == bytes.length || bytes[i] == '\n') {
                    if (i > start) {
                        record(bytes, start, i);
                    }
                    start = i + 1;
                }
            }
        }

        private void record(byte[] b, int from, int to) {
            int s1 = indexOf(b, ' ', from, to);
            int s2 = s1 < 0 ? -1 : indexOf(b, ' ', s1 + 1, to);
            if (s2 < 0) {
                return;
            }
            int s3 = indexOf(b, ' ', s2 + 1, to);
            int tagEnd = s3 < 0 ? to : s3;
            Instant time;
            try {
                time = OffsetDateTime.parse(new String(b, from, s1 - from, StandardCharsets.US_ASCII)).toInstant();
            } catch (DateTimeParseException e) {
                return;
            }
            String stream = new String(b, s1 + 1, s2 - s1 - 1, StandardCharsets.US_ASCII);
            int n = stream.equals("stderr") ? 2 : 1;
            String tag = new String(b, s2 + 1, tagEnd - s2 - 1, StandardCharsets.US_ASCII);
            boolean full = !tag.startsWith("P");
            int textFrom = s3 < 0 ? to : s3 + 1;
            if (partialStart[n] == null) {
                partialStart[n] = time;
            }
            partial[n].write(b, textFrom, to - textFrom);
            if (full) {
                partial[n].write('\n');
                entries.add(new Entry(partialStart[n], n, partial[n].toByteArray()));
                partial[n].reset();
                partialStart[n] = null;
            }
        }

        /** Ends pending partial lines (the log is complete: the last output had no newline). */
        void flush() {
            for (int n = 1; n <= 2; n++) {
                if (partialStart[n] != null) {
                    entries.add(new Entry(partialStart[n], n, partial[n].toByteArray()));
                    partial[n].reset();
                    partialStart[n] = null;
                }
            }
            entries.sort(java.util.Comparator.comparing(Entry::time));
        }

        private static int indexOf(byte[] b, char c, int from, int to) {
            for (int i = from; i < to; i++) {
                if (b[i] == c) {
                    return i;
                }
            }
            return -1;
        }
    }
}
