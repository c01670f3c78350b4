package berth.sys;

/** A system call failed; {@link #errno()} says why. */
public final class SysException extends RuntimeException {
    private final int errno;

    public SysException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
