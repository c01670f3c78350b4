package berth.store.layer;

import berth.oci.errors.InvalidArgument;
import berth.store.FileTrees;
import berth.sys.FileNodes;
import berth.sys.SysException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One run of {@link LayerUnpacker} over one tar: the entries written so far, the parents already checked, and
 * the directory times to set once nothing more will be written into them. Paths are always built from the
 * root by plain directory components, each checked not to be a symlink, so nothing is written through one.
 */
final class LayerExtraction {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final String XATTR_PREFIX = "SCHILY.xattr.";
    // A layer must not steer overlayfs (redirects, metacopy): only this code sets trusted.overlay.* attributes.
    private static final String OVERLAY_XATTRS = "trusted.overlay.";
    private static final int EPERM = 1;
    private static final int EEXIST = 17;

    private record DirectoryTimes(Path dir, FileTime modified, FileTime accessed) {}

    private final Path root;
    private final WhiteoutMode mode;
    private final TarInput tar;
    private final Set<EntryPath> unpacked = new HashSet<>();
    private final Set<EntryPath> checkedDirectories = new HashSet<>();
    private final List<DirectoryTimes> directoryTimes = new ArrayList<>();
    private final byte[] buffer = new byte[64 * 1024];
    private long contentSize;

    LayerExtraction(Path root, WhiteoutMode mode, TarInput tar) {
        this.root = root;
        this.mode = mode;
        this.tar = tar;
    }

    /** Unpacks every entry; returns the bytes of file content written. */
    long run() throws IOException {
        for (TarArchiveEntry entry = tar.next(); entry != null; entry = tar.next()) {
            EntryPath path = EntryPath.of(entry.getName());
            if (path.isRoot()) {
                continue; // docker leaves the root's own entry alone
            }
            if (path.base().startsWith(WHITEOUT)) {
                whiteout(entry, path);
                continue;
            }
            createParents(entry, path);
            Path file = resolve(path);
            place(entry, file);
            applyMetadata(entry, file);
            unpacked.add(path);
        }
        for (DirectoryTimes times : directoryTimes) {
            FileNodes.lutimes(times.dir(), times.accessed(), times.modified());
        }
        return contentSize;
    }

    // Created first, replacing what is there only when that fails: most entries are new, and looking first cost
    // a stat and an exception each.
    private void place(TarArchiveEntry entry, Path file) throws IOException {
        try {
            create(entry, file);
        } catch (FileAlreadyExistsException e) {
            removeExisting(file, entry.isDirectory());
            if (!entry.isDirectory() || !Files.isDirectory(file, NOFOLLOW)) {
                create(entry, file);
            }
        }
    }

    private void create(TarArchiveEntry entry, Path file) throws IOException {
        if (entry.isDirectory()) {
            Files.createDirectory(file);
        } else if (entry.isSymbolicLink()) {
            Files.createSymbolicLink(file, Path.of(entry.getLinkName()));
        } else if (entry.isLink()) {
            Files.createLink(file, hardlinkTarget(entry));
        } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
            int type = entry.isFIFO() ? FileNodes.S_IFIFO : entry.isBlockDevice() ? FileNodes.S_IFBLK : FileNodes.S_IFCHR;
            try {
                FileNodes.mknod(file, type | (entry.getMode() & 07777),
                        FileNodes.makedev(entry.getDevMajor(), entry.getDevMinor()));
            } catch (SysException e) {
                if (e.errno() == EEXIST) {
                    throw new FileAlreadyExistsException(file.toString());
                }
                throw e;
            }
        } else if (entry.isFile()) {
            writeContent(file);
        } else {
            throw invalid(entry, "unsupported entry type '" + (char) entry.getLinkFlag() + "'");
        }
    }

    private void writeContent(Path file) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, NOFOLLOW)) {
            for (int n = tar.read(buffer); n >= 0; n = tar.read(buffer)) {
                ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                contentSize += n;
            }
        }
    }

    private Path hardlinkTarget(TarArchiveEntry entry) throws IOException {
        EntryPath target;
        try {
            target = EntryPath.of(entry.getLinkName());
        } catch (InvalidArgument e) {
            throw invalid(entry, "hardlink target \"" + entry.getLinkName() + "\" escapes the layer root");
        }
        if (target.isRoot() || !parentsAreDirectories(entry, target)) {
            throw invalid(entry, "hardlink target \"" + entry.getLinkName() + "\" is not in the layer");
        }
        Path file = resolve(target);
        Optional<BasicFileAttributes> attributes = attributes(file);
        if (attributes.isEmpty() || attributes.get().isDirectory()) {
            throw invalid(entry, "hardlink target \"" + entry.getLinkName() + "\" is not a file of the layer");
        }
        return file;
    }

    // chown clears setuid bits and file capabilities, so it comes first, then the mode, then the xattrs.
    private void applyMetadata(TarArchiveEntry entry, Path file) throws IOException {
        if (entry.isLink()) {
            return; // the inode is the target's, already set up
        }
        FileNodes.lchown(file, (int) entry.getLongUserId(), (int) entry.getLongGroupId());
        if (!entry.isSymbolicLink()) {
            Files.setAttribute(file, "unix:mode", entry.getMode() & 07777);
        }
        for (Map.Entry<String, String> header : entry.getExtraPaxHeaders().entrySet()) {
            String key = header.getKey();
            if (key.startsWith(XATTR_PREFIX) && !key.startsWith(XATTR_PREFIX + OVERLAY_XATTRS)) {
                setXattr(file, key.substring(XATTR_PREFIX.length()), header.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        FileTime modified = entry.getLastModifiedTime();
        FileTime accessed = entry.getLastAccessTime() == null ? modified : entry.getLastAccessTime();
        if (entry.isDirectory()) {
            directoryTimes.add(new DirectoryTimes(file, modified, accessed));
        } else {
            FileNodes.lutimes(file, accessed, modified);
        }
    }

    // Like docker, a file system without (this kind of) xattrs is not a reason to refuse a layer.
    private static void setXattr(Path file, String name, byte[] value) {
        try {
            FileNodes.lsetxattr(file, name, value);
        } catch (SysException e) {
            if (e.errno() != FileNodes.ENOTSUP && e.errno() != EPERM) {
                throw e;
            }
        }
    }

    private void whiteout(TarArchiveEntry entry, EntryPath path) throws IOException {
        EntryPath dir = path.parent();
        String base = path.base();
        if (mode == WhiteoutMode.OVERLAY) {
            createParents(entry, path);
        } else if (!parentsAreDirectories(entry, path)) {
            return; // nothing below to hide
        }
        if (base.equals(OPAQUE)) {
            if (mode == WhiteoutMode.OVERLAY) {
                FileNodes.lsetxattr(resolve(dir), OVERLAY_XATTRS + "opaque", "y".getBytes(StandardCharsets.US_ASCII));
            } else {
                removeOlderChildren(dir);
            }
            return;
        }
        if (base.startsWith(WHITEOUT + WHITEOUT)) {
            return; // other aufs metadata (.wh..wh.plnk, ...) means nothing here
        }
        String name = base.substring(WHITEOUT.length());
        if (name.isEmpty()) {
            throw invalid(entry, "whiteout without a name");
        }
        Path hidden = resolve(dir.child(name));
        removeExisting(hidden, false);
        if (mode == WhiteoutMode.OVERLAY) {
            FileNodes.mknod(hidden, FileNodes.S_IFCHR, FileNodes.makedev(0, 0));
        }
    }

    private void removeOlderChildren(EntryPath dir) throws IOException {
        Path directory = resolve(dir);
        if (!Files.isDirectory(directory, NOFOLLOW)) {
            return;
        }
        try (var children = Files.list(directory)) {
            for (Path child : children.toList()) {
                if (!unpacked.contains(dir.child(child.getFileName().toString()))) {
                    deleteTree(child);
                }
            }
        }
    }

    /** Creates the missing parents of {@code path}; refuses a parent that is a symlink or not a directory. */
    private void createParents(TarArchiveEntry entry, EntryPath path) throws IOException {
        EntryPath parent = path.parent();
        for (int i = 1; i <= parent.components().size(); i++) {
            EntryPath prefix = new EntryPath(parent.components().subList(0, i));
            if (checkedDirectories.contains(prefix)) {
                continue;
            }
            Path dir = resolve(prefix);
            Optional<BasicFileAttributes> attributes = attributes(dir);
            if (attributes.isEmpty()) {
                Files.createDirectory(dir);
            } else {
                refuseNonDirectory(entry, prefix, attributes.get());
            }
            checkedDirectories.add(prefix);
        }
    }

    /** Whether every parent of {@code path} exists as a directory; refuses a parent that is a symlink. */
    private boolean parentsAreDirectories(TarArchiveEntry entry, EntryPath path) throws IOException {
        EntryPath parent = path.parent();
        for (int i = 1; i <= parent.components().size(); i++) {
            EntryPath prefix = new EntryPath(parent.components().subList(0, i));
            if (checkedDirectories.contains(prefix)) {
                continue;
            }
            Optional<BasicFileAttributes> attributes = attributes(resolve(prefix));
            if (attributes.isEmpty()) {
                return false;
            }
            refuseNonDirectory(entry, prefix, attributes.get());
            checkedDirectories.add(prefix);
        }
        return true;
    }

    private static void refuseNonDirectory(TarArchiveEntry entry, EntryPath prefix, BasicFileAttributes attributes) {
        if (attributes.isSymbolicLink()) {
            throw invalid(entry, "parent \"" + prefix + "\" is a symlink");
        }
        if (!attributes.isDirectory()) {
            throw invalid(entry, "parent \"" + prefix + "\" is not a directory");
        }
    }

    /** Makes room for a new entry; a directory replacing a directory merges into it instead. */
    private void removeExisting(Path file, boolean keepDirectory) throws IOException {
        Optional<BasicFileAttributes> attributes = attributes(file);
        if (attributes.isPresent() && !(keepDirectory && attributes.get().isDirectory())) {
            deleteTree(file);
        }
    }

    // Directories checked earlier may be gone with the tree, so the checks start over.
    private void deleteTree(Path top) throws IOException {
        checkedDirectories.clear();
        FileTrees.delete(top);
    }

    private static Optional<BasicFileAttributes> attributes(Path file) throws IOException {
        try {
            return Optional.of(Files.readAttributes(file, BasicFileAttributes.class, NOFOLLOW));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private Path resolve(EntryPath path) {
        return path.isRoot() ? root : root.resolve(path.toString());
    }

    private static InvalidArgument invalid(TarArchiveEntry entry, String reason) {
        return new InvalidArgument("invalid tar entry \"" + entry.getName() + "\": " + reason);
    }
}
