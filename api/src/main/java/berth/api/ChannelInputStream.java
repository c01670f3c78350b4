package berth.api;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A pipe from a connection's event loop to a blocking reader (an image import, a hijacked stdin): the event loop
 * {@link #offer}s buffers as they arrive, a virtual thread reads. Reading is paused (autoRead off) while more than
 * {@link #HIGH_WATER} bytes wait, and resumed below {@link #LOW_WATER}, so a body of any size is never held whole.
 */
final class ChannelInputStream extends InputStream {
    static final int HIGH_WATER = 1 << 20;
    static final int LOW_WATER = 256 << 10;

    private final Runnable pause;
    private final Runnable resume;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    private long queued;
    private boolean paused;
    private boolean ended;
    private boolean closed;
    private IOException failure;

    /** {@code pause} is called on the event loop; {@code resume} from the reader's thread (it must hop itself). */
    ChannelInputStream(Runnable pause, Runnable resume) {
        this.pause = pause;
        this.resume = resume;
    }

    /** Event loop: takes ownership of {@code buf}. */
    void offer(ByteBuf buf) {
        boolean pauseNow = false;
        lock.lock();
        try {
            if (closed || ended || failure != null || !buf.isReadable()) {
                buf.release();
                return;
            }
            queue.add(buf);
            queued += buf.readableBytes();
            if (queued > HIGH_WATER && !paused) {
                paused = true;
                pauseNow = true;
            }
            available.signalAll();
        } finally {
            lock.unlock();
        }
        if (pauseNow) {
            pause.run();
        }
    }

    /** The body (or the client's side of a hijacked stream) ended cleanly. */
    void end() {
        lock.lock();
        try {
            ended = true;
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The client went away before the end. */
    void fail(IOException e) {
        lock.lock();
        try {
            if (!ended && failure == null) {
                failure = e;
            }
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isEnded() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        boolean resumeNow = false;
        int n;
        lock.lock();
        try {
            while (queue.isEmpty() && !ended && failure == null && !closed) {
                available.awaitUninterruptibly();
            }
            if (closed) {
                throw new IOException("stream closed");
            }
            if (queue.isEmpty()) {
                if (failure != null) {
                    throw failure;
                }
                return -1;
            }
            ByteBuf head = queue.peek();
            n = Math.min(len, head.readableBytes());
            head.readBytes(b, off, n);
            if (!head.isReadable()) {
                queue.poll().release();
            }
            queued -= n;
            if (paused && queued < LOW_WATER) {
                paused = false;
                resumeNow = true;
            }
        } finally {
            lock.unlock();
        }
        if (resumeNow) {
            resume.run();
        }
        return n;
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return (int) Math.min(Integer.MAX_VALUE, queued);
        } finally {
            lock.unlock();
        }
    }

    /** The reader is done: what is queued or still coming is dropped, and reading resumes so it can drain. */
    @Override
    public void close() {
        boolean resumeNow;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            queue.forEach(ByteBuf::release);
            queue.clear();
            queued = 0;
            resumeNow = paused;
            paused = false;
            available.signalAll();
        } finally {
            lock.unlock();
        }
        if (resumeNow) {
            resume.run();
        }
    }
}
