package berth.cli.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Decodes an HTTP/1.1 chunked body (RFC 9112 §7.1); extensions and trailers are skipped. */
public final class ChunkedInputStream extends InputStream {
    private final InputStream in;
    private long remaining;
    private boolean done;

    public ChunkedInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] b = new byte[1];
        int n = read(b, 0, 1);
        return n < 0 ? -1 : b[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (done) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        if (remaining == 0) {
            String line = HttpConnection.readLine(in);
            if (line == null) {
                throw new EOFException("chunked body ended early");
            }
            int semi = line.indexOf(';');
            String hex = (semi < 0 ? line : line.substring(0, semi)).strip();
            try {
                remaining = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + line);
            }
            if (remaining == 0) {
                String trailer;
                while ((trailer = HttpConnection.readLine(in)) != null && !trailer.isEmpty()) {
                    // trailers carry nothing the CLI uses
                }
                done = true;
                return -1;
            }
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new EOFException("chunked body ended early");
        }
        remaining -= n;
        if (remaining == 0) {
            HttpConnection.readLine(in);
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return done ? 0 : (int) Math.min(remaining, in.available());
    }

    boolean finished() {
        return done;
    }
}
