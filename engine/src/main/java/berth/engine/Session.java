package berth.engine;

/** An open attach or exec session: the client's stdin goes in here, and the client may leave. */
public interface Session {
    void writeStdin(byte[] data, int offset, int length);

    /** The client's stdin ended (it half-closed its side): the process's stdin is closed. */
    void closeStdin();

    /** The client went away: detach without touching the process. */
    void detach();
}
