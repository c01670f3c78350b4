package berth.cli.command;

import berth.cli.UserException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CopyPathsTest {
    @Test
    void splitPathDirEntryAsDocker() {
        assertEquals("/tmp", CopyPaths.splitDir("/tmp/a"));
        assertEquals("a", CopyPaths.splitBase("/tmp/a"));
        assertEquals("a", CopyPaths.splitBase("/tmp/a/"));
        assertEquals("/tmp/a", CopyPaths.splitDir("/tmp/a/."));
        assertEquals(".", CopyPaths.splitBase("/tmp/a/."));
        assertEquals(".", CopyPaths.splitDir("a"));
        assertEquals("/", CopyPaths.splitDir("/a"));
    }

    @Test
    void trailingSlashOrDotAssertsADirectory() {
        assertTrue(CopyPaths.assertsDirectory("/x/"));
        assertTrue(CopyPaths.assertsDirectory("/x/."));
        assertFalse(CopyPaths.assertsDirectory("/x"));
    }

    @Test
    void rebaseRenamesOnlyTheFirstElement() {
        assertEquals("new/etc/etc", CopyPaths.rebase("etc/etc/etc", "etc", "new"));
        assertEquals("new", CopyPaths.rebase("etc", "etc", "new"));
        assertEquals("etcetera", CopyPaths.rebase("etcetera", "etc", "new"));
        assertEquals("dst/x", CopyPaths.rebase("./x", ".", "dst"));
    }

    @Test
    void followedLinkKeepsItsNameAndTrailingDot() {
        assertArrayEquals(new String[] {"/data/real", "link"}, CopyPaths.rebaseName("/link", "/data/real"));
        assertArrayEquals(new String[] {"/data/real/.", null}, CopyPaths.rebaseName("/link/.", "/data/real"));
    }

    @Test
    void entriesThatClimbOutAreRefused() {
        assertEquals(List.of("a", "c"), CopyPaths.safeParts("./a/b/../c"));
        assertThrows(UserException.class, () -> CopyPaths.safeParts("../etc/passwd"));
        assertThrows(UserException.class, () -> CopyPaths.safeParts("a/../../x"));
    }
}
