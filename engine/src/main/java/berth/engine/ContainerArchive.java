package berth.engine;

import berth.engine.container.ContainerDoc;
import berth.engine.container.LiveContainer;
import berth.engine.files.PathStat;
import berth.engine.files.ScopedPath;
import berth.engine.files.ScopedTree;
import berth.oci.errors.InvalidArgument;
import berth.runtime.spec.UserResolver;
import berth.store.snapshot.Snapshotter;
import berth.sys.MountTable;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The files of a container as the archive endpoints see them: stat, copy out, copy in ({@code docker cp}) and
 * {@code export}. A running container is reached through its own root ({@code /proc/PID/root}), so its mounts
 * are seen as it sees them; a stopped one through its snapshot, mounted for the time of the call with the
 * container held so that it cannot start meanwhile. Every path goes through {@link ScopedTree}.
 */
final class ContainerArchive {
    private final ContainerService containers;
    private final Snapshotter snapshotter;

    ContainerArchive(ContainerService containers, Snapshotter snapshotter) {
        this.containers = containers;
        this.snapshotter = snapshotter;
    }

    PathStat stat(String name, String path) {
        String absolute = ScopedPath.absolute(path);
        return withTree(name, containers.find(name), true, tree -> tree.stat(absolute));
    }

    /** Writes the archive of {@code path} to the stream {@code open} gives once the path's stat is known. */
    void archive(String name, String path, Function<PathStat, OutputStream> open) {
        String absolute = ScopedPath.absolute(path);
        LiveContainer c = containers.find(name);
        withTree(name, c, true, tree -> {
            PathStat stat = tree.stat(absolute);
            tree.archive(absolute, open.apply(stat));
            return null;
        });
        containers.publish(c.doc(), "archive-path", Map.of());
    }

    void extract(String name, String path, InputStream tar, boolean noOverwriteDirNonDir, boolean copyUidGid) {
        String absolute = ScopedPath.absolute(path);
        LiveContainer c = containers.find(name);
        ContainerDoc doc = c.doc();
        if (Boolean.TRUE.equals(doc.hostConfig().readonlyRootfs())) {
            throw new InvalidArgument("container rootfs is marked read-only");
        }
        withTree(name, c, true, tree -> {
            Optional<ScopedTree.Owner> owner = Optional.empty();
            if (copyUidGid) {
                UserResolver.ResolvedUser user = UserResolver.resolve(snapshotter.mount(doc.id()), doc.config().user(),
                        List.of());
                owner = Optional.of(new ScopedTree.Owner((int) user.uid(), (int) user.gid()));
            }
            tree.extract(absolute, tar, noOverwriteDirNonDir, owner);
            return null;
        });
        containers.publish(c.doc(), "extract-to-dir", Map.of());
    }

    /** {@code docker export}: the container's own file system (its snapshot, without the mounts of a run). */
    void export(String name, OutputStream out) {
        LiveContainer c = containers.find(name);
        withTree(name, c, false, tree -> {
            tree.archiveAll(out);
            return null;
        });
        containers.publish(c.doc(), "export", Map.of());
    }

    /**
     * Runs {@code action} on the container's tree. {@code containerView}: a running container's root as its
     * processes see it; otherwise the snapshot's merged directory.
     */
    private <T> T withTree(String name, LiveContainer c, boolean containerView, Function<ScopedTree, T> action) {
        ScopedTree tree;
        synchronized (c) {
            ContainerDoc doc = c.doc();
            String description = "container " + name;
            if (doc.state().hasProcess() && doc.state().pid() > 0 && containerView) {
                tree = ScopedTree.open(Path.of("/proc/" + doc.state().pid() + "/root"), description);
            } else if (doc.state().hasProcess()) {
                tree = ScopedTree.open(snapshotter.mount(doc.id()), description);
            } else {
                // Stopped: mount for this call only, holding the container so that no start comes between.
                boolean mounted = MountTable.isMountPoint(Path.of(doc.rootfs()));
                Path root = snapshotter.mount(doc.id());
                try (ScopedTree stopped = ScopedTree.open(root, description)) {
                    return action.apply(stopped);
                } finally {
                    if (!mounted) {
                        snapshotter.unmount(doc.id());
                    }
                }
            }
        }
        try (tree) {
            return action.apply(tree);
        }
    }
}
