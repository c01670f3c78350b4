package berth.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The file system calls {@code java.nio.file} lacks: mknod(2) for device nodes, fifos and overlay whiteouts,
 * and the {@code l*xattr(2)} family for extended attributes in any namespace ({@code trusted.}, {@code security.};
 * the JDK's view only reaches {@code user.}). None of them follows a symlink in the last component.
 */
public final class FileNodes {
    public static final int S_IFIFO = 0010000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFBLK = 0060000;
    public static final int ENOTSUP = 95;
    private static final int ENODATA = 61;
    private static final int ERANGE = 34;
    private static final int EINVAL = 22;
    private static final int ENOTTY = 25;
    private static final long FS_IOC_GETFLAGS = 0x80086601L;
    private static final long FS_IOC_SETFLAGS = 0x40086602L;
    private static final int FS_TOPDIR_FL = 0x00020000;

    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;

    private static final MethodHandle UTIMENSAT = Libc.function("utimensat", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle MKNOD = Libc.function("mknod", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final MethodHandle LSETXATTR = Libc.function("lsetxattr", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle LGETXATTR = Libc.function("lgetxattr", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle LLISTXATTR = Libc.function("llistxattr", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle LCHOWN = Libc.function("lchown", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle IOCTL = Libc.function("ioctl", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS), Linker.Option.firstVariadicArg(2));

    private FileNodes() {}

    /** The kernel's {@code dev_t} for a major and minor number (glibc's {@code makedev}). */
    public static long makedev(long major, long minor) {
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
                | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }

    /** Creates a device node or fifo; {@code mode} holds the type bits ({@link #S_IFCHR}, …) and permissions. */
    public static void mknod(Path path, int mode, long dev) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            int rc = (int) MKNOD.invokeExact(errno, arena.allocateFrom(path.toString()), mode, dev);
            if (rc != 0) {
                throw Libc.failure("mknod " + path, errno);
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Sets the access and modification times of {@code path} itself. Unlike the JDK's {@code setTimes}, this
     * neither follows a symlink nor opens the file, which would block on a fifo.
     */
    public static void lutimes(Path path, FileTime accessed, FileTime modified) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            MemorySegment times = arena.allocate(ValueLayout.JAVA_LONG, 4);
            int i = 0;
            for (FileTime time : new FileTime[] {accessed, modified}) {
                Instant instant = time.toInstant();
                times.setAtIndex(ValueLayout.JAVA_LONG, i++, instant.getEpochSecond());
                times.setAtIndex(ValueLayout.JAVA_LONG, i++, instant.getNano());
            }
            int rc = (int) UTIMENSAT.invokeExact(errno, AT_FDCWD, arena.allocateFrom(path.toString()), times,
                    AT_SYMLINK_NOFOLLOW);
            if (rc != 0) {
                throw Libc.failure("utimensat " + path, errno);
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Sets the owner and group of {@code path} itself in one call (the JDK's attribute views take two). */
    public static void lchown(Path path, int uid, int gid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            int rc = (int) LCHOWN.invokeExact(errno, arena.allocateFrom(path.toString()), uid, gid);
            if (rc != 0) {
                throw Libc.failure("lchown " + path, errno);
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Sets extended attribute {@code name} on {@code path} itself, never on a symlink's target. */
    public static void lsetxattr(Path path, String name, byte[] value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            MemorySegment data = arena.allocate(Math.max(1, value.length));
            MemorySegment.copy(value, 0, data, ValueLayout.JAVA_BYTE, 0, value.length);
            int rc = (int) LSETXATTR.invokeExact(errno, arena.allocateFrom(path.toString()), arena.allocateFrom(name),
                    data, (long) value.length, 0);
            if (rc != 0) {
                throw Libc.failure("lsetxattr " + name + " on " + path, errno);
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The value of extended attribute {@code name}, or null when {@code path} does not have it. */
    public static byte[] lgetxattr(Path path, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            MemorySegment file = arena.allocateFrom(path.toString());
            MemorySegment key = arena.allocateFrom(name);
            for (long capacity = 256; ; capacity *= 4) {
                MemorySegment buffer = arena.allocate(capacity);
                long n = (long) LGETXATTR.invokeExact(errno, file, key, buffer, capacity);
                if (n >= 0) {
                    return buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
                }
                int code = Libc.errno(errno);
                if (code == ENODATA) {
                    return null;
                }
                if (code != ERANGE) {
                    throw Libc.failure("lgetxattr " + name + " on " + path, errno);
                }
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The names of the extended attributes of {@code path} itself; empty where the file system has none. */
    public static List<String> llistxattr(Path path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            MemorySegment file = arena.allocateFrom(path.toString());
            for (long capacity = 1024; ; capacity *= 4) {
                MemorySegment buffer = arena.allocate(capacity);
                long n = (long) LLISTXATTR.invokeExact(errno, file, buffer, capacity);
                if (n >= 0) {
                    return splitNames(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
                }
                int code = Libc.errno(errno);
                if (code == ENOTSUP) {
                    return List.of();
                }
                if (code != ERANGE) {
                    throw Libc.failure("llistxattr " + path, errno);
                }
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Marks directory {@code dir} as the top of directory hierarchies ({@code chattr +T}, {@code FS_TOPDIR_FL}):
     * ext4 then places each directory made directly in it in a block group of its own choosing, spread over the
     * disk, instead of beside {@code dir}. Returns false where the file system has no such flag.
     */
    public static boolean markTopDirectory(Path dir) {
        int fd = Fds.open(dir, Fds.O_RDONLY | Fds.O_DIRECTORY | Fds.O_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            MemorySegment flags = arena.allocate(ValueLayout.JAVA_INT);
            int rc = (int) IOCTL.invokeExact(errno, fd, FS_IOC_GETFLAGS, flags);
            if (rc == 0) {
                flags.set(ValueLayout.JAVA_INT, 0, flags.get(ValueLayout.JAVA_INT, 0) | FS_TOPDIR_FL);
                rc = (int) IOCTL.invokeExact(errno, fd, FS_IOC_SETFLAGS, flags);
            }
            if (rc == 0) {
                return true;
            }
            int code = Libc.errno(errno);
            if (code == ENOTTY || code == ENOTSUP || code == EINVAL) {
                return false;
            }
            throw Libc.failure("setting FS_TOPDIR_FL on " + dir, errno);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            Fds.close(fd);
        }
    }

    private static List<String> splitNames(byte[] list) {
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < list.length; i++) {
            if (list[i] == 0) {
                if (i > start) {
                    names.add(new String(list, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return names;
    }
}
