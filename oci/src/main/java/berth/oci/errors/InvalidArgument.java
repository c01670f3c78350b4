package berth.oci.errors;

/** The request is malformed: a bad reference, flag value, body or archive. */
public final class InvalidArgument extends EngineException {
    public InvalidArgument(String message) {
        super(message);
    }

    public InvalidArgument(String message, Throwable cause) {
        super(message, cause);
    }
}
