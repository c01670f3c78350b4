package berth.engine.files;

import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;
import berth.store.layer.EntryPath;
import berth.sys.FileNodes;
import berth.sys.Fds;
import berth.sys.ScopedFiles;
import berth.sys.SysException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A directory tree Berth reads and writes on behalf of a user but does not trust: a container's root file system,
 * which the container may change while Berth works in it. Paths given by the user are opened by the kernel inside
 * the root ({@code openat2(RESOLVE_IN_ROOT)}); from there every step goes through descriptors of directories
 * already open, and a last element is only ever used by calls that do not follow it. So neither {@code ..}, nor a
 * symlink to {@code /}, nor a directory swapped for a symlink in the middle of a copy, reaches outside the root.
 */
public final class ScopedTree implements AutoCloseable {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final String UNIX_ATTRIBUTES = "unix:mode,uid,gid,ino,dev,rdev,size,lastModifiedTime,lastAccessTime";
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    private final int rootFd;
    private final String description;

    private ScopedTree(int rootFd, String description) {
        this.rootFd = rootFd;
        this.description = description;
    }

    /** Opens the tree whose root is {@code root}; {@code description} names it in errors ("container abc"). */
    public static ScopedTree open(Path root, String description) {
        return new ScopedTree(Fds.open(root, Fds.O_PATH | Fds.O_DIRECTORY | Fds.O_CLOEXEC, 0), description);
    }

    @Override
    public void close() {
        Fds.close(rootFd);
    }

    /** An entry found by a user's path: the directory holding it (open) and its name there, or the directory itself. */
    private record Found(int dirFd, String name) implements AutoCloseable {
        Path path() {
            return name == null ? ScopedFiles.fdPath(dirFd) : ScopedFiles.fdPath(dirFd).resolve(name);
        }

        Map<String, Object> attributes() throws IOException {
            // the directory itself is reached through its magic link, which must be followed
            return name == null ? Files.readAttributes(path(), UNIX_ATTRIBUTES)
                    : Files.readAttributes(path(), UNIX_ATTRIBUTES, NOFOLLOW);
        }

        @Override
        public void close() {
            Fds.close(dirFd);
        }
    }

    /** Finds {@code absolutePath} as docker's {@code ResolvePath}: the directory resolved in the root, the last element not followed. */
    private Found find(String absolutePath) {
        ScopedPath.Split split = ScopedPath.split(absolutePath);
        int dirFd = openDirectory(split.dir(), absolutePath);
        if (split.isDirectoryItself()) {
            return new Found(dirFd, null);
        }
        Found found = new Found(dirFd, split.base());
        try {
            found.attributes();
            return found;
        } catch (NoSuchFileException e) {
            found.close();
            throw notFound(absolutePath);
        } catch (IOException e) {
            found.close();
            throw new UncheckedIOException(e);
        }
    }

    private int openDirectory(String dir, String userPath) {
        try {
            return ScopedFiles.openInRoot(rootFd, dir.substring(1), Fds.O_PATH | Fds.O_DIRECTORY);
        } catch (SysException e) {
            if (e.errno() == ScopedFiles.ENOENT || e.errno() == ScopedFiles.ENOTDIR) {
                throw notFound(userPath);
            }
            if (e.errno() == ScopedFiles.EXDEV || e.errno() == ScopedFiles.ELOOP) {
                throw new InvalidArgument("path " + userPath + " cannot be resolved inside " + description);
            }
            throw e;
        }
    }

    private NotFound notFound(String path) {
        return new NotFound("Could not find the file " + path + " in " + description);
    }

    // --- stat ----------------------------------------------------------------------------------------------

    /** The stat docker's {@code HEAD /archive} answers; a symlink's target is resolved inside the root. */
    public PathStat stat(String absolutePath) {
        try (Found found = find(absolutePath)) {
            Map<String, Object> a = found.attributes();
            int mode = (Integer) a.get("mode");
            String linkTarget = "";
            if ((mode & 0170000) == 0120000) {
                linkTarget = ScopedPath.resolve(ScopedPath.clean(absolutePath), this::readlink);
            }
            return new PathStat(ScopedPath.baseName(absolutePath), (Long) a.get("size"), PathStat.goMode(mode),
                    ((FileTime) a.get("lastModifiedTime")).toInstant().toString(), linkTarget);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The target of the symlink at resolved container path {@code path}, or empty. */
    private Optional<String> readlink(String path) {
        ScopedPath.Split split = ScopedPath.split(path);
        int dirFd;
        try {
            dirFd = ScopedFiles.openInRoot(rootFd, split.dir().substring(1), Fds.O_PATH | Fds.O_DIRECTORY);
        } catch (SysException e) {
            return Optional.empty();
        }
        try {
            Path entry = ScopedFiles.fdPath(dirFd).resolve(split.base());
            return Files.isSymbolicLink(entry) ? Optional.of(Files.readSymbolicLink(entry).toString()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } finally {
            Fds.close(dirFd);
        }
    }

    // --- reading -------------------------------------------------------------------------------------------

    /**
     * Writes {@code absolutePath} as docker's {@code GET /archive} does: one tar whose top entry is the path's base
     * name (its contents under it for a directory; entries named {@code ./…} for a path ending in {@code /.}).
     */
    public void archive(String absolutePath, OutputStream out) {
        String top = ScopedPath.baseName(absolutePath);
        String prefix = top.equals("/") || top.equals(".") ? "." : top;
        try (Found found = find(absolutePath)) {
            TarArchiveOutputStream tar = tarOutput(out);
            new Archiver(tar, false).add(found, prefix);
            tar.finish();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the whole tree, entries named from the root ({@code bin/}, {@code etc/passwd}): {@code export}. */
    public void archiveAll(OutputStream out) {
        writeTree(out, false);
    }

    /**
     * Writes the tree as a layer: an overlay upper directory's whiteouts (0:0 character devices) become
     * {@code .wh.NAME} entries and its opaque directories get a {@code .wh..wh..opq} entry.
     */
    public void archiveOverlayLayer(OutputStream out) {
        writeTree(out, true);
    }

    private void writeTree(OutputStream out, boolean overlayWhiteouts) {
        try (Found root = new Found(Fds.dupAbove(rootFd, 3), null)) {
            TarArchiveOutputStream tar = tarOutput(out);
            new Archiver(tar, overlayWhiteouts).children(root.dirFd(), "");
            tar.finish();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the single entries of a change set (no recursion: the set names every path): each path that exists
     * as itself, each deleted one as a whiteout. Paths are resolved container paths.
     */
    public void archiveChanges(List<String> present, List<String> deleted, OutputStream out) {
        try {
            TarArchiveOutputStream tar = tarOutput(out);
            Archiver archiver = new Archiver(tar, false);
            for (String path : present) {
                try (Found found = find(path)) {
                    archiver.single(found, path.substring(1));
                }
            }
            for (String path : deleted) {
                ScopedPath.Split split = ScopedPath.split(path);
                TarArchiveEntry whiteout = new TarArchiveEntry(split.dir().substring(1) + WHITEOUT + split.base());
                whiteout.setMode(0600);
                tar.putArchiveEntry(whiteout);
                tar.closeArchiveEntry();
            }
            tar.finish();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TarArchiveOutputStream tarOutput(OutputStream out) {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        return tar;
    }

    /** One archive being written: hardlinks seen so far (by device and inode) become link entries. */
    private final class Archiver {
        private final TarArchiveOutputStream tar;
        private final boolean overlayWhiteouts;
        private final Map<String, String> firstNameOfInode = new HashMap<>();
        private final byte[] buffer = new byte[64 * 1024];

        Archiver(TarArchiveOutputStream tar, boolean overlayWhiteouts) {
            this.tar = tar;
            this.overlayWhiteouts = overlayWhiteouts;
        }

        /** Adds an entry and, for a directory, everything below it. */
        void add(Found found, String name) throws IOException {
            int type = entry(found, name);
            if (type == 0040000) {
                if (found.name() == null) {
                    children(found.dirFd(), name + "/");
                } else {
                    int fd;
                    try {
                        fd = openChildDirectory(found.dirFd(), found.name());
                    } catch (SysException e) {
                        if (e.errno() == ScopedFiles.ENOENT || e.errno() == ScopedFiles.ENOTDIR
                                || e.errno() == ScopedFiles.ELOOP) {
                            return; // removed or swapped while the copy ran: its entry stands alone
                        }
                        throw e;
                    }
                    try {
                        children(fd, name + "/");
                    } finally {
                        Fds.close(fd);
                    }
                }
            }
        }

        void single(Found found, String name) throws IOException {
            entry(found, name);
        }

        void children(int dirFd, String prefix) throws IOException {
            List<String> names;
            try (Stream<Path> list = Files.list(ScopedFiles.fdPath(dirFd))) {
                names = list.map(p -> p.getFileName().toString()).sorted().toList();
            } catch (NoSuchFileException | UncheckedIOException e) {
                return; // a directory that went away while the copy ran (a process's /proc entry)
            }
            for (String child : names) {
                add(new Found(dirFd, child), prefix + child);
            }
        }

        /** Writes one entry; returns its file type bits, or 0 when skipped (a socket, a vanished file). */
        private int entry(Found found, String name) throws IOException {
            Map<String, Object> a;
            try {
                a = found.attributes();
            } catch (NoSuchFileException e) {
                return 0; // removed while the copy ran
            }
            int mode = (Integer) a.get("mode");
            int type = mode & 0170000;
            TarArchiveEntry entry;
            switch (type) {
                case 0040000 -> {
                    entry = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
                    if (overlayWhiteouts && found.name() != null && isOpaque(found)) {
                        writeHeader(entry, a, mode);
                        TarArchiveEntry opaque = new TarArchiveEntry(name + "/" + OPAQUE);
                        opaque.setMode(0600);
                        tar.putArchiveEntry(opaque);
                        tar.closeArchiveEntry();
                        return type;
                    }
                }
                case 0100000 -> {
                    if (overlayWhiteouts && TreeChanges.MOUNT_STUBS.contains("/" + name) && (Long) a.get("size") == 0) {
                        return 0; // a mount point the runtime made, not a change of the container
                    }
                    String inode = a.get("dev") + ":" + a.get("ino");
                    String first = firstNameOfInode.putIfAbsent(inode, name);
                    if (first != null) {
                        entry = new TarArchiveEntry(name, TarConstants.LF_LINK);
                        entry.setLinkName(first);
                        writeHeader(entry, a, mode);
                        return type;
                    }
                    entry = new TarArchiveEntry(name);
                    return writeFile(found, entry, a, mode) ? type : 0;
                }
                case 0120000 -> {
                    entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                    entry.setLinkName(Files.readSymbolicLink(found.path()).toString());
                }
                case 0020000, 0060000 -> {
                    long rdev = (Long) a.get("rdev");
                    if (overlayWhiteouts && type == 0020000 && rdev == 0) {
                        int slash = name.lastIndexOf('/');
                        entry = new TarArchiveEntry(name.substring(0, slash + 1) + WHITEOUT + name.substring(slash + 1));
                        entry.setMode(0600);
                        tar.putArchiveEntry(entry);
                        tar.closeArchiveEntry();
                        return type;
                    }
                    entry = new TarArchiveEntry(name, type == 0020000 ? TarConstants.LF_CHR : TarConstants.LF_BLK);
                    entry.setDevMajor((int) (((rdev >>> 32) & 0xfffff000L) | ((rdev >>> 8) & 0xfffL)));
                    entry.setDevMinor((int) (((rdev >>> 12) & 0xffffff00L) | (rdev & 0xffL)));
                }
                case 0010000 -> entry = new TarArchiveEntry(name, TarConstants.LF_FIFO);
                default -> {
                    return 0; // sockets are not archived, as docker's tar does not
                }
            }
            writeHeader(entry, a, mode);
            return type;
        }

        private boolean isOpaque(Found found) {
            byte[] value = FileNodes.lgetxattr(found.path(), "trusted.overlay.opaque");
            return value != null && value.length == 1 && value[0] == 'y';
        }

        private void writeHeader(TarArchiveEntry entry, Map<String, Object> a, int mode) throws IOException {
            entry.setMode(mode & 07777);
            entry.setUserId((Integer) a.get("uid"));
            entry.setGroupId((Integer) a.get("gid"));
            entry.setModTime((FileTime) a.get("lastModifiedTime"));
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
        }

        // Opened without following and without blocking (a fifo swapped in must not hang the copy), then checked
        // to be a regular file and read through its descriptor; the size is the one seen at open.
        private boolean writeFile(Found found, TarArchiveEntry entry, Map<String, Object> a, int mode) throws IOException {
            int fd;
            try {
                fd = Fds.open(found.path(), Fds.O_RDONLY | ScopedFiles.O_NOFOLLOW | Fds.O_NONBLOCK | Fds.O_CLOEXEC, 0);
            } catch (SysException e) {
                if (e.errno() == ScopedFiles.ENOENT || e.errno() == ScopedFiles.ELOOP) {
                    return false; // removed or swapped for a symlink while the copy ran
                }
                throw e;
            }
            try (FileChannel in = FileChannel.open(ScopedFiles.fdPath(fd), StandardOpenOption.READ)) {
                Map<String, Object> opened = Files.readAttributes(ScopedFiles.fdPath(fd), UNIX_ATTRIBUTES);
                if (((Integer) opened.get("mode") & 0170000) != 0100000) {
                    return false;
                }
                long size = (Long) opened.get("size");
                entry.setSize(size);
                entry.setMode(mode & 07777);
                entry.setUserId((Integer) a.get("uid"));
                entry.setGroupId((Integer) a.get("gid"));
                entry.setModTime((FileTime) opened.get("lastModifiedTime"));
                tar.putArchiveEntry(entry);
                long left = size;
                ByteBuffer bytes = ByteBuffer.wrap(buffer);
                while (left > 0) {
                    bytes.clear().limit((int) Math.min(buffer.length, left));
                    int n = in.read(bytes);
                    if (n < 0) {
                        break;
                    }
                    tar.write(buffer, 0, n);
                    left -= n;
                }
                // a file that shrank while it was read is padded, so the archive stays well formed
                while (left > 0) {
                    int n = (int) Math.min(buffer.length, left);
                    java.util.Arrays.fill(buffer, 0, n, (byte) 0);
                    tar.write(buffer, 0, n);
                    left -= n;
                }
                tar.closeArchiveEntry();
                return true;
            } finally {
                Fds.close(fd);
            }
        }
    }

    private static int openChildDirectory(int dirFd, String name) {
        return Fds.open(ScopedFiles.fdPath(dirFd).resolve(name),
                Fds.O_PATH | Fds.O_DIRECTORY | ScopedFiles.O_NOFOLLOW | Fds.O_CLOEXEC, 0);
    }

    // --- writing -------------------------------------------------------------------------------------------

    /** Who owns what a copy writes: the archive's owners, or one user for everything ({@code cp -a}). */
    public record Owner(int uid, int gid) {}

    /**
     * Extracts {@code tar} into the directory {@code absolutePath}, as docker's {@code PUT /archive}: the path
     * must be an existing directory; entries may not climb out of it; with {@code noOverwriteDirNonDir} a
     * directory is never replaced by a non-directory nor the reverse. Owners are the archive's, or {@code owner}.
     */
    public void extract(String absolutePath, InputStream tar, boolean noOverwriteDirNonDir, Optional<Owner> owner) {
        int destination;
        try (Found found = find(absolutePath)) {
            if (found.name() == null) {
                destination = Fds.dupAbove(found.dirFd(), 3);
            } else {
                try {
                    destination = openChildDirectory(found.dirFd(), found.name());
                } catch (SysException e) {
                    throw new InvalidArgument("extraction point is not a directory");
                }
            }
        }
        try (Extraction extraction = new Extraction(destination, noOverwriteDirNonDir, owner)) {
            extraction.run(new TarArchiveInputStream(tar));
        } catch (IOException e) {
            throw new InvalidArgument("cannot extract the archive: " + e.getMessage(), e);
        }
    }

    /** One extraction: the directories opened so far, by their path below the destination. */
    private final class Extraction implements AutoCloseable {
        private final int destination;
        private final boolean noOverwriteDirNonDir;
        private final Optional<Owner> owner;
        private final Map<String, Integer> openDirectories = new HashMap<>();
        private final List<Object[]> directoryTimes = new ArrayList<>();
        private final byte[] buffer = new byte[64 * 1024];

        Extraction(int destination, boolean noOverwriteDirNonDir, Optional<Owner> owner) {
            this.destination = destination;
            this.noOverwriteDirNonDir = noOverwriteDirNonDir;
            this.owner = owner;
        }

        void run(TarArchiveInputStream in) throws IOException {
            for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                List<String> parts = EntryPath.of(entry.getName()).components();
                if (parts.isEmpty()) {
                    continue; // the destination itself stays as it is
                }
                int parent = directory(parts.subList(0, parts.size() - 1), entry.getName());
                String name = parts.getLast();
                Path file = ScopedFiles.fdPath(parent).resolve(name);
                makeRoom(parent, parts, entry);
                create(in, entry, file);
                applyMetadata(entry, file, parts);
            }
            for (Object[] times : directoryTimes) {
                @SuppressWarnings("unchecked")
                List<String> parts = (List<String>) times[0];
                int parent = directory(parts.subList(0, parts.size() - 1), String.join("/", parts));
                Path dir = ScopedFiles.fdPath(parent).resolve(parts.getLast());
                FileNodes.lutimes(dir, (FileTime) times[1], (FileTime) times[1]);
            }
        }

        /** The open directory below the destination at {@code parts}, made (0755) where missing. */
        private int directory(List<String> parts, String entryName) {
            int fd = destination;
            for (int i = 0; i < parts.size(); i++) {
                String key = String.join("/", parts.subList(0, i + 1));
                Integer open = openDirectories.get(key);
                if (open != null) {
                    fd = open;
                    continue;
                }
                Path child = ScopedFiles.fdPath(fd).resolve(parts.get(i));
                try {
                    if (!Files.exists(child, NOFOLLOW)) {
                        Files.createDirectory(child);
                        ScopedFiles.chmodNoFollow(child, 0755);
                    }
                    fd = openChildDirectory(fd, parts.get(i));
                } catch (IOException | SysException e) {
                    throw new InvalidArgument("cannot extract \"" + entryName + "\": \"" + key
                            + "\" is not a directory of " + description);
                }
                openDirectories.put(key, fd);
            }
            return fd;
        }

        private void makeRoom(int parent, List<String> parts, TarArchiveEntry entry) throws IOException {
            String name = parts.getLast();
            Path file = ScopedFiles.fdPath(parent).resolve(name);
            if (!Files.exists(file, NOFOLLOW)) {
                return;
            }
            boolean existingIsDirectory = Files.isDirectory(file, NOFOLLOW);
            if (existingIsDirectory && entry.isDirectory()) {
                return; // merged into
            }
            if (noOverwriteDirNonDir && existingIsDirectory) {
                throw new InvalidArgument("cannot overwrite directory \"" + entry.getName() + "\" with non-directory");
            }
            if (noOverwriteDirNonDir && entry.isDirectory()) {
                throw new InvalidArgument("cannot overwrite non-directory \"" + entry.getName() + "\" with directory");
            }
            forgetDirectoriesBelow(String.join("/", parts)); // they are about to go
            deleteTree(parent, name);
        }

        private void create(TarArchiveInputStream in, TarArchiveEntry entry, Path file) throws IOException {
            if (entry.isDirectory()) {
                if (!Files.isDirectory(file, NOFOLLOW)) {
                    Files.createDirectory(file);
                }
            } else if (entry.isSymbolicLink()) {
                Files.createSymbolicLink(file, Path.of(entry.getLinkName()));
            } else if (entry.isLink()) {
                List<String> target = EntryPath.of(entry.getLinkName()).components();
                if (target.isEmpty()) {
                    throw new InvalidArgument("invalid hardlink \"" + entry.getName() + "\"");
                }
                int targetParent = directory(target.subList(0, target.size() - 1), entry.getLinkName());
                Files.createLink(file, ScopedFiles.fdPath(targetParent).resolve(target.getLast()));
            } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
                int type = entry.isFIFO() ? FileNodes.S_IFIFO : entry.isBlockDevice() ? FileNodes.S_IFBLK : FileNodes.S_IFCHR;
                FileNodes.mknod(file, type | (entry.getMode() & 0777),
                        FileNodes.makedev(entry.getDevMajor(), entry.getDevMinor()));
            } else if (entry.isFile()) {
                int fd = Fds.open(file, Fds.O_WRONLY | Fds.O_CREAT | ScopedFiles.O_EXCL | ScopedFiles.O_NOFOLLOW
                        | Fds.O_CLOEXEC, 0600);
                try (FileChannel out = FileChannel.open(ScopedFiles.fdPath(fd), StandardOpenOption.WRITE)) {
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
                        while (bytes.hasRemaining()) {
                            out.write(bytes);
                        }
                    }
                } finally {
                    Fds.close(fd);
                }
            } else {
                throw new InvalidArgument("unsupported tar entry type '" + (char) entry.getLinkFlag() + "' for \""
                        + entry.getName() + "\"");
            }
        }

        // chown first (it clears setuid bits), then the mode, then the times; none of them follows a symlink.
        private void applyMetadata(TarArchiveEntry entry, Path file, List<String> parts) throws IOException {
            if (entry.isLink()) {
                return;
            }
            int uid = owner.map(Owner::uid).orElse((int) entry.getLongUserId());
            int gid = owner.map(Owner::gid).orElse((int) entry.getLongGroupId());
            Files.setAttribute(file, "unix:uid", uid, NOFOLLOW);
            Files.setAttribute(file, "unix:gid", gid, NOFOLLOW);
            if (!entry.isSymbolicLink()) {
                ScopedFiles.chmodNoFollow(file, entry.getMode() & 07777);
            }
            FileTime modified = FileTime.from(entry.getModTime().toInstant());
            if (entry.isDirectory()) {
                directoryTimes.add(new Object[] {List.copyOf(parts), modified});
            } else {
                FileNodes.lutimes(file, modified, modified);
            }
        }

        private void forgetDirectoriesBelow(String key) {
            openDirectories.entrySet().removeIf(open -> {
                boolean below = open.getKey().equals(key) || open.getKey().startsWith(key + "/");
                if (below) {
                    Fds.close(open.getValue());
                }
                return below;
            });
        }

        private void closeOpenDirectories() {
            openDirectories.values().forEach(Fds::close);
            openDirectories.clear();
        }

        @Override
        public void close() {
            closeOpenDirectories();
            Fds.close(destination);
        }
    }

    /** Deletes {@code name} under the open directory {@code parentFd}, descending only through descriptors. */
    private static void deleteTree(int parentFd, String name) throws IOException {
        Path entry = ScopedFiles.fdPath(parentFd).resolve(name);
        if (Files.isDirectory(entry, NOFOLLOW)) {
            int fd = openChildDirectory(parentFd, name);
            try {
                List<String> children;
                try (Stream<Path> list = Files.list(ScopedFiles.fdPath(fd))) {
                    children = list.map(p -> p.getFileName().toString()).toList();
                }
                for (String child : children) {
                    deleteTree(fd, child);
                }
            } finally {
                Fds.close(fd);
            }
        }
        Files.deleteIfExists(entry);
    }
}
