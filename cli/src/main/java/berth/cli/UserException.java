package berth.cli;

/** A mistake of the user found by the CLI itself; printed as is, with a docker-like exit code. */
public final class UserException extends RuntimeException {
    private final int exitCode;

    public UserException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public UserException(String message) {
        this(message, 1);
    }

    public int exitCode() {
        return exitCode;
    }
}
