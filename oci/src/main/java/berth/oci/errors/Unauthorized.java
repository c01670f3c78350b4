package berth.oci.errors;

/** A registry refused the credentials given, or asked for credentials that were not given. */
public final class Unauthorized extends EngineException {
    public Unauthorized(String message) {
        super(message);
    }
}
