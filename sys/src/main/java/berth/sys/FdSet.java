package berth.sys;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The descriptors one operation owns, each closed exactly once: by {@link #close(int)} as soon as it is not needed,
 * or by {@link #close()} for whatever is left when the operation ends (normally or not). A descriptor handed on with
 * {@link #release} is no longer closed here. Closing twice would be a real bug in a threaded process: the number may
 * already belong to another file.
 */
public final class FdSet implements AutoCloseable {
    private final Set<Integer> open = new LinkedHashSet<>();

    /** A new close-on-exec pipe whose two ends this set owns. */
    public Pipes.Pipe pipe() {
        Pipes.Pipe p = Pipes.open();
        open.add(p.readEnd());
        open.add(p.writeEnd());
        return p;
    }

    /** A close-on-exec duplicate of {@code fd} numbered at least {@code lowest}, owned by this set. */
    public int dupAbove(int fd, int lowest) {
        int copy = Fds.dupAbove(fd, lowest);
        open.add(copy);
        return copy;
    }

    /** Closes {@code fd} now if this set still owns it. */
    public void close(int fd) {
        if (open.remove(fd)) {
            Fds.close(fd);
        }
    }

    /** Gives up ownership of {@code fd}: the caller closes it. */
    public int release(int fd) {
        open.remove(fd);
        return fd;
    }

    @Override
    public void close() {
        open.forEach(Fds::close);
        open.clear();
    }
}
