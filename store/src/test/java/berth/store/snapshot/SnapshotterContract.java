package berth.store.snapshot;

import berth.oci.errors.Conflict;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;
import berth.store.Layout;
import berth.store.layer.WhiteoutMode;
import berth.sys.FileNodes;
import berth.sys.MountTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every {@link Snapshotter} must do, run against each with real mounts (as root). */
abstract class SnapshotterContract {
    @TempDir
    Path root;
    Layout layout;
    Snapshotter snapshotter;
    private final List<String> mounted = new ArrayList<>();

    abstract Snapshotter create(Layout layout);

    @BeforeEach
    void setUp() {
        layout = new Layout(root);
        snapshotter = create(layout);
    }

    @AfterEach
    void unmountAll() {
        for (String key : mounted) {
            if (snapshotter.exists(key)) {
                snapshotter.unmount(key);
            }
        }
    }

    private Path mount(String key) {
        mounted.add(key);
        return snapshotter.mount(key);
    }

    private Path prepareAndMount(String key, String parent) {
        snapshotter.prepare(key, Optional.of(parent));
        return mount(key);
    }

    // A whiteout as the snapshotter's layers carry it: a 0:0 device for overlay, a deletion for vfs.
    private void delete(Path diff, String name) throws Exception {
        if (snapshotter.whiteoutMode() == WhiteoutMode.OVERLAY) {
            FileNodes.mknod(diff.resolve(name), FileNodes.S_IFCHR, 0);
        } else {
            Files.delete(diff.resolve(name));
        }
    }

    @Test
    void fileWrittenInChildIsInvisibleInParent() throws Exception {
        Files.writeString(snapshotter.prepare("base-active", Optional.empty()).resolve("base.txt"), "base");
        snapshotter.commit("base", "base-active");
        Path child = prepareAndMount("child", "base");
        assertEquals("base", Files.readString(child.resolve("base.txt")));
        Files.writeString(child.resolve("new.txt"), "new");
        Path sibling = prepareAndMount("sibling", "base");
        assertFalse(Files.exists(sibling.resolve("new.txt")));
        assertFalse(Files.exists(snapshotter.diffDir("base").resolve("new.txt")));
        assertTrue(MountTable.isMountPoint(child));
        assertEquals(child, snapshotter.mount("child"), "mounting again is a no-op");
        snapshotter.unmount("child");
        assertFalse(MountTable.isMountPoint(child));
    }

    @Test
    void aLayerPreparedAloneIsStackedByReparent() throws Exception {
        Files.writeString(snapshotter.prepare("base-active", Optional.empty()).resolve("base.txt"), "base");
        Path upper = snapshotter.prepare("upper-active", Optional.empty());
        Files.writeString(upper.resolve("upper.txt"), "upper");
        assertThrows(InvalidArgument.class, () -> snapshotter.reparent("upper-active", Optional.of("base-active")),
                "the parent must be committed");
        snapshotter.commit("base", "base-active");
        snapshotter.reparent("upper-active", Optional.of("base"));
        snapshotter.commit("upper", "upper-active");
        assertEquals(Optional.of("base"), snapshotter.parent("upper"));
        assertEquals(List.of("upper"), snapshotter.children("base"));
        if (snapshotter.unpacksIndependently()) {
            snapshotter.prepare("container", Optional.of("upper"));
            Path rootfs = mount("container");
            assertEquals("base", Files.readString(rootfs.resolve("base.txt")));
            assertEquals("upper", Files.readString(rootfs.resolve("upper.txt")));
        }
        assertThrows(InvalidArgument.class, () -> snapshotter.reparent("upper", Optional.empty()),
                "a committed snapshot keeps its parent");
    }

    @Test
    void deletionInUpperLayerHidesLowerFile() throws Exception {
        Path base = snapshotter.prepare("base-active", Optional.empty());
        Files.writeString(base.resolve("gone.txt"), "lower");
        Files.writeString(base.resolve("kept.txt"), "lower");
        snapshotter.commit("base", "base-active");
        delete(snapshotter.prepare("upper-active", Optional.of("base")), "gone.txt");
        snapshotter.commit("upper", "upper-active");
        snapshotter.prepare("container", Optional.of("upper"));
        Path rootfs = mount("container");
        assertFalse(Files.exists(rootfs.resolve("gone.txt")));
        assertEquals("lower", Files.readString(rootfs.resolve("kept.txt")));
        assertEquals(Optional.of("base"), snapshotter.parent("upper"));
    }

    @Test
    void removeOfSnapshotWithChildrenIsRefused() {
        snapshotter.prepare("base-active", Optional.empty());
        snapshotter.commit("sha256:" + "b".repeat(64), "base-active");
        snapshotter.prepare("child", Optional.of("sha256:" + "b".repeat(64)));
        mount("child");
        assertThrows(Conflict.class, () -> snapshotter.remove("sha256:" + "b".repeat(64)));
        snapshotter.remove("child");
        assertFalse(MountTable.isMountPoint(layout.snapshotMerged("child")));
        snapshotter.remove("sha256:" + "b".repeat(64));
        assertFalse(snapshotter.exists("sha256:" + "b".repeat(64)));
        assertThrows(NotFound.class, () -> snapshotter.remove("child"));
    }

    @Test
    void preparingAnExistingKeyIsConflict() {
        snapshotter.prepare("one", Optional.empty());
        assertThrows(Conflict.class, () -> snapshotter.prepare("one", Optional.empty()));
    }
}
