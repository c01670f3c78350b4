package berth.oci.errors;

/** The request clashes with the current state: a name in use, a running container, an image in use. */
public final class Conflict extends EngineException {
    public Conflict(String message) {
        super(message);
    }

    public Conflict(String message, Throwable cause) {
        super(message, cause);
    }
}
