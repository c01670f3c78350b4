package berth.sys;

import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * A descriptor that several threads use (one blocked reading while another writes, shuts down or closes). It is
 * closed once, and only when no call is using it: in a daemon that opens sockets all the time, a number closed
 * under a running read, or used after its close, soon names another file, and a late {@code shutdown(2)} on it
 * would cut a stranger's connection.
 */
public final class SharedFd {
    private static final int EBADF = 9;

    private final int fd;
    private int users;
    private boolean closed;

    public SharedFd(int fd) {
        this.fd = fd;
    }

    /** Runs {@code call} with the descriptor, which stays open until it returns; fails with EBADF once closed. */
    public <T> T use(IntFunction<T> call) {
        synchronized (this) {
            if (closed) {
                throw new SysException("descriptor " + fd + " is closed", EBADF);
            }
            users++;
        }
        try {
            return call.apply(fd);
        } finally {
            boolean last;
            synchronized (this) {
                last = --users == 0 && closed;
            }
            if (last) {
                Fds.close(fd);
            }
        }
    }

    /**
     * Closes the descriptor now, or, while calls use it, runs {@code wake} on it (a {@code shutdown(2)} that ends
     * their wait) and leaves the close to the last of them. Closing again does nothing.
     */
    public void close(IntConsumer wake) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (users > 0) {
                wake.accept(fd);
                return;
            }
        }
        Fds.close(fd);
    }
}
