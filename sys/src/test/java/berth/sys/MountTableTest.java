package berth.sys;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MountTableTest {
    @Test
    void aDirectoryIsAMountPointWhileSomethingIsMountedThereAndOnlyThen() throws IOException {
        Path dir = Files.createTempDirectory("mounttable");
        Path inside = Files.createDirectory(dir.resolve("inside"));
        try {
            assertFalse(MountTable.isMountPoint(dir));
            Mounts.mount("tmpfs", dir, "tmpfs", 0, "size=1m");
            try {
                assertTrue(MountTable.isMountPoint(dir));
                assertFalse(MountTable.isMountPoint(Files.createDirectory(dir.resolve("sub"))));
            } finally {
                Mounts.unmount(dir, 0);
            }
            assertFalse(MountTable.isMountPoint(dir));
            Mounts.mount(inside.toString(), inside, null, Mounts.MS_BIND, null);
            try {
                assertTrue(MountTable.isMountPoint(inside), "a directory bound onto itself");
            } finally {
                Mounts.unmount(inside, 0);
            }
        } finally {
            Files.deleteIfExists(inside);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void rootAndProcAreMountPointsAndAMissingPathIsNot() {
        assertTrue(MountTable.isMountPoint(Path.of("/")));
        assertTrue(MountTable.isMountPoint(Path.of("/proc")));
        assertFalse(MountTable.isMountPoint(Path.of("/proc/self/status")));
        assertFalse(MountTable.isMountPoint(Path.of("/no/such/dir")));
        assertFalse(MountTable.isMountPoint(Path.of("/etc/hostname/below-a-file")));
    }
}
