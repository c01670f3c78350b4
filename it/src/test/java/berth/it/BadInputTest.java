package berth.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each bad request gets a clear error and changes nothing. */
class BadInputTest extends SharedDaemonTest {
    private String containers() {
        return daemon.docker("ps", "-a", "--format", "{{.ID}} {{.Names}} {{.Status}}").stdout();
    }

    private String images() {
        return daemon.docker("images", "-a", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}").stdout();
    }

    @Test
    void malformedReferenceIsRefused() {
        String before = containers();
        Daemon.Result run = daemon.docker("run", "--rm", "Not/Valid:Ref", "true");
        assertEquals(125, run.exit(), run::toString);
        assertTrue(run.stderr().contains("invalid reference format"), run::toString);
        assertEquals(before, containers());
    }

    @Test
    void conflictingContainerNameIsRefused() {
        assertEquals(0, daemon.docker("create", "--name", "twin", "busybox", "true").exit());
        String before = containers();
        Daemon.Result second = daemon.docker("create", "--name", "twin", "busybox", "true");
        assertEquals(1, second.exit(), second::toString);
        assertTrue(second.stderr().contains("is already in use"), second::toString);
        assertEquals(before, containers());
        daemon.docker("rm", "twin");
    }

    @Test
    void removingARunningContainerNeedsForce() {
        daemon.docker("run", "-d", "--name", "busy", "busybox", "sleep", "60");
        Daemon.Result rm = daemon.docker("rm", "busy");
        assertEquals(1, rm.exit(), rm::toString);
        assertTrue(rm.stderr().contains("container is running"), rm::toString);
        assertTrue(containers().contains("busy Up"));
        assertEquals(0, daemon.docker("rm", "-f", "busy").exit());
        assertTrue(!containers().contains("busy"));
    }

    @Test
    void removingAnImageInUseNeedsForce() {
        daemon.docker("create", "--name", "user-of-image", "busybox", "true");
        String before = images();
        Daemon.Result rmi = daemon.docker("rmi", "busybox");
        assertNotEquals(0, rmi.exit(), rmi::toString);
        assertTrue(rmi.stderr().contains("conflict"), rmi::toString);
        assertEquals(before, images());
        daemon.docker("rm", "user-of-image");
    }

    @Test
    void invalidMemoryValuesAreRefused() {
        String before = containers();
        Daemon.Result tooSmall = daemon.docker("create", "--memory", "1k", "busybox", "true");
        assertEquals(1, tooSmall.exit(), tooSmall::toString);
        assertTrue(tooSmall.stderr().contains("Minimum memory limit"), tooSmall::toString);
        Daemon.Result garbage = daemon.berth("create", "--memory", "lots", "busybox", "true");
        assertEquals(125, garbage.exit(), garbage::toString);
        assertTrue(garbage.stderr().contains("lots"), garbage::toString);
        assertEquals(before, containers());
    }

    @Test
    void unknownContainerAndImageAreNotFound() {
        Daemon.Result inspect = daemon.docker("inspect", "--type", "container", "ghost");
        assertEquals(1, inspect.exit());
        assertTrue(inspect.stderr().contains("No such container: ghost"), inspect::toString);
        Daemon.Result image = daemon.docker("image", "inspect", "ghost-image");
        assertEquals(1, image.exit());
        assertTrue(image.stderr().contains("No such image"), image::toString);
    }

    @Test
    void garbageJsonToEveryPostEndpointIs400() throws IOException {
        daemon.docker("create", "--name", "json-target", "busybox", "true");
        String before = containers();
        for (String path : List.of("/containers/create", "/containers/create?name=x", "/containers/json-target/exec",
                "/exec/x/start")) {
            String response = post(path, "{not json");
            assertTrue(response.startsWith("HTTP/1.1 400"), path + " -> " + response);
            assertTrue(response.contains("\"message\""), path + " -> " + response);
        }
        assertEquals(before, containers());
        daemon.docker("rm", "json-target");
    }

    private String post(String path, String body) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(daemon.socket));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String request = "POST /v1.51" + path + " HTTP/1.1\r\nHost: berth\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n" + body;
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (channel.read(buffer) >= 0 && buffer.hasRemaining()) {
                // read until the server closes
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        }
    }
}
