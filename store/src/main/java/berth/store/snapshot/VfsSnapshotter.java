package berth.store.snapshot;

import berth.store.FileTrees;
import berth.store.Layout;
import berth.store.layer.WhiteoutMode;
import berth.sys.Mounts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Snapshots as full copies: each snapshot's {@code diff/} is a whole root file system, copied from its parent
 * with owners, modes, times, hardlinks, device nodes and xattrs kept. Slow and large, but it works on any file
 * system, where overlayfs cannot (overlay on overlay, some network file systems). Mounting is a bind mount.
 */
public final class VfsSnapshotter extends DirectorySnapshotter {

    public VfsSnapshotter(Layout layout) {
        super(layout);
    }

    @Override
    public WhiteoutMode whiteoutMode() {
        return WhiteoutMode.VFS;
    }

    @Override
    protected void populate(String key, Path dir, Optional<String> parent) throws IOException {
        if (parent.isPresent()) {
            FileTrees.copy(diffDir(parent.get()), dir.resolve("diff"));
        } else {
            Files.createDirectory(dir.resolve("diff"));
        }
    }

    @Override
    protected void renamed(String name) {
        // nothing names the directory but its own path
    }

    @Override
    protected void removing(String key) {
        // the directory is all there is
    }

    @Override
    protected void mountRoot(String key, Path merged) {
        Mounts.mount(diffDir(key).toString(), merged, null, Mounts.MS_BIND, null);
    }
}
