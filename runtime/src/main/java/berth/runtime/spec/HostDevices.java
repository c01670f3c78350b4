package berth.runtime.spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The character and block devices under the host's {@code /dev}, which docker gives a {@code --privileged} container.
 * Like runc's {@code HostDevices}, it skips the directories a container gets its own of (pts, shm, mqueue, fd) or that
 * belong to other tools, {@code /dev/console} (the runtime sets up the container's own), symlinks and fifos.
 */
final class HostDevices {
    private static final Set<String> SKIPPED_DIRS = Set.of("pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev");
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;

    /** One device node: its path, {@code c} or {@code b}, numbers, permission bits and owner. */
    record Device(String path, String type, long major, long minor, int fileMode, int uid, int gid) {}

    private HostDevices() {}

    static List<Device> under(Path dev) {
        List<Device> out = new ArrayList<>();
        collect(dev, out);
        return out;
    }

    private static void collect(Path dir, List<Device> out) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    if (!SKIPPED_DIRS.contains(name)) {
                        collect(p, out);
                    }
                } else if (!name.equals("console")) {
                    device(p).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the host's devices in " + dir, e);
        }
    }

    private static Optional<Device> device(Path p) throws IOException {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(p, "unix:mode,uid,gid,rdev", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            return Optional.empty(); // removed while we listed
        }
        int mode = (Integer) a.get("mode");
        String type = switch (mode & S_IFMT) {
            case S_IFCHR -> "c";
            case S_IFBLK -> "b";
            default -> null;
        };
        if (type == null) {
            return Optional.empty();
        }
        long rdev = (Long) a.get("rdev");
        // glibc's gnu_dev_major/gnu_dev_minor: the numbers are split across the low and high halves.
        long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
        long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
        return Optional.of(new Device(p.toString(), type, major, minor, mode & 07777,
                (Integer) a.get("uid"), (Integer) a.get("gid")));
    }
}
