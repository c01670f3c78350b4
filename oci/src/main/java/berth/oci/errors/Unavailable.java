package berth.oci.errors;

/** A part the engine needs is missing or broken on this host (runtime, conmon, cgroups). */
public final class Unavailable extends EngineException {
    public Unavailable(String message) {
        super(message);
    }

    public Unavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
