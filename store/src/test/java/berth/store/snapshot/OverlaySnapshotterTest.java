package berth.store.snapshot;

import berth.oci.errors.InvalidArgument;
import berth.store.Layout;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OverlaySnapshotterTest extends SnapshotterContract {
    @Override
    Snapshotter create(Layout layout) {
        return new OverlaySnapshotter(layout);
    }

    @Test
    void imageTooDeepForOnePageOfMountOptionsIsRefusedClearly() {
        String parent = null;
        for (int i = 0; i < 120; i++) {
            String key = "layer" + i;
            snapshotter.prepare(key + "-active", Optional.ofNullable(parent));
            snapshotter.commit(key, key + "-active");
            parent = key;
        }
        snapshotter.prepare("container", Optional.of(parent));
        InvalidArgument error = assertThrows(InvalidArgument.class, () -> snapshotter.mount("container"));
        assertTrue(error.getMessage().contains("4096"), error.getMessage());
    }

    @Test
    void deepImageWithinOnePageMounts() {
        String parent = null;
        for (int i = 0; i < 40; i++) {
            String key = "layer" + i;
            snapshotter.prepare(key + "-active", Optional.ofNullable(parent));
            snapshotter.commit(key, key + "-active");
            parent = key;
        }
        snapshotter.prepare("container", Optional.of(parent));
        try {
            snapshotter.mount("container");
        } finally {
            snapshotter.unmount("container");
        }
    }
}
