package berth.engine;

/**
 * Where a container's or exec's output goes. The API frames each write onto its connection (the multiplexed
 * stdout/stderr framing, or raw bytes for a TTY); {@link #close()} says no more output will come.
 * Implementations are called from one thread at a time.
 */
public interface OutputSink {
    void write(StdStream stream, byte[] data, int offset, int length);

    void close();

    /** The standard streams, numbered as in the Docker API's stream framing. */
    enum StdStream {
        STDIN(0), STDOUT(1), STDERR(2);

        public final int code;

        StdStream(int code) {
            this.code = code;
        }
    }
}
