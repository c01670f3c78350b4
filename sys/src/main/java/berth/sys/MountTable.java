package berth.sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * This process's view of the mount table: the kernel's word on whether a directory is a mount point, so that
 * mounting twice or unmounting what is not mounted can be avoided, and the propagation of the mount holding a path
 * ({@code /proc/self/mountinfo}).
 */
public final class MountTable {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    private static final MethodHandle STATX = Libc.function("statx", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS));
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int STATX_SIZE = 256;
    private static final long STX_ATTRIBUTES = 8;
    private static final long STX_ATTRIBUTES_MASK = 56;
    private static final long STATX_ATTR_MOUNT_ROOT = 0x2000;
    private static final int ENOENT = 2;
    private static final int ENOTDIR = 20;

    private MountTable() {}

    /**
     * Whether {@code dir} is the mount point of some mount: statx(2)'s {@code STATX_ATTR_MOUNT_ROOT}, one call
     * whatever the number of mounts (the mount table of a daemon with a thousand containers is thousands of lines).
     */
    public static boolean isMountPoint(Path dir) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            MemorySegment stat = arena.allocate(STATX_SIZE);
            int rc = (int) STATX.invokeExact(errno, AT_FDCWD, arena.allocateFrom(dir.toAbsolutePath().toString()),
                    AT_SYMLINK_NOFOLLOW, 0, stat);
            if (rc < 0) {
                if (Libc.errno(errno) == ENOENT || Libc.errno(errno) == ENOTDIR) {
                    return false;
                }
                throw Libc.failure("statx " + dir, errno);
            }
            long known = stat.get(ValueLayout.JAVA_LONG, STX_ATTRIBUTES_MASK);
            if ((known & STATX_ATTR_MOUNT_ROOT) == 0) {
                throw new SysException("statx " + dir + ": the kernel does not report mount roots", 0);
            }
            return (stat.get(ValueLayout.JAVA_LONG, STX_ATTRIBUTES) & STATX_ATTR_MOUNT_ROOT) != 0;
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * The propagation tags ({@code shared:N}, {@code master:N}) of the mount that holds {@code path} (absolute,
     * with no symlinks): empty for a private mount. The last matching line wins, as the kernel stacks mounts.
     */
    public static List<String> propagationOf(Path path) {
        String wanted = path.toAbsolutePath().normalize().toString();
        String best = null;
        List<String> tags = List.of();
        try {
            for (String line : Files.readAllLines(MOUNTINFO)) {
                String[] fields = line.split(" ");
                if (fields.length < 7) {
                    continue;
                }
                String mountPoint = unescape(fields[4]);
                boolean holds = wanted.equals(mountPoint) || mountPoint.equals("/")
                        || wanted.startsWith(mountPoint + "/");
                if (holds && (best == null || mountPoint.length() >= best.length())) {
                    best = mountPoint;
                    List<String> optional = new ArrayList<>();
                    for (int i = 6; i < fields.length && !fields[i].equals("-"); i++) {
                        optional.add(fields[i]);
                    }
                    tags = optional;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tags;
    }

    private static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
