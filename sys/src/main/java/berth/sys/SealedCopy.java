package berth.sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A copy of an executable in a memfd sealed against every change, run through its {@code /proc} path.
 *
 * <p>crun and runc defend against CVE-2019-5736 (a container overwriting the host's runtime through
 * {@code /proc/self/exe}) by re-executing themselves from a fresh read-only copy at every start, unless they already
 * run from a memfd that carries exactly the seals {@code F_SEAL_SEAL|SHRINK|GROW|WRITE}. That re-execution costs
 * every call an extra {@code execve}, a bind mount and a detached unmount; a sealed copy made once gives the same
 * protection (nothing can write it, not even its owner) without them.
 */
public final class SealedCopy {
    private static final MethodHandle MEMFD_CREATE = Libc.function("memfd_create",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle FCNTL = Libc.function("fcntl", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final int MFD_CLOEXEC = 1;
    private static final int MFD_ALLOW_SEALING = 2;
    private static final int F_ADD_SEALS = 1033;
    static final int F_GET_SEALS = 1034;
    /** F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE: what the runtimes' check asks for, no more. */
    static final int SEALS = 0x1 | 0x2 | 0x4 | 0x8;

    private SealedCopy() {}

    /**
     * Copies {@code binary} into a new sealed memfd that stays open for the life of this process and returns the
     * path that executes it ({@code /proc/<pid>/fd/<n>}, valid for this process's children too).
     */
    public static Path of(Path binary) {
        byte[] content;
        try {
            content = Files.readAllBytes(binary);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            int fd = (int) MEMFD_CREATE.invokeExact(errno, arena.allocateFrom(binary.getFileName().toString()),
                    MFD_CLOEXEC | MFD_ALLOW_SEALING);
            if (fd < 0) {
                throw Libc.failure("memfd_create", errno);
            }
            try {
                Fds.write(fd, content);
                if ((int) FCNTL.invokeExact(errno, fd, F_ADD_SEALS, SEALS) < 0) {
                    throw Libc.failure("fcntl F_ADD_SEALS", errno);
                }
            } catch (RuntimeException e) {
                Fds.close(fd);
                throw e;
            }
            return Path.of("/proc", Long.toString(ProcessHandle.current().pid()), "fd", Integer.toString(fd));
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The seals on the file open at {@code fd}, as {@code fcntl(F_GET_SEALS)} reports them. */
    static int seals(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            int seals = (int) FCNTL.invokeExact(errno, fd, F_GET_SEALS, 0);
            if (seals < 0) {
                throw Libc.failure("fcntl F_GET_SEALS", errno);
            }
            return seals;
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
