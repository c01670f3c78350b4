package berth.oci.errors;

/** A named object (container, image, exec) does not exist. */
public final class NotFound extends EngineException {
    public NotFound(String message) {
        super(message);
    }

    public NotFound(String message, Throwable cause) {
        super(message, cause);
    }
}
