package berth.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Raw file descriptors: open, read, write, poll and close for the descriptors the JDK cannot wrap
 * (pipe ends handed to a child, {@code O_PATH} directory handles, sequenced-packet sockets).
 */
public final class Fds {
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0x40;
    public static final int O_TRUNC = 0x200;
    public static final int O_APPEND = 0x400;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_DIRECTORY = 0x10000;
    public static final int O_CLOEXEC = 0x80000;
    public static final int O_PATH = 0x200000;
    static final int EINTR = 4;
    static final int EAGAIN = 11;

    private static final MethodHandle OPEN = Libc.function("open", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle READ = Libc.function("read", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle WRITE = Libc.function("write", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle CLOSE = Libc.function("close", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT));
    private static final MethodHandle POLL = Libc.function("poll", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle FCNTL = Libc.function("fcntl", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final short POLLIN = 1;

    private Fds() {}

    public static int open(Path path, int flags, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            int fd = (int) OPEN.invokeExact(errno, arena.allocateFrom(path.toString()), flags, mode);
            if (fd < 0) {
                throw Libc.failure("open " + path, errno);
            }
            return fd;
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Reads up to {@code buffer.length} bytes; returns the count, 0 at end of file. Retries on EINTR. */
    public static int read(int fd, byte[] buffer) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            MemorySegment native_ = arena.allocate(buffer.length);
            while (true) {
                long n = (long) READ.invokeExact(errno, fd, native_, (long) buffer.length);
                if (n >= 0) {
                    MemorySegment.copy(native_, ValueLayout.JAVA_BYTE, 0, buffer, 0, (int) n);
                    return (int) n;
                }
                if (Libc.errno(errno) != EINTR) {
                    throw Libc.failure("read", errno);
                }
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Writes all of {@code data}. */
    public static void write(int fd, byte[] data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            MemorySegment native_ = arena.allocateFrom(ValueLayout.JAVA_BYTE, data);
            long off = 0;
            while (off < data.length) {
                long n = (long) WRITE.invokeExact(errno, fd, native_.asSlice(off), data.length - off);
                if (n < 0) {
                    if (Libc.errno(errno) == EINTR) {
                        continue;
                    }
                    throw Libc.failure("write", errno);
                }
                off += n;
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Waits up to {@code timeoutMillis} (negative: forever) until {@code fd} is readable or hung up. */
    public static boolean pollReadable(int fd, int timeoutMillis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            MemorySegment pfd = arena.allocate(8);
            pfd.set(ValueLayout.JAVA_INT, 0, fd);
            pfd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
            while (true) {
                int rc = (int) POLL.invokeExact(errno, pfd, 1L, timeoutMillis);
                if (rc >= 0) {
                    return rc > 0;
                }
                if (Libc.errno(errno) != EINTR) {
                    throw Libc.failure("poll", errno);
                }
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** A close-on-exec duplicate of {@code fd} numbered at least {@code lowest}. */
    public static int dupAbove(int fd, int lowest) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            int rc = (int) FCNTL.invokeExact(errno, fd, F_DUPFD_CLOEXEC, lowest);
            if (rc < 0) {
                throw Libc.failure("fcntl F_DUPFD_CLOEXEC", errno);
            }
            return rc;
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Closes {@code fd}; negative descriptors are ignored, errors are not reported (the descriptor is gone anyway). */
    public static void close(int fd) {
        if (fd < 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) CLOSE.invokeExact(Libc.errnoSegment(arena), fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
