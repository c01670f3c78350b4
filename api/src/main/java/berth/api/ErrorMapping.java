package berth.api;

import berth.oci.errors.CannotInvoke;
import berth.oci.errors.Conflict;
import berth.oci.errors.EngineException;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;
import berth.oci.errors.NotModified;
import berth.oci.errors.Unauthorized;
import berth.oci.errors.Unavailable;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place where errors become HTTP statuses: the engine's sealed {@link EngineException} family, the HTTP
 * layer's own {@link HttpError}s, and anything else as a logged 500. Bodies are docker's {@code {"message": …}};
 * a 304 has none.
 */
final class ErrorMapping {
    private static final System.Logger LOG = System.getLogger(ErrorMapping.class.getName());

    /** The status of a failed request and the message of its body (null for a 304). */
    record Reply(HttpResponseStatus status, String message) {}

    private ErrorMapping() {}

    static Reply reply(Throwable failure) {
        Throwable t = unwrap(failure);
        return switch (t) {
            case EngineException e -> engineReply(e);
            case HttpError e -> new Reply(e.status(), e.getMessage());
            default -> {
                LOG.log(System.Logger.Level.ERROR, "request failed", t);
                yield new Reply(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                        t.getMessage() != null ? t.getMessage() : t.getClass().getName());
            }
        };
    }

    private static Reply engineReply(EngineException e) {
        return switch (e) {
            case NotFound nf -> new Reply(HttpResponseStatus.NOT_FOUND, nf.getMessage());
            case Conflict c -> new Reply(HttpResponseStatus.CONFLICT, c.getMessage());
            case InvalidArgument ia -> new Reply(HttpResponseStatus.BAD_REQUEST, ia.getMessage());
            case NotModified nm -> new Reply(HttpResponseStatus.NOT_MODIFIED, null);
            case CannotInvoke ci -> new Reply(HttpResponseStatus.BAD_REQUEST, ci.getMessage());
            case Unauthorized ua -> new Reply(HttpResponseStatus.UNAUTHORIZED, ua.getMessage());
            case Unavailable u -> {
                LOG.log(System.Logger.Level.WARNING, "engine unavailable: " + u.getMessage(), u);
                yield new Reply(HttpResponseStatus.INTERNAL_SERVER_ERROR, u.getMessage());
            }
        };
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
