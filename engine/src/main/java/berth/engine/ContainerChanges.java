package berth.engine;

import berth.engine.container.ContainerDoc;
import berth.engine.files.ScopedTree;
import berth.engine.files.TreeChanges;
import berth.engine.model.Change;
import berth.store.layer.WhiteoutMode;
import berth.store.snapshot.Snapshotter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A container's changes to its image: listed for {@code docker diff}, and written as a layer tar (whiteouts as
 * {@code .wh.} entries) for {@code docker commit}. With overlay they are the snapshot's upper directory; with the
 * vfs copies, the difference between the container's copy and its image's top layer.
 */
final class ContainerChanges {
    private final ContainerService containers;
    private final Snapshotter snapshotter;

    ContainerChanges(ContainerService containers, Snapshotter snapshotter) {
        this.containers = containers;
        this.snapshotter = snapshotter;
    }

    List<Change> list(String name) {
        return of(containers.find(name).doc());
    }

    private List<Change> of(ContainerDoc doc) {
        String id = doc.id();
        if (snapshotter.whiteoutMode() == WhiteoutMode.OVERLAY) {
            return TreeChanges.overlay(snapshotter.diffDir(id), layers(snapshotter.parent(id)));
        }
        return TreeChanges.compare(snapshotter.diffDir(id), snapshotter.parent(id).map(snapshotter::diffDir));
    }

    /** The bytes of regular files the container added or changed ({@code SizeRw}). */
    long sizeRw(ContainerDoc doc) {
        String id = doc.id();
        Path root = snapshotter.diffDir(id);
        List<Path> files = new ArrayList<>();
        if (snapshotter.whiteoutMode() == WhiteoutMode.OVERLAY) {
            try (var walk = Files.walk(root)) {
                walk.forEach(files::add);
            } catch (IOException | UncheckedIOException e) {
                return 0; // removed meanwhile
            }
        } else {
            for (Change change : of(doc)) {
                if (change.kind() != Change.DELETED) {
                    files.add(root.resolve(change.path().substring(1)));
                }
            }
        }
        long size = 0;
        for (Path file : files) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isRegularFile()) {
                    size += a.size();
                }
            } catch (IOException e) {
                // gone since the walk
            }
        }
        return size;
    }

    /** Writes the container's changes as a layer tar. */
    void writeLayer(ContainerDoc doc, OutputStream out) {
        String id = doc.id();
        if (snapshotter.whiteoutMode() == WhiteoutMode.OVERLAY) {
            try (ScopedTree upper = ScopedTree.open(snapshotter.diffDir(id), "container " + id)) {
                upper.archiveOverlayLayer(out);
            }
            return;
        }
        List<String> present = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (Change change : of(doc)) {
            (change.kind() == Change.DELETED ? deleted : present).add(change.path());
        }
        try (ScopedTree copy = ScopedTree.open(snapshotter.diffDir(id), "container " + id)) {
            copy.archiveChanges(present, deleted, out);
        }
    }

    /** The diff directories of a layer and its ancestors, the top one first. */
    private List<Path> layers(Optional<String> top) {
        List<Path> dirs = new ArrayList<>();
        for (Optional<String> at = top; at.isPresent(); at = snapshotter.parent(at.get())) {
            dirs.add(snapshotter.diffDir(at.get()));
        }
        return dirs;
    }
}
