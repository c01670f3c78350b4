package berth.cli.http;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StreamDemuxTest {
    static byte[] frame(int stream, String payload) {
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        byte[] f = new byte[8 + p.length];
        f[0] = (byte) stream;
        f[4] = (byte) (p.length >>> 24);
        f[5] = (byte) (p.length >>> 16);
        f[6] = (byte) (p.length >>> 8);
        f[7] = (byte) p.length;
        System.arraycopy(p, 0, f, 8, p.length);
        return f;
    }

    @Test
    void splitsStdoutAndStderr() throws IOException {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.write(frame(1, "out1\n"));
        in.write(frame(2, "err\n"));
        in.write(frame(1, "out2\n"));
        in.write(frame(1, ""));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StreamDemux.copy(new ByteArrayInputStream(in.toByteArray()), out, err);
        assertEquals("out1\nout2\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("err\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void largeFramesArriveWhole() throws IOException {
        String big = "y".repeat(100_000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamDemux.copy(new ByteArrayInputStream(frame(1, big)), out, new ByteArrayOutputStream());
        assertEquals(big, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void truncatedFramesAndUnknownStreamsAreErrors() {
        byte[] f = frame(1, "hello");
        byte[] cut = java.util.Arrays.copyOf(f, 10);
        assertThrows(EOFException.class, () -> StreamDemux.copy(new ByteArrayInputStream(cut), OutputStreams.NULL, OutputStreams.NULL));
        assertThrows(EOFException.class, () -> StreamDemux.copy(new ByteArrayInputStream(new byte[] {1, 0, 0}), OutputStreams.NULL, OutputStreams.NULL));
        assertThrows(IOException.class, () -> StreamDemux.copy(new ByteArrayInputStream(frame(7, "x")), OutputStreams.NULL, OutputStreams.NULL));
    }

    static final class OutputStreams {
        static final java.io.OutputStream NULL = java.io.OutputStream.nullOutputStream();
    }
}
