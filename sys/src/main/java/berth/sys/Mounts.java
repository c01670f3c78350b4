package berth.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/** mount(2) and umount2(2): how snapshots become root filesystems without forking {@code mount}. */
public final class Mounts {
    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_REMOUNT = 32;
    public static final long MS_BIND = 4096;
    public static final long MS_REC = 16384;
    public static final long MS_PRIVATE = 1 << 18;
    public static final int MNT_DETACH = 2;
    public static final int EINVAL = 22;
    public static final int ENOENT = 2;

    private static final MethodHandle MOUNT = Libc.function("mount", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
    private static final MethodHandle UMOUNT2 = Libc.function("umount2", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private Mounts() {}

    /** Mounts {@code source} of {@code type} on {@code target}; {@code data} is the option string, or null. */
    public static void mount(String source, Path target, String type, long flags, String data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            MemorySegment typeArg = type == null ? MemorySegment.NULL : arena.allocateFrom(type);
            MemorySegment dataArg = data == null ? MemorySegment.NULL : arena.allocateFrom(data);
            int rc = (int) MOUNT.invokeExact(errno, arena.allocateFrom(source), arena.allocateFrom(target.toString()),
                    typeArg, flags, dataArg);
            if (rc != 0) {
                throw Libc.failure("mount " + type + " on " + target, errno);
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Unmounts {@code target}; a target that is not mounted is not an error. */
    public static void unmount(Path target, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            int rc = (int) UMOUNT2.invokeExact(errno, arena.allocateFrom(target.toString()), flags);
            if (rc != 0) {
                int code = Libc.errno(errno);
                if (code != EINVAL && code != ENOENT) {
                    throw Libc.failure("umount " + target, errno);
                }
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
