package berth.api;

import berth.engine.OutputSink;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link OutputSink} that holds what is written until the connection it belongs to is ready. Attach registers
 * with the engine before the 101 answer goes out, so that a client which starts the container as soon as it sees
 * that answer cannot miss the first bytes; whatever arrives in between is kept here and then passed on in order.
 */
final class DeferredSink implements OutputSink {
    private record Chunk(StdStream stream, byte[] data) {}

    private final List<Chunk> held = new ArrayList<>();
    private OutputSink target;
    private boolean closed;

    @Override
    public synchronized void write(StdStream stream, byte[] data, int offset, int length) {
        if (target != null) {
            target.write(stream, data, offset, length);
            return;
        }
        ByteArrayOutputStream copy = new ByteArrayOutputStream(length);
        copy.write(data, offset, length);
        held.add(new Chunk(stream, copy.toByteArray()));
    }

    @Override
    public synchronized void close() {
        if (target != null) {
            target.close();
        } else {
            closed = true;
        }
    }

    /** Passes on what was held, then everything that follows, to {@code ready}. */
    synchronized void open(OutputSink ready) {
        for (Chunk chunk : held) {
            ready.write(chunk.stream(), chunk.data(), 0, chunk.data().length);
        }
        held.clear();
        target = ready;
        if (closed) {
            ready.close();
        }
    }
}
