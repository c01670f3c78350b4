package berth.store.snapshot;

import berth.oci.errors.Conflict;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;
import berth.store.FileTrees;
import berth.store.Layout;
import berth.sys.FileNodes;
import berth.sys.MountTable;
import berth.sys.Mounts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the overlay and vfs snapshotters share: one directory per snapshot under {@code overlay/}, its parent's
 * key in a {@code parent} file and a {@code committed} marker, so the snapshots' state lives beside their files
 * and needs no database. Commit is a rename of that directory. Calls are serialised: snapshots change rarely
 * compared with the time a layer takes to unpack, which happens outside these calls.
 */
abstract sealed class DirectorySnapshotter implements Snapshotter permits OverlaySnapshotter, VfsSnapshotter {
    private static final String PARENT = "parent";
    private static final String COMMITTED = "committed";

    protected final Layout layout;

    protected DirectorySnapshotter(Layout layout) {
        this.layout = layout;
        layout.createDirectories();
        // Without it every snapshot's files would be created in the same few block groups as the snapshots removed
        // before them, where ext4 without a journal skips, inode by inode, those freed in the last minutes: a
        // pull after an rmi spent most of its CPU there (docs/decisions.md).
        FileNodes.markTopDirectory(layout.snapshots());
    }

    /** Fills the new snapshot's directory {@code dir} (already holding its parent file) for {@code parent}. */
    protected abstract void populate(String key, Path dir, Optional<String> parent) throws IOException;

    /** Called after {@code key} was renamed to {@code name}, to fix what named the old directory. */
    protected abstract void renamed(String name) throws IOException;

    /** Called before {@code key}'s directory is deleted. */
    protected abstract void removing(String key) throws IOException;

    @Override
    public synchronized Path prepare(String key, Optional<String> parent) {
        Path dir = layout.snapshot(key);
        if (Files.exists(dir)) {
            throw new Conflict("snapshot " + key + " already exists");
        }
        parent.ifPresent(p -> {
            if (!isCommitted(p)) {
                throw new InvalidArgument("parent snapshot " + p + " is not committed");
            }
        });
        try {
            Files.createDirectory(dir);
            try {
                if (parent.isPresent()) {
                    Files.writeString(dir.resolve(PARENT), parent.get());
                }
                Files.createDirectory(dir.resolve("merged"));
                populate(key, dir, parent);
            } catch (IOException | RuntimeException e) {
                FileTrees.delete(dir);
                throw e;
            }
            return diffDir(key);
        } catch (IOException e) {
            throw new UncheckedIOException("preparing snapshot " + key, e);
        }
    }

    @Override
    public synchronized void commit(String name, String key) {
        Path dir = existing(key);
        if (isCommitted(key)) {
            throw new InvalidArgument("snapshot " + key + " is already committed");
        }
        Path target = layout.snapshot(name);
        if (Files.exists(target)) {
            throw new Conflict("snapshot " + name + " already exists");
        }
        unmount(key);
        try {
            Files.createFile(dir.resolve(COMMITTED));
            Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
            renamed(name);
        } catch (IOException e) {
            throw new UncheckedIOException("committing snapshot " + key + " as " + name, e);
        }
    }

    @Override
    public synchronized void reparent(String key, Optional<String> parent) {
        Path dir = existing(key);
        if (isCommitted(key)) {
            throw new InvalidArgument("snapshot " + key + " is already committed");
        }
        parent.ifPresent(p -> {
            if (!isCommitted(p)) {
                throw new InvalidArgument("parent snapshot " + p + " is not committed");
            }
        });
        try {
            if (parent.isPresent()) {
                Files.writeString(dir.resolve(PARENT), parent.get());
            } else {
                Files.deleteIfExists(dir.resolve(PARENT));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("setting the parent of snapshot " + key, e);
        }
    }

    @Override
    public synchronized void remove(String key) {
        Path dir = existing(key);
        // Only a committed snapshot can be a parent: an active one (a container's) is removed without reading the
        // parent file of every other snapshot, 12 ms among a thousand containers, under the lock creates need.
        List<String> children = isCommitted(key) ? children(key) : List.of();
        if (!children.isEmpty()) {
            throw new Conflict("cannot remove snapshot " + key + ": it is the parent of " + String.join(", ", children));
        }
        unmount(key);
        try {
            removing(key);
            FileTrees.delete(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("removing snapshot " + key, e);
        }
    }

    @Override
    public synchronized Path mount(String key) {
        existing(key);
        if (isCommitted(key)) {
            throw new InvalidArgument("snapshot " + key + " is committed; only active snapshots are mounted");
        }
        Path merged = layout.snapshotMerged(key);
        if (!MountTable.isMountPoint(merged)) {
            mountRoot(key, merged);
        }
        return merged;
    }

    /** Mounts the root file system of active snapshot {@code key} on {@code merged}. */
    protected abstract void mountRoot(String key, Path merged);

    /**
     * Not synchronized: unmounting an overlay syncs the file system under it, tens of milliseconds while the disk is
     * busy, and the prepare of the next container must not wait for that. A key is mounted and unmounted by its
     * container's start and end, which never overlap.
     */
    @Override
    public void unmount(String key) {
        Path merged = layout.snapshotMerged(key);
        if (MountTable.isMountPoint(merged)) {
            Mounts.unmount(merged, 0);
        }
    }

    @Override
    public Path diffDir(String key) {
        return layout.snapshotDiff(key);
    }

    @Override
    public boolean exists(String key) {
        return Files.isDirectory(layout.snapshot(key));
    }

    @Override
    public boolean isCommitted(String key) {
        return Files.exists(layout.snapshot(key).resolve(COMMITTED));
    }

    @Override
    public Optional<String> parent(String key) {
        Path file = existing(key).resolve(PARENT);
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized List<String> children(String key) {
        List<String> children = new ArrayList<>();
        try (var dirs = Files.list(layout.snapshots())) {
            for (Path dir : dirs.toList()) {
                Path parentFile = dir.resolve(PARENT);
                if (Files.isRegularFile(parentFile) && Files.readString(parentFile).equals(key)) {
                    children.add(layout.snapshotKey(dir));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return children;
    }

    /** The chain from {@code key} down to its base layer, {@code key} first. */
    protected List<String> ancestry(String key) {
        List<String> chain = new ArrayList<>();
        for (Optional<String> at = Optional.of(key); at.isPresent(); at = parent(at.get())) {
            chain.add(at.get());
        }
        return chain;
    }

    protected Path existing(String key) {
        Path dir = layout.snapshot(key);
        if (!Files.isDirectory(dir)) {
            throw new NotFound("snapshot " + key + " not found");
        }
        return dir;
    }
}
