package berth.engine.files;

import berth.oci.errors.InvalidArgument;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScopedPathTest {
    private static Optional<String> links(Map<String, String> links, String path) {
        return Optional.ofNullable(links.get(path));
    }

    @Test
    void absoluteKeepsTrailingSlashAndDot() {
        assertEquals("/etc", ScopedPath.absolute("etc"));
        assertEquals("/etc/", ScopedPath.absolute("/etc//"));
        assertEquals("/etc/.", ScopedPath.absolute("/etc/."));
        assertEquals("/", ScopedPath.absolute("/"));
        assertEquals("/.", ScopedPath.absolute("/."));
        assertEquals("/etc", ScopedPath.absolute("/../../etc"));
    }

    @Test
    void splitAndBaseNameFollowDocker() {
        assertEquals(new ScopedPath.Split("/etc/", "passwd"), ScopedPath.split("/etc/passwd"));
        assertTrue(ScopedPath.split("/etc/").isDirectoryItself());
        assertTrue(ScopedPath.split("/etc/.").isDirectoryItself());
        assertEquals("etc", ScopedPath.baseName("/etc/"));
        assertEquals(".", ScopedPath.baseName("/etc/."));
        assertEquals("/", ScopedPath.baseName("/"));
    }

    @Test
    void dotDotStopsAtTheRoot() {
        assertEquals("/etc/passwd", ScopedPath.resolve("/../../../etc/passwd", p -> Optional.empty()));
    }

    @Test
    void absoluteSymlinkResolvesInsideTheRoot() {
        Map<String, String> links = Map.of("/evil", "/", "/up", "../../..");
        assertEquals("/etc/shadow", ScopedPath.resolve("/evil/etc/shadow", p -> links(links, p)));
        assertEquals("/etc/shadow", ScopedPath.resolve("/up/etc/shadow", p -> links(links, p)));
        assertEquals("/", ScopedPath.resolve("/evil", p -> links(links, p)));
    }

    @Test
    void relativeSymlinkResolvesFromItsDirectory() {
        Map<String, String> links = Map.of("/var/run", "../run", "/run/x", "y");
        assertEquals("/run/y", ScopedPath.resolve("/var/run/x", p -> links(links, p)));
    }

    @Test
    void symlinkLoopIsRefused() {
        Map<String, String> links = Map.of("/a", "/b", "/b", "/a");
        assertThrows(InvalidArgument.class, () -> ScopedPath.resolve("/a", p -> links(links, p)));
    }

    @Test
    void emptyPathIsRefused() {
        assertThrows(InvalidArgument.class, () -> ScopedPath.absolute(""));
    }
}
