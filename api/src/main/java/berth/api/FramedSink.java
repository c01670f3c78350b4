package berth.api;

import berth.engine.OutputSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * An {@link OutputSink} onto a connection: each write becomes one frame of docker's multiplexed stream (an 8-byte
 * header {@code [stream, 0, 0, 0, size as big-endian uint32]} then the bytes), or passes raw for a TTY, where
 * stdout and stderr are one stream.
 */
final class FramedSink implements OutputSink {
    static final int HEADER_SIZE = 8;

    private final boolean raw;
    private final Predicate<ByteBuf> target;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** {@code target} takes ownership of each buffer and says whether the client is still there. */
    FramedSink(boolean raw, Predicate<ByteBuf> target, Runnable onClose) {
        this.raw = raw;
        this.target = target;
        this.onClose = onClose;
    }

    @Override
    public void write(StdStream stream, byte[] data, int offset, int length) {
        if (length <= 0 || closed.get()) {
            return;
        }
        target.test(raw ? Unpooled.copiedBuffer(data, offset, length) : frame(stream, data, offset, length));
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            onClose.run();
        }
    }

    static ByteBuf frame(StdStream stream, byte[] data, int offset, int length) {
        ByteBuf buf = Unpooled.buffer(HEADER_SIZE + length);
        buf.writeByte(stream.code).writeByte(0).writeByte(0).writeByte(0).writeInt(length);
        buf.writeBytes(data, offset, length);
        return buf;
    }
}
