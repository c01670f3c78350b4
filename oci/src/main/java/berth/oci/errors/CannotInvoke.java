package berth.oci.errors;

/**
 * The container's command cannot be started: not found (exit 127 in the CLI) or not executable (126).
 * Docker reports both as a 400 from start with the runtime's message.
 */
public final class CannotInvoke extends EngineException {
    private final boolean notFound;

    public CannotInvoke(String message, boolean notFound) {
        super(message);
        this.notFound = notFound;
    }

    public boolean notFound() {
        return notFound;
    }
}
