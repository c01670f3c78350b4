package berth.engine;

import berth.runtime.AttachSocket;

/** An exec's output as conmon's attach socket delivers it, passed to the client's sink (all stdout for a TTY). */
final class ExecOutput implements AttachSocket.Listener {
    private final OutputSink out;

    ExecOutput(OutputSink out) {
        this.out = out;
    }

    @Override
    public void output(int stream, byte[] data) {
        out.write(stream == AttachSocket.STDERR ? OutputSink.StdStream.STDERR : OutputSink.StdStream.STDOUT,
                data, 0, data.length);
    }
}
