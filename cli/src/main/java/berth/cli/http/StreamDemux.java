package berth.cli.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Splits the Engine API's multiplexed stream (attach, logs and exec without a TTY): frames of
 * an 8-byte header {@code [stream, 0, 0, 0, size uint32 big-endian]} then {@code size} bytes;
 * stream 1 is stdout, 2 stderr, 0 stdin (echoed, written to stdout as docker does).
 */
public final class StreamDemux {
    private StreamDemux() {}

    /** Copies frames until end of input; a truncated frame is an error. */
    public static void copy(InputStream in, OutputStream stdout, OutputStream stderr) throws IOException {
        byte[] header = new byte[8];
        byte[] buf = new byte[32768];
        while (true) {
            int got = readFully(in, header, 0, 8);
            if (got == 0) {
                return;
            }
            if (got < 8) {
                throw new EOFException("multiplexed stream: truncated frame header");
            }
            OutputStream target = switch (header[0]) {
                case 0, 1 -> stdout;
                case 2 -> stderr;
                default -> throw new IOException("multiplexed stream: unknown stream id " + header[0]);
            };
            long size = ((header[4] & 0xffL) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8) | (header[7] & 0xff);
            while (size > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, size));
                if (n < 0) {
                    throw new EOFException("multiplexed stream: truncated frame");
                }
                target.write(buf, 0, n);
                size -= n;
            }
            target.flush();
        }
    }

    /** Copies a raw (TTY) stream. */
    public static void copyRaw(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[32768];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            out.flush();
        }
    }

    private static int readFully(InputStream in, byte[] b, int off, int len) throws IOException {
        int total = 0;
        while (total < len) {
            int n = in.read(b, off + total, len - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
