package berth.cli.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnixChannelsTest {
    @Test
    void opensAConnectableChannelAndLeavesTheProvidersAsTheyWere(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("s.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            try (SocketChannel client = UnixChannels.open()) {
                assertTrue(client.connect(UnixDomainSocketAddress.of(socket)));
                try (SocketChannel accepted = server.accept()) {
                    client.write(ByteBuffer.wrap(new byte[] {42}));
                    ByteBuffer b = ByteBuffer.allocate(1);
                    accepted.read(b);
                    assertEquals(42, b.get(0));
                }
            }
        }
        // the provider list of this thread is the JDK's again
        assertEquals("SUN", SecureRandom.getInstance("NativePRNGNonBlocking").getProvider().getName());
        // and the random a server channel names its temporary socket with still works
        try (ServerSocketChannel unnamed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            unnamed.bind(null);
            assertTrue(unnamed.getLocalAddress().toString().contains("socket_"));
        }
    }

    @Test
    void theLazyRandomIsTheRealOneOnFirstUse() throws Exception {
        SecureRandom lazy = SecureRandom.getInstance("NativePRNGNonBlocking", new UnixChannels.LazyRandomProvider());
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        lazy.nextBytes(a);
        lazy.nextBytes(b);
        assertFalse(Arrays.equals(a, b));
        assertFalse(Arrays.equals(a, new byte[32]));
        assertEquals(16, lazy.generateSeed(16).length);
    }
}
