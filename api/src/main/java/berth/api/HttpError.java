package berth.api;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A failure that belongs to the HTTP layer itself (no such route, a bad version prefix, a body too large), as
 * opposed to the engine's {@link berth.oci.errors.EngineException}s. {@link ErrorMapping} turns both into replies.
 */
final class HttpError extends RuntimeException {
    private final HttpResponseStatus status;

    HttpError(HttpResponseStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    HttpResponseStatus status() {
        return status;
    }

    static HttpError pageNotFound() {
        return new HttpError(HttpResponseStatus.NOT_FOUND, "page not found");
    }

    static HttpError badRequest(String message) {
        return new HttpError(HttpResponseStatus.BAD_REQUEST, message);
    }
}
