package berth.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Copies every byte read from a stream to a sink as well: how a blob is stored while it is being unpacked. */
public final class TeeInputStream extends FilterInputStream {
    private final OutputStream sink;

    public TeeInputStream(InputStream in, OutputStream sink) {
        super(in);
        this.sink = sink;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            sink.write(b);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n > 0) {
            sink.write(buffer, offset, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes must reach the sink too.
        return Math.max(0, read(new byte[(int) Math.min(n, 8192)]));
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int limit) {}

    @Override
    public synchronized void reset() throws IOException {
        // A reset would hand the sink the same bytes twice.
        throw new IOException("mark/reset not supported");
    }
}
