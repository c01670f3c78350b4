package berth.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A connected {@code AF_UNIX} {@code SOCK_SEQPACKET} client socket (the JDK only has stream sockets). Each
 * {@link #receive} returns one packet; each {@link #send} is one packet. Paths longer than {@code sun_path} are
 * reached through an {@code O_PATH} handle on their directory ({@code /proc/self/fd/N/name}).
 */
public final class SeqPacketSocket implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_SEQPACKET = 5;
    private static final int SOCK_CLOEXEC = 0x80000;
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
    private static final MethodHandle SHUTDOWN = Libc.function("shutdown", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private final SharedFd fd;

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

    /** Blocks for the next packet (at most {@code maxSize} bytes); null at end of stream. */
    public byte[] receive(int maxSize) {
        byte[] buffer = new byte[maxSize];
        int n = fd.use(d -> Fds.read(d, buffer));
        return n == 0 ? null : Arrays.copyOf(buffer, n);
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
