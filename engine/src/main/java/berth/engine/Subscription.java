package berth.engine;

/** A running stream (followed logs, events) that the API cancels when its client goes away. */
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
