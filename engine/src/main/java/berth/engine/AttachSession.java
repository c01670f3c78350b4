package berth.engine;

import berth.runtime.AttachSocket;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;

/**
 * One client attached to a container through conmon's attach socket: output goes to the client's sink, stdin
 * to the container, and the detach keys (ctrl-p ctrl-q by default) end the session without touching the
 * container. A session opened before start buffers stdin until the container is created.
 */
final class AttachSession implements Session, AttachSocket.Listener {
    private final Engine.AttachOptions options;
    private final OutputSink out;
    private final boolean closeStdinOnEof;
    private final DetachKeys detachKeys;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private AttachSocket socket;
    private boolean stdinClosed;
    private boolean ended;

    AttachSession(Engine.AttachOptions options, OutputSink out, boolean closeStdinOnEof) {
        this.options = options;
        this.out = out;
        this.closeStdinOnEof = closeStdinOnEof;
        this.detachKeys = DetachKeys.parse(options.detachKeys());
    }

    /** Joins the container's attach socket; called once it is created (and before it starts). */
    synchronized void connect(Path bundle, String id) {
        if (ended) {
            return;
        }
        socket = AttachSocket.connect(bundle, id, this);
        if (pending.size() > 0) {
            socket.writeStdin(pending.toByteArray());
            pending.reset();
        }
        if (stdinClosed) {
            socket.closeStdin();
        }
    }

    @Override
    public void output(int stream, byte[] data) {
        if (stream == AttachSocket.STDERR ? options.stderr() : options.stdout()) {
            out.write(stream == AttachSocket.STDERR ? OutputSink.StdStream.STDERR : OutputSink.StdStream.STDOUT,
                    data, 0, data.length);
        }
    }

    @Override
    public void ended() {
        end();
    }

    @Override
    public synchronized void writeStdin(byte[] data, int offset, int length) {
        if (!options.stdin() || ended) {
            return;
        }
        DetachKeys.Scan scan = detachKeys.scan(data, offset, length);
        if (scan.forward().length > 0) {
            if (socket == null) {
                pending.writeBytes(scan.forward());
            } else {
                socket.writeStdin(scan.forward());
            }
        }
        if (scan.detached()) {
            detach();
        }
    }

    @Override
    public synchronized void closeStdin() {
        if (!options.stdin() || !closeStdinOnEof || ended) {
            return;
        }
        stdinClosed = true;
        if (socket != null) {
            socket.closeStdin();
        }
    }

    @Override
    public void detach() {
        AttachSocket s;
        synchronized (this) {
            s = socket;
        }
        if (s != null) {
            s.close();
        }
        end();
    }

    private void end() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
        }
        out.close();
    }
}
