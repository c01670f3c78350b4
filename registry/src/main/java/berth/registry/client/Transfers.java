package berth.registry.client;

import berth.oci.errors.EngineException;
import berth.oci.errors.Unavailable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for the layer transfers a pull or a push runs in parallel. */
final class Transfers {
    private Transfers() {}

    /** The transfer's result; its failure is rethrown as what it was, an interrupt as {@code "<what> interrupted"}. */
    static <T> T await(Future<T> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable(what + " interrupted", e);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case EngineException engine -> throw engine;
                case IOException io -> throw new UncheckedIOException(io);
                case RuntimeException runtime -> throw runtime;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }
}
