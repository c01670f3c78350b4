package berth.registry.server;

/**
 * A request the registry refuses: one of the spec's {@link ErrorCode}s, a detail for the client, and the HTTP
 * status of the answer, which is the code's own except where the spec says otherwise (416 for a chunk out of
 * order, 400 for a malformed query parameter).
 */
public final class RegistryException extends RuntimeException {
    private final ErrorCode code;
    private final String detail;
    private final int status;

    RegistryException(ErrorCode code, String detail, int status) {
        super(code + ": " + detail);
        this.code = code;
        this.detail = detail;
        this.status = status;
    }

    /** The same error answered with another status. */
    RegistryException withStatus(int otherStatus) {
        return new RegistryException(code, detail, otherStatus);
    }

    public ErrorCode code() {
        return code;
    }

    public String detail() {
        return detail;
    }

    public int status() {
        return status;
    }
}
