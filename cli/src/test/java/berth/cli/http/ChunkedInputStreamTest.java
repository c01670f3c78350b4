package berth.cli.http;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChunkedInputStreamTest {
    private static InputStream of(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void decodesChunksExtensionsAndTrailers() throws IOException {
        InputStream in = of("5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: y\r\n\r\nNEXT");
        ChunkedInputStream c = new ChunkedInputStream(in);
        assertEquals("hello, world", new String(c.readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(-1, c.read());
        assertEquals("NEXT", new String(in.readAllBytes(), StandardCharsets.UTF_8), "the connection is left at the next response");
    }

    @Test
    void readsByteByByteAcrossChunks() throws IOException {
        ChunkedInputStream c = new ChunkedInputStream(of("1\r\na\r\n2\r\nbc\r\n0\r\n\r\n"));
        assertEquals('a', c.read());
        assertEquals('b', c.read());
        assertEquals('c', c.read());
        assertEquals(-1, c.read());
    }

    @Test
    void hexSizesInEitherCase() throws IOException {
        String body = "x".repeat(26);
        assertEquals(body, new String(new ChunkedInputStream(of("1A\r\n" + body + "\r\n0\r\n\r\n")).readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(body, new String(new ChunkedInputStream(of("1a\r\n" + body + "\r\n0\r\n\r\n")).readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void truncatedBodyIsAnError() {
        assertThrows(EOFException.class, () -> new ChunkedInputStream(of("5\r\nhel")).readAllBytes());
        assertThrows(EOFException.class, () -> new ChunkedInputStream(of("5\r\nhello\r\n")).readAllBytes());
        assertThrows(IOException.class, () -> new ChunkedInputStream(of("zz\r\n")).readAllBytes());
    }
}
