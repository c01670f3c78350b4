package berth.runtime;

import berth.oci.Json;
import berth.oci.errors.Unavailable;
import berth.sys.Fds;
import berth.sys.SharedFd;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The read end of one of conmon's status pipes ({@code _OCI_SYNCPIPE}, {@code _OCI_ATTACHPIPE}). conmon writes one
 * JSON object per line ({@code {"data": N, "message": "..."}}); an exec's conmon writes two on the sync pipe, the
 * pid and later the exit code, and a fast process can put both in one read, so bytes past a line are kept for the
 * next message.
 */
final class SyncPipe implements AutoCloseable {
    private final SharedFd fd;
    private final Path conmonLog;
    private byte[] pending = new byte[0];

    SyncPipe(int fd, Path conmonLog) {
        this.fd = new SharedFd(fd);
        this.conmonLog = conmonLog;
    }

    /** The next message; waits at most {@code timeoutMillis} (negative: forever). */
    synchronized JsonNode next(int timeoutMillis) {
        return fd.use(d -> next(d, timeoutMillis));
    }

    private JsonNode next(int fd, int timeoutMillis) {
        long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.currentTimeMillis() + timeoutMillis;
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        got.writeBytes(pending);
        byte[] buf = new byte[8192];
        while (true) {
            byte[] bytes = got.toByteArray();
            int newline = indexOf(bytes, (byte) '\n');
            if (newline >= 0) {
                pending = Arrays.copyOfRange(bytes, newline + 1, bytes.length);
                return parse(Arrays.copyOf(bytes, newline));
            }
            long left = deadline - System.currentTimeMillis();
            if (left <= 0 || !Fds.pollReadable(fd, (int) Math.min(left, Integer.MAX_VALUE))) {
                throw new Unavailable("conmon gave no answer within " + timeoutMillis / 1000 + "s: "
                        + Conmon.tail(conmonLog));
            }
            int n = Fds.read(fd, buf);
            if (n == 0) {
                pending = new byte[0];
                if (bytes.length == 0) {
                    throw new Unavailable("conmon ended without an answer: " + Conmon.tail(conmonLog));
                }
                return parse(bytes);
            }
            got.write(buf, 0, n);
        }
    }

    private static JsonNode parse(byte[] line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new Unavailable("conmon's answer is not JSON: " + new String(line, StandardCharsets.UTF_8));
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Closes the pipe, at once or when a {@link #next} that waits on it returns. */
    @Override
    public void close() {
        fd.close(d -> {});
    }
}
