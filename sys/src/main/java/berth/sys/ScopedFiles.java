package berth.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * File access confined to a directory tree that someone else controls (a container's root file system): paths are
 * resolved by the kernel with {@code openat2(RESOLVE_IN_ROOT)}, so {@code ..} and symlinks, absolute or relative,
 * stay inside the root even if they are swapped while Berth works. Once a directory is open, its descriptor names
 * it through {@code /proc/self/fd/N}, and a last component under it is used only by calls that do not follow it.
 */
public final class ScopedFiles {
    public static final int O_NOFOLLOW = 0x20000;
    public static final int O_EXCL = 0x80;
    public static final int ENOENT = 2;
    public static final int ENOTDIR = 20;
    public static final int EXDEV = 18;
    public static final int ELOOP = 40;
    public static final int EEXIST = 17;
    private static final int ENOSYS = 38;
    private static final long SYS_OPENAT2 = 437;
    private static final long SYS_FCHMODAT2 = 452;
    private static final long RESOLVE_NO_MAGICLINKS = 0x02;
    private static final long RESOLVE_IN_ROOT = 0x10;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;

    private static final MethodHandle SYSCALL4 = Libc.function("syscall", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    private static final MethodHandle SYSCALL4_INTS = Libc.function("syscall", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
            Linker.Option.firstVariadicArg(1));

    private ScopedFiles() {}

    /** The path that names open descriptor {@code fd} (and, below it, its entries). */
    public static Path fdPath(int fd) {
        return Path.of("/proc/self/fd/" + fd);
    }

    /**
     * Opens {@code path} as if {@code rootFd} were {@code /}: {@code ..} stops at the root and every symlink met,
     * absolute or relative, resolves inside it. With {@link #O_NOFOLLOW} in {@code flags} a symlink in the last
     * component is opened itself (with {@code O_PATH}) or refused.
     */
    public static int openInRoot(int rootFd, String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            MemorySegment how = arena.allocate(ValueLayout.JAVA_LONG, 3);
            how.setAtIndex(ValueLayout.JAVA_LONG, 0, flags | Fds.O_CLOEXEC);
            how.setAtIndex(ValueLayout.JAVA_LONG, 1, 0);
            how.setAtIndex(ValueLayout.JAVA_LONG, 2, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
            String relative = path.isEmpty() ? "." : path;
            long fd = (long) SYSCALL4.invokeExact(errno, SYS_OPENAT2, (long) rootFd, arena.allocateFrom(relative), how,
                    how.byteSize());
            if (fd < 0) {
                throw Libc.failure("openat2 " + path, errno);
            }
            return (int) fd;
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Sets the permission bits of {@code path} itself, refusing a symlink in its last component (Linux has no
     * lchmod; {@code fchmodat2} with {@code AT_SYMLINK_NOFOLLOW} is one). On kernels before 6.6 the file is
     * opened without following instead, which is as safe for the regular files and directories a copy makes.
     */
    public static void chmodNoFollow(Path path, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            long rc = (long) SYSCALL4_INTS.invokeExact(errno, SYS_FCHMODAT2, (long) -100, arena.allocateFrom(path.toString()),
                    (long) mode, (long) AT_SYMLINK_NOFOLLOW);
            if (rc == 0) {
                return;
            }
            if (Libc.errno(errno) != ENOSYS) {
                throw Libc.failure("fchmodat2 " + path, errno);
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        try {
            java.nio.file.Files.setAttribute(path, "unix:mode", mode, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (java.io.IOException e) {
            throw new SysException("chmod " + path + ": " + e.getMessage(), 0);
        }
    }
}
