package berth.cli;

/** The daemon's socket does not answer: the CLI prints one line and exits 1. */
public final class CannotConnectException extends RuntimeException {
    public CannotConnectException(String host) {
        super("Cannot connect to the Berth daemon at " + host + ". Is berthd running?");
    }
}
