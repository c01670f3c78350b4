package berth.oci.errors;

/**
 * The closed family of errors the engine reports to its users. Thrown anywhere below the API;
 * the API maps each kind to its HTTP status in one place. Anything else is a server fault.
 */
public abstract sealed class EngineException extends RuntimeException
        permits NotFound, Conflict, InvalidArgument, NotModified, Unavailable, CannotInvoke, Unauthorized {
    protected EngineException(String message) {
        super(message);
    }

    protected EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
