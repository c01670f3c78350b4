package berth.cli.command;

import berth.cli.DaemonException;
import berth.cli.EngineClient;
import berth.cli.UserException;
import berth.cli.format.HumanUnits;
import berth.cli.format.Json;
import berth.cli.http.HttpConnection.Response;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code berth cp}: files between a container and the host (or a tar stream on stdin/stdout), as the docker CLI
 * does it over the archive endpoints. Where the copy lands follows docker's rules: into an existing directory; as
 * the destination's name when it does not exist (its parent must); a trailing {@code /.} copies a directory's
 * contents; a trailing {@code /} asserts a directory.
 */
public final class CopyCommand extends BerthCommand {
    @Override public String synopsis() {
        return "berth cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH";
    }
    @Override public String description() { return "Copy files/folders between a container and the local filesystem"; }
    @Override public int minArgs() { return 2; }
    @Override public int maxArgs() { return 2; }
    @Override public void args(List<String> a) { args = new ArrayList<>(a); }
    @Override public void define(FlagSet f) {
        f.bool("a", "archive", "Archive mode (copy all uid/gid information)", v -> archive = v);
        f.bool("L", "follow-link", "Always follow symbol link in SRC_PATH", v -> followLink = v);
        f.bool("q", "quiet", "Suppress progress output during copy", v -> quiet = v);
    }
    List<String> args = new ArrayList<>();
    boolean archive;
    boolean followLink;
    boolean quiet;

    /** A side of the copy: a container path, or a local one (container null). */
    record Location(String container, String path) {
        static Location parse(String arg) {
            // As docker: a colon before any slash names a container; a local path with a colon needs ./ in front.
            if (arg.startsWith("/") || arg.startsWith(".") || arg.equals("-")) {
                return new Location(null, arg);
            }
            int colon = arg.indexOf(':');
            if (colon <= 0) {
                return new Location(null, arg);
            }
            return new Location(arg.substring(0, colon), arg.substring(colon + 1));
        }
    }

    @Override
    public Integer call() throws IOException {
        Location src = Location.parse(args.get(0));
        Location dst = Location.parse(args.get(1));
        if (src.container() != null && dst.container() != null) {
            throw new UserException("copying between containers is not supported", 1);
        }
        if (src.container() == null && dst.container() == null) {
            throw new UserException("must specify at least one container source", 1);
        }
        if (src.container() != null) {
            if (src.path().isEmpty()) {
                throw new UserException("filepath cannot be empty", 1);
            }
            return fromContainer(src, dst.path());
        }
        if (dst.path().isEmpty()) {
            throw new UserException("filepath cannot be empty", 1);
        }
        return toContainer(src.path(), dst);
    }

    // --- container → host --------------------------------------------------------------------------------

    private int fromContainer(Location src, String dstPath) throws IOException {
        String srcPath = src.path();
        String rebaseName = null;
        if (followLink) {
            Object stat = stat(src.container(), srcPath);
            if (stat != null && (Json.num(stat, "mode") & PathMode.SYMLINK) != 0) {
                String target = resolveLink(srcPath, Json.str(stat, "linkTarget"));
                String[] rebased = CopyPaths.rebaseName(srcPath, target);
                srcPath = rebased[0];
                rebaseName = rebased[1];
            }
        }
        Response r = engine().stream("GET", "/containers/" + path(src.container()) + "/archive",
                EngineClient.query().add("path", srcPath), null, -1, null);
        Object stat = decodeStat(r.header("X-Docker-Container-Path-Stat"));
        CountingInputStream content = new CountingInputStream(new BufferedInputStream(r.body(), 64 * 1024));
        try (content) {
            if (dstPath.equals("-")) {
                content.transferTo(cli.out);
                cli.out.flush();
                return 0;
            }
            boolean srcIsDir = stat != null && (Json.num(stat, "mode") & PathMode.DIR) != 0;
            // the daemon names the entries of "/" as those of "/.": the root's own name is not a name
            String srcBase = CopyPaths.splitBase(srcPath).equals("/") ? "." : CopyPaths.splitBase(srcPath);
            String fromBase = rebaseName != null ? rebaseName : srcBase;
            LocalDestination dst = LocalDestination.of(dstPath);
            String dstBase = CopyPaths.splitBase(dst.path());
            Path dstDir;
            String oldBase = null;
            String newBase = null;
            if (dst.exists() && dst.isDir()) {
                dstDir = Path.of(dst.path());
                if (rebaseName != null) {
                    oldBase = srcBase;
                    newBase = rebaseName;
                }
            } else if (dst.exists() && srcIsDir) {
                throw new UserException("cannot copy directory", 1);
            } else if (!dst.exists() && !srcIsDir && CopyPaths.assertsDirectory(dst.path())) {
                throw new UserException("no such directory", 1);
            } else {
                dstDir = Path.of(CopyPaths.splitDir(dst.path()));
                oldBase = rebaseName != null ? srcBase : fromBase;
                newBase = dstBase;
            }
            new HostExtraction(dstDir, archive, oldBase, newBase).run(new TarReader(content));
        } finally {
            r.connection().close();
        }
        if (!quiet && cli.isTerminal()) {
            cli.err.println("Successfully copied " + HumanUnits.humanSize(content.count()) + " to " + dstPath);
        }
        return 0;
    }

    // --- host → container --------------------------------------------------------------------------------

    private int toContainer(String srcPath, Location dst) throws IOException {
        String container = dst.container();
        String dstPath = dst.path();
        Object stat = stat(container, dstPath);
        if (stat != null && (Json.num(stat, "mode") & PathMode.SYMLINK) != 0) {
            dstPath = resolveLink(dstPath, Json.str(stat, "linkTarget"));
            stat = stat(container, dstPath);
        }
        if (stat != null && (Json.num(stat, "mode") & (PathMode.DEVICE | PathMode.NAMED_PIPE | PathMode.SOCKET)) != 0) {
            throw new UserException("destination \"" + container + ":" + dst.path()
                    + "\" must be a directory or a regular file", 1);
        }
        boolean dstExists = stat != null;
        boolean dstIsDir = stat != null && (Json.num(stat, "mode") & PathMode.DIR) != 0;
        InputStream content;
        String resolvedDst;
        Thread writer = null;
        if (srcPath.equals("-")) {
            if (!dstIsDir) {
                throw new UserException("destination \"" + container + ":" + dst.path() + "\" must be a directory", 1);
            }
            content = cli.in;
            resolvedDst = dstPath;
        } else {
            Path source = Path.of(srcPath);
            String rebaseName = null;
            if (followLink && Files.isSymbolicLink(source)) {
                Path real = source.toRealPath();
                String[] rebased = CopyPaths.rebaseName(srcPath, real.toString());
                source = Path.of(rebased[0]);
                rebaseName = rebased[1];
            }
            if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
                throw new UserException("lstat " + srcPath + ": no such file or directory", 1);
            }
            boolean srcIsDir = Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS);
            String srcBase = CopyPaths.splitBase(srcPath);
            String topName;
            if (dstExists && dstIsDir) {
                topName = rebaseName != null ? rebaseName : srcBase;
                resolvedDst = dstPath;
            } else if (dstExists && srcIsDir) {
                throw new UserException("cannot copy directory", 1);
            } else if (!dstExists && !srcIsDir && CopyPaths.assertsDirectory(dstPath)) {
                throw new UserException("no such directory", 1);
            } else {
                topName = CopyPaths.splitBase(dstPath);
                resolvedDst = CopyPaths.splitDir(dstPath);
            }
            Path tarSource = source;
            PipedInputStream pipe = new PipedInputStream(1 << 16);
            PipedOutputStream sink = new PipedOutputStream(pipe);
            writer = Thread.ofVirtual().start(() -> {
                try (OutputStream out = sink) {
                    TarWriter.writeResource(tarSource, topName, out);
                } catch (IOException e) {
                    cli.err.println("error archiving " + srcPath + ": " + e.getMessage());
                }
            });
            content = pipe;
        }
        CountingInputStream counted = new CountingInputStream(content);
        Response r = engine().stream("PUT", "/containers/" + path(container) + "/archive",
                EngineClient.query().add("path", resolvedDst).add("noOverwriteDirNonDir", "true")
                        .add("copyUIDGID", archive ? "true" : null), counted, -1, "application/x-tar");
        try {
            r.readAll();
        } finally {
            r.connection().close();
        }
        if (writer != null) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!quiet && cli.isTerminal()) {
            cli.err.println("Successfully copied " + HumanUnits.humanSize(counted.count()) + " to " + container + ":"
                    + dst.path());
        }
        return 0;
    }

    /** The path's stat from {@code HEAD /archive}, or null when it does not exist. */
    private Object stat(String container, String containerPath) {
        try {
            Response r = engine().stream("HEAD", "/containers/" + path(container) + "/archive",
                    EngineClient.query().add("path", containerPath), null, -1, null);
            r.connection().close();
            return decodeStat(r.header("X-Docker-Container-Path-Stat"));
        } catch (DaemonException e) {
            if (e.status() == 404) {
                return null; // a HEAD answer has no body to tell a missing path from a missing container
            }
            throw e;
        }
    }

    private static String resolveLink(String path, String linkTarget) {
        if (linkTarget.startsWith("/")) {
            return linkTarget;
        }
        return CopyPaths.splitDir(path) + "/" + linkTarget;
    }

    private static Object decodeStat(String header) {
        if (header == null || header.isEmpty()) {
            return null;
        }
        return Json.parse(new String(Base64.getDecoder().decode(header), StandardCharsets.UTF_8));
    }

    /** Go's os.FileMode type bits as the stat header carries them. */
    static final class PathMode {
        static final long DIR = 1L << 31;
        static final long SYMLINK = 1L << 27;
        static final long DEVICE = 1L << 26;
        static final long NAMED_PIPE = 1L << 25;
        static final long SOCKET = 1L << 24;

        private PathMode() {}
    }

    /** A local destination as docker's {@code CopyInfoDestinationPath}: symlinks followed, the parent must exist. */
    record LocalDestination(String path, boolean exists, boolean isDir) {
        static LocalDestination of(String path) {
            Path p = Path.of(path);
            try {
                if (Files.exists(p)) {
                    return new LocalDestination(path, true, Files.isDirectory(p));
                }
            } catch (SecurityException e) {
                throw new UserException(e.getMessage(), 1);
            }
            if (Files.isSymbolicLink(p)) {
                // a dangling symlink: the copy goes where it points
                try {
                    Path target = Files.readSymbolicLink(p);
                    return of((target.isAbsolute() ? target : p.resolveSibling(target)).toString());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            Path parent = Path.of(CopyPaths.splitDir(path));
            if (!Files.exists(parent)) {
                throw new UserException("stat " + parent + ": no such file or directory", 1);
            }
            if (!Files.isDirectory(parent)) {
                throw new UserException("not a directory", 1);
            }
            return new LocalDestination(path, false, false);
        }
    }

    /** Counts the bytes that pass, for docker's "Successfully copied 2.05kB" line (on a terminal only, as docker). */
    static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        long count() {
            return count;
        }
    }

    /**
     * Extracts an archive from a container into a local directory: entries renamed from {@code oldBase} to
     * {@code newBase} (docker's RebaseArchiveEntries), nothing written through a symlink or above the directory,
     * a directory never replaced by a file nor the reverse; owners kept only with {@code -a}.
     */
    static final class HostExtraction {
        private final Path dir;
        private final boolean owners;
        private final String oldBase;
        private final String newBase;
        private final List<Object[]> directoryTimes = new ArrayList<>();

        HostExtraction(Path dir, boolean owners, String oldBase, String newBase) {
            this.dir = dir;
            this.owners = owners;
            this.oldBase = oldBase;
            this.newBase = newBase;
        }

        void run(TarReader tar) throws IOException {
            for (TarReader.Entry e = tar.next(); e != null; e = tar.next()) {
                TarReader.Entry entry = oldBase == null ? e
                        : e.withNames(CopyPaths.rebase(e.name(), oldBase, newBase),
                                e.type() == '1' ? CopyPaths.rebase(e.linkName(), oldBase, newBase) : e.linkName());
                List<String> parts = CopyPaths.safeParts(entry.name());
                if (parts.isEmpty()) {
                    continue;
                }
                Path target = dir;
                for (int i = 0; i < parts.size() - 1; i++) {
                    target = target.resolve(parts.get(i));
                    if (Files.isSymbolicLink(target)) {
                        throw new UserException("cannot extract \"" + entry.name() + "\": \"" + target
                                + "\" is a symlink", 1);
                    }
                    if (!Files.exists(target)) {
                        Files.createDirectory(target);
                    }
                }
                target = target.resolve(parts.getLast());
                boolean exists = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
                boolean existingDir = exists && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
                if (exists && !(existingDir && entry.isDirectory())) {
                    if (existingDir) {
                        throw new UserException("cannot overwrite directory \"" + target + "\" with non-directory \""
                                + entry.name() + "\"", 1);
                    }
                    if (entry.isDirectory()) {
                        throw new UserException("cannot overwrite non-directory \"" + target + "\" with directory \""
                                + entry.name() + "\"", 1);
                    }
                    Files.delete(target);
                }
                switch (entry.type()) {
                    case '5' -> {
                        if (!existingDir) {
                            Files.createDirectory(target);
                        }
                    }
                    case '2' -> Files.createSymbolicLink(target, Path.of(entry.linkName()));
                    case '1' -> Files.createLink(target, dir.resolve(String.join("/", CopyPaths.safeParts(entry.linkName()))));
                    case '0', '7' -> {
                        if (entry.isDirectory()) {
                            if (!existingDir) {
                                Files.createDirectory(target);
                            }
                        } else {
                            try (OutputStream out = Files.newOutputStream(target, java.nio.file.StandardOpenOption.CREATE_NEW,
                                    LinkOption.NOFOLLOW_LINKS)) {
                                tar.content().transferTo(out);
                            }
                        }
                    }
                    default -> {
                        continue; // devices and fifos need privileges a copy to the host does not assume
                    }
                }
                if (owners) {
                    Files.setAttribute(target, "unix:uid", entry.uid(), LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(target, "unix:gid", entry.gid(), LinkOption.NOFOLLOW_LINKS);
                }
                if (entry.type() != '2' && entry.type() != '1') {
                    Files.setAttribute(target, "unix:mode", entry.mode() & 07777);
                    FileTime time = FileTime.fromMillis(entry.mtime() * 1000);
                    if (entry.isDirectory()) {
                        directoryTimes.add(new Object[] {target, time});
                    } else {
                        Files.setLastModifiedTime(target, time);
                    }
                }
            }
            for (Object[] t : directoryTimes.reversed()) {
                try {
                    Files.setLastModifiedTime((Path) t[0], (FileTime) t[1]);
                } catch (NoSuchFileException e) {
                    // replaced meanwhile
                }
            }
        }
    }
}
