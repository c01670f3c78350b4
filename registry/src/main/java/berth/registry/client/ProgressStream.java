package berth.registry.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reports a blob's progress under one status ("Extracting", "Pushing") as its bytes are read. */
final class ProgressStream extends FilterInputStream {
    static final long STEP = 512 * 1024;

    private final ProgressListener listener;
    private final String id;
    private final String status;
    private final long total;
    private long count;
    private long reported;

    ProgressStream(InputStream in, ProgressListener listener, String id, String status, long total) {
        super(in);
        this.listener = listener;
        this.id = id;
        this.status = status;
        this.total = total;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            advance(n);
        }
        return n;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            advance(1);
        }
        return b;
    }

    private void advance(int n) {
        count += n;
        if (count - reported >= STEP || count == total) {
            reported = count;
            listener.bytes(id, status, count, total);
        }
    }
}
