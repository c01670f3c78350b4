package berth.store;

import berth.sys.FileNodes;
import berth.sys.SysException;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whole directory trees, never following a symlink: deleting one, and copying one as a root file system must
 * be copied (owners, modes with setuid and sticky bits, times, hardlinks, device nodes, fifos and xattrs).
 */
public final class FileTrees {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private FileTrees() {}

    public static void delete(Path top) throws IOException {
        if (!Files.exists(top, NOFOLLOW)) {
            return;
        }
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Copies the tree {@code from} to {@code to}, which must not exist. */
    public static void copy(Path from, Path to) throws IOException {
        copy(from, to, false);
    }

    /**
     * Copies what directory {@code from} holds into the existing directory {@code to}, and gives {@code to} the
     * owner, mode and times of {@code from}: how a volume takes the content of the image directory it covers.
     */
    public static void copyContents(Path from, Path to) throws IOException {
        copy(from, to, true);
    }

    private static void copy(Path from, Path to, boolean intoExisting) throws IOException {
        Map<Object, Path> copiedInodes = new HashMap<>();
        List<Path[]> directories = new ArrayList<>();
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                Path target = to.resolve(from.relativize(dir).toString());
                if (!intoExisting || !dir.equals(from)) {
                    Files.createDirectory(target);
                }
                directories.add(new Path[] {dir, target});
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Path target = to.resolve(from.relativize(file).toString());
                Path firstCopy = attributes.fileKey() == null ? null : copiedInodes.get(attributes.fileKey());
                if (firstCopy != null) {
                    Files.createLink(target, firstCopy);
                    return FileVisitResult.CONTINUE;
                }
                copyNode(file, target, attributes);
                copyMetadata(file, target, attributes);
                if (!attributes.isDirectory() && (Integer) Files.getAttribute(file, "unix:nlink", NOFOLLOW) > 1) {
                    copiedInodes.put(attributes.fileKey(), target);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        // Directory times last, once nothing more is written into them.
        for (Path[] dir : directories) {
            copyMetadata(dir[0], dir[1], Files.readAttributes(dir[0], BasicFileAttributes.class, NOFOLLOW));
        }
    }

    private static void copyNode(Path file, Path target, BasicFileAttributes attributes) throws IOException {
        if (attributes.isSymbolicLink()) {
            Files.createSymbolicLink(target, Files.readSymbolicLink(file));
        } else if (attributes.isRegularFile()) {
            Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, NOFOLLOW);
        } else {
            int mode = (Integer) Files.getAttribute(file, "unix:mode", NOFOLLOW);
            if ((mode & S_IFMT) != S_IFSOCK) { // sockets belong to a process that is gone
                FileNodes.mknod(target, mode, (Long) Files.getAttribute(file, "unix:rdev", NOFOLLOW));
            }
        }
    }

    // Owner first: chown clears setuid bits and capabilities, which the mode and xattrs then restore.
    private static void copyMetadata(Path file, Path target, BasicFileAttributes attributes) throws IOException {
        if (!Files.exists(target, NOFOLLOW)) {
            return;
        }
        Files.setAttribute(target, "unix:uid", Files.getAttribute(file, "unix:uid", NOFOLLOW), NOFOLLOW);
        Files.setAttribute(target, "unix:gid", Files.getAttribute(file, "unix:gid", NOFOLLOW), NOFOLLOW);
        if (!attributes.isSymbolicLink()) {
            Files.setAttribute(target, "unix:mode", (Integer) Files.getAttribute(file, "unix:mode", NOFOLLOW) & 07777);
        }
        for (String name : FileNodes.llistxattr(file)) {
            byte[] value = FileNodes.lgetxattr(file, name);
            if (value != null) {
                try {
                    FileNodes.lsetxattr(target, name, value);
                } catch (SysException e) {
                    if (e.errno() != FileNodes.ENOTSUP) {
                        throw e;
                    }
                }
            }
        }
        FileNodes.lutimes(target, attributes.lastAccessTime(), attributes.lastModifiedTime());
    }
}
