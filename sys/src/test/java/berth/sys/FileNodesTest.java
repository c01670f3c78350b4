package berth.sys;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileNodesTest {
    @TempDir
    Path dir;

    // lsattr (e2fsprogs) reads the flags back through FS_IOC_GETFLAGS: 'T' is FS_TOPDIR_FL.
    private static String lsattr(Path path) throws Exception {
        Process p = new ProcessBuilder("lsattr", "-d", path.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor(), out);
        return out.substring(0, out.indexOf(' '));
    }

    @Test
    void aDirectoryMarkedAsTopOfHierarchiesKeepsTheFlagWhereTheFileSystemHasIt() throws Exception {
        Path top = Files.createDirectory(dir.resolve("snapshots"));
        if (FileNodes.markTopDirectory(top)) {
            assertTrue(lsattr(top).contains("T"), lsattr(top));
            assertTrue(FileNodes.markTopDirectory(top), "marking twice is harmless");
        }
    }

    @Test
    void markingSomethingOtherThanADirectoryFails() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        SysException e = assertThrows(SysException.class, () -> FileNodes.markTopDirectory(file));
        assertEquals(20, e.errno()); // ENOTDIR
    }
}
