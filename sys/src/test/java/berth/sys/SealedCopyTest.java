package berth.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;

class SealedCopyTest {
    private static final Path ECHO = Path.of("/bin/echo");

    @Test
    void copyHasTheBinarysBytesAndExactlyTheSealsTheRuntimesCheckFor() throws IOException {
        Path copy = SealedCopy.of(ECHO);
        assertArrayEquals(Files.readAllBytes(ECHO), Files.readAllBytes(copy));
        int fd = Fds.open(copy, Fds.O_RDONLY | Fds.O_CLOEXEC, 0);
        try {
            assertEquals(SealedCopy.SEALS, SealedCopy.seals(fd));
        } finally {
            Fds.close(fd);
        }
    }

    @Test
    void nobodyCanWriteTheCopy() {
        Path copy = SealedCopy.of(ECHO);
        assertThrows(IOException.class, () -> Files.write(copy, new byte[] {1}, StandardOpenOption.WRITE));
        assertThrows(IOException.class, () -> Files.write(copy, new byte[] {1}, StandardOpenOption.APPEND));
    }

    @Test
    void copyRunsAsTheBinaryDoes() throws Exception {
        Path copy = SealedCopy.of(ECHO);
        Process p = new ProcessBuilder(copy.toString(), "sealed", "copy").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        assertEquals("sealed copy\n", out);
    }
}
