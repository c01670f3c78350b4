package berth.runtime;

import berth.oci.errors.Unavailable;
import berth.sys.Fds;
import berth.sys.Pipes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SyncPipeTest {
    private static final Path NO_LOG = Path.of("/nonexistent/conmon.log");

    @Test
    void twoMessagesInOneReadAreBothDelivered() {
        Pipes.Pipe p = Pipes.open();
        try (SyncPipe sync = new SyncPipe(p.readEnd(), NO_LOG)) {
            Fds.write(p.writeEnd(), "{\"data\": 4242}\n{\"data\": 7, \"message\": \"a\\nb\"}\n"
                    .getBytes(StandardCharsets.UTF_8));
            Fds.close(p.writeEnd());
            assertEquals(4242, sync.next(1000).path("data").asInt());
            var exit = sync.next(1000);
            assertEquals(7, exit.path("data").asInt());
            assertEquals("a\nb", exit.path("message").asText());
        }
    }

    @Test
    void aMessageSplitAcrossWritesIsJoined() {
        Pipes.Pipe p = Pipes.open();
        try (SyncPipe sync = new SyncPipe(p.readEnd(), NO_LOG)) {
            Fds.write(p.writeEnd(), "{\"data\": ".getBytes(StandardCharsets.UTF_8));
            Thread.ofVirtual().start(() -> Fds.write(p.writeEnd(), "-1}\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals(-1, sync.next(5000).path("data").asInt());
        } finally {
            Fds.close(p.writeEnd());
        }
    }

    @Test
    void endWithoutAnAnswerIsAnError() {
        Pipes.Pipe p = Pipes.open();
        try (SyncPipe sync = new SyncPipe(p.readEnd(), NO_LOG)) {
            Fds.close(p.writeEnd());
            assertThrows(Unavailable.class, () -> sync.next(1000));
        }
    }
}
