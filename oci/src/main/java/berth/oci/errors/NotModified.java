package berth.oci.errors;

/** The object is already in the asked state (start of a started container). */
public final class NotModified extends EngineException {
    public NotModified(String message) {
        super(message);
    }

    public NotModified(String message, Throwable cause) {
        super(message, cause);
    }
}
