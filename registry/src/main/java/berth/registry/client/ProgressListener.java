package berth.registry.client;

/**
 * Where a pull or push reports what it does, in the words docker's progress stream uses: the API turns each event
 * into one JSON message, the CLI into a line or a bar. Called from several threads at once.
 */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = event -> {};

    void progress(Event event);

    default void status(String status) {
        progress(new Event(null, status, 0, 0));
    }

    default void layer(String id, String status) {
        progress(new Event(id, status, 0, 0));
    }

    default void bytes(String id, String status, long current, long total) {
        progress(new Event(id, status, current, total));
    }

    /**
     * One message: {@code id} is the short layer id (or a tag, or null), {@code status} the text; byte counts are
     * set for "Downloading", "Extracting" and "Pushing" (total 0 when unknown).
     */
    record Event(String id, String status, long current, long total) {
        public boolean hasBytes() {
            return current > 0 || total > 0;
        }
    }
}
