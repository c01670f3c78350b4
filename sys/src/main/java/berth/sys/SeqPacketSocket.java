package berth.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A connected {@code AF_UNIX} {@code SOCK_SEQPACKET} client socket (the JDK only has stream sockets). Each
 * {@link #receive} returns one packet; each {@link #send} is one packet. Paths longer than {@code sun_path} are
 * reached through an {@code O_PATH} handle on their directory ({@code /proc/self/fd/N/name}).
 */
public final class SeqPacketSocket implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_SEQPACKET = 5;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int SUN_PATH = 108;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;

    private static final MethodHandle SOCKET = Libc.function("socket", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle CONNECT = Libc.function("connect", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle SEND = Libc.function("send", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle RECV = Libc.function("recv", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle SHUTDOWN = Libc.function("shutdown", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    /** What a {@link #receive} that does not wait returns when no packet is there. */
    public static final int NOTHING_WAITING = -1;

    private final SharedFd fd;
    private volatile MemorySegment readBuffer;

    private SeqPacketSocket(int fd) {
        this.fd = new SharedFd(fd);
    }

    /** Connects to the socket at {@code path}, however long the path is. */
    public static SeqPacketSocket connect(Path path) {
        Path abs = path.toAbsolutePath();
        byte[] direct = abs.toString().getBytes(StandardCharsets.UTF_8);
        if (direct.length < SUN_PATH) {
            return connectTo(direct);
        }
        int dir = Fds.open(abs.getParent(), Fds.O_PATH | Fds.O_DIRECTORY | Fds.O_CLOEXEC, 0);
        try {
            return connectTo(("/proc/self/fd/" + dir + "/" + abs.getFileName()).getBytes(StandardCharsets.UTF_8));
        } finally {
            Fds.close(dir);
        }
    }

    private static SeqPacketSocket connectTo(byte[] sunPath) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            int fd = (int) SOCKET.invokeExact(errno, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw Libc.failure("socket", errno);
            }
            MemorySegment addr = arena.allocate(2 + SUN_PATH);
            addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(sunPath, 0, addr, ValueLayout.JAVA_BYTE, 2, sunPath.length);
            int rc = (int) CONNECT.invokeExact(errno, fd, addr, 2 + SUN_PATH);
            if (rc != 0) {
                SysException e = Libc.failure("connect " + new String(sunPath, StandardCharsets.UTF_8), errno);
                Fds.close(fd);
                throw e;
            }
            return new SeqPacketSocket(fd);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Reads the next packet into {@code into} (a longer packet is cut to its length) and returns its size: 0 at the
     * end of the stream, {@link #NOTHING_WAITING} when {@code wait} is false and no packet is there yet.
     */
    public int receive(byte[] into, boolean wait) {
        return fd.use(d -> {
            MemorySegment buffer = readBuffer(into.length);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment errno = Libc.errnoSegment(arena);
                while (true) {
                    long n = (long) RECV.invokeExact(errno, d, buffer, (long) into.length, wait ? 0 : MSG_DONTWAIT);
                    if (n >= 0) {
                        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, into, 0, (int) n);
                        return (int) n;
                    }
                    int err = Libc.errno(errno);
                    if (!wait && err == Fds.EAGAIN) {
                        return NOTHING_WAITING;
                    }
                    if (err != Fds.EINTR) {
                        throw Libc.failure("recv", errno);
                    }
                }
            } catch (SysException e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        });
    }

    // One native buffer for all reads, not a zeroed one per packet; the garbage collector frees it, so a close
    // racing a blocked read never frees memory the kernel is still writing.
    private MemorySegment readBuffer(int size) {
        MemorySegment b = readBuffer;
        if (b == null || b.byteSize() < size) {
            b = Arena.ofAuto().allocate(size);
            readBuffer = b;
        }
        return b;
    }

    /** Sends {@code data} as one packet. */
    public void send(byte[] data) {
        fd.use(d -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment errno = Libc.errnoSegment(arena);
                MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_BYTE, data);
                while (true) {
                    long n = (long) SEND.invokeExact(errno, d, buf, (long) data.length, MSG_NOSIGNAL);
                    if (n >= 0) {
                        return null;
                    }
                    if (Libc.errno(errno) != Fds.EINTR) {
                        throw Libc.failure("send", errno);
                    }
                }
            } catch (SysException e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        });
    }

    /** shutdown(2): {@link #SHUT_WR} tells the peer no more data will come. */
    public void shutdown(int how) {
        fd.use(d -> {
            shutdown(d, how);
            return null;
        });
    }

    private static void shutdown(int fd, int how) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            int rc = (int) SHUTDOWN.invokeExact(errno, fd, how);
            if (rc != 0) {
                throw Libc.failure("shutdown", errno);
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Closes the socket; a thread blocked in {@link #receive} sees the end of the stream first. */
    @Override
    public void close() {
        fd.close(d -> {
            try {
                shutdown(d, SHUT_RDWR);
            } catch (SysException e) {
                // not connected any more: the reader is not waiting on the peer
            }
        });
    }
}
