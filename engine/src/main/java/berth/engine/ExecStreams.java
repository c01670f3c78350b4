package berth.engine;

import berth.runtime.AttachSocket;
import berth.sys.SysException;

import java.util.Arrays;

/**
 * A client attached to a running exec: its input goes to the exec's stdin through conmon's attach socket, its EOF
 * closes that stdin, and for a TTY the detach keys (ctrl-p ctrl-q by default) leave the process running without
 * the client.
 */
final class ExecStreams implements Session {
    private final AttachSocket socket;
    private final boolean stdin;
    private final DetachKeys detachKeys;
    private final OutputSink out;

    /** {@code detachKeys} null: the input has no detach sequence, all of it goes to the process. */
    ExecStreams(AttachSocket socket, boolean stdin, DetachKeys detachKeys, OutputSink out) {
        this.socket = socket;
        this.stdin = stdin;
        this.detachKeys = detachKeys;
        this.out = out;
    }

    @Override
    public synchronized void writeStdin(byte[] data, int offset, int length) {
        if (!stdin) {
            return;
        }
        DetachKeys.Scan scan = detachKeys == null
                ? new DetachKeys.Scan(Arrays.copyOfRange(data, offset, offset + length), false)
                : detachKeys.scan(data, offset, length);
        try {
            if (scan.forward().length > 0) {
                socket.writeStdin(scan.forward());
            }
        } catch (SysException ended) {
            // the process closed its stdin or ended; its exit ends the session
        }
        if (scan.detached()) {
            detach();
        }
    }

    @Override
    public void closeStdin() {
        if (!stdin) {
            return;
        }
        try {
            socket.closeStdin();
        } catch (SysException ended) {
            // already gone
        }
    }

    @Override
    public void detach() {
        socket.close();
        out.close();
    }
}
