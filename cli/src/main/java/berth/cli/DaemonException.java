package berth.cli;

/** An error answer of the daemon: its HTTP status and the {@code message} of its JSON body. */
public final class DaemonException extends RuntimeException {
    private final int status;

    public DaemonException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
