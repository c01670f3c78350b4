package berth.store.snapshot;

import berth.store.Layout;
import berth.sys.FileNodes;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class VfsSnapshotterTest extends SnapshotterContract {
    @Override
    Snapshotter create(Layout layout) {
        return new VfsSnapshotter(layout);
    }

    @Test
    void childCopyKeepsOwnersModesLinksAndXattrs() throws Exception {
        Path base = snapshotter.prepare("base-active", Optional.empty());
        Path su = Files.writeString(base.resolve("su"), "x");
        Files.setAttribute(su, "unix:uid", 1000);
        Files.setAttribute(su, "unix:mode", 04755);
        FileNodes.lsetxattr(su, "trusted.note", "n".getBytes());
        Files.createLink(base.resolve("su2"), su);
        Files.createSymbolicLink(base.resolve("link"), Path.of("/nowhere"));
        FileNodes.mknod(base.resolve("null"), FileNodes.S_IFCHR | 0666, FileNodes.makedev(1, 3));
        snapshotter.commit("base", "base-active");
        Path copy = snapshotter.prepare("child", Optional.of("base"));
        assertEquals(1000, Files.getAttribute(copy.resolve("su"), "unix:uid"));
        assertEquals(04755, (Integer) Files.getAttribute(copy.resolve("su"), "unix:mode") & 07777);
        assertArrayEquals("n".getBytes(), FileNodes.lgetxattr(copy.resolve("su"), "trusted.note"));
        assertEquals(Files.getAttribute(copy.resolve("su"), "unix:ino"), Files.getAttribute(copy.resolve("su2"), "unix:ino"));
        assertEquals(Path.of("/nowhere"), Files.readSymbolicLink(copy.resolve("link")));
        assertEquals(FileNodes.makedev(1, 3), Files.getAttribute(copy.resolve("null"), "unix:rdev", LinkOption.NOFOLLOW_LINKS));
    }
}
