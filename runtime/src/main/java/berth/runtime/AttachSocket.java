package berth.runtime;

import berth.oci.errors.Conflict;
import berth.sys.SeqPacketSocket;
import berth.sys.SysException;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A connection to conmon's attach socket ({@code <bundle>/attach}, {@code SOCK_SEQPACKET}). Each packet conmon sends
 * is one byte naming the stream (2 stdout, 3 stderr) and the data; with a TTY everything is stdout, raw. Bytes sent
 * to the socket go to the container's stdin (when conmon ran with {@code -i}); {@link #closeStdin} shuts the write
 * side, which conmon turns into EOF on the container's stdin.
 *
 * <p>A platform thread reads the socket: a blocking native read would pin a virtual thread's carrier.
 */
public final class AttachSocket implements AutoCloseable {
    /** conmon's read buffer is 8192 bytes plus the stream byte; 32 KiB covers any packet. */
    private static final int MAX_PACKET = 32 * 1024;
    /** At most this much output goes to the listener at once. */
    private static final int BATCH = 64 * 1024;
    public static final int STDOUT = 1;
    public static final int STDERR = 2;

    /** Receives the container's output as docker numbers streams (1 stdout, 2 stderr). */
    public interface Listener {
        void output(int stream, byte[] data);

        /** The stream ended: conmon closed the socket (the container exited) or the socket was closed. */
        default void ended() {}
    }

    private final SeqPacketSocket socket;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean closing;

    private AttachSocket(SeqPacketSocket socket) {
        this.socket = socket;
    }

    /** Connects to the attach socket of the container bundled in {@code bundle} and starts delivering output. */
    public static AttachSocket connect(Path bundle, String id, Listener listener) {
        SeqPacketSocket s;
        try {
            s = SeqPacketSocket.connect(Conmon.attachSocket(bundle));
        } catch (SysException e) {
            throw new Conflict("cannot attach to container " + id + ": " + e.getMessage(), e);
        }
        AttachSocket a = new AttachSocket(s);
        Thread.ofPlatform().daemon().name("attach-" + id).start(() -> a.pump(listener));
        return a;
    }

    private void pump(Listener listener) {
        byte[] packet = new byte[MAX_PACKET];
        ByteArrayOutputStream batch = new ByteArrayOutputStream(BATCH);
        try {
            int n = socket.receive(packet, true);
            while (n != 0) {
                int stream = streamOf(packet);
                batch.reset();
                batch.write(packet, 1, n - 1);
                // Packets already waiting from the same stream go on with this one: one hand-off to the client's
                // connection for many of conmon's 8 KiB reads when the output comes faster than one at a time.
                n = socket.receive(packet, false);
                while (n > 0 && streamOf(packet) == stream && batch.size() < BATCH) {
                    batch.write(packet, 1, n - 1);
                    n = socket.receive(packet, false);
                }
                if (batch.size() > 0) {
                    listener.output(stream, batch.toByteArray());
                }
                if (n == SeqPacketSocket.NOTHING_WAITING) {
                    n = socket.receive(packet, true);
                }
            }
        } catch (SysException e) {
            if (!closing) {
                System.getLogger(AttachSocket.class.getName()).log(System.Logger.Level.DEBUG,
                        "attach read ended: {0}", e.getMessage());
            }
        } finally {
            done.countDown();
            try {
                listener.ended();
            } finally {
                // conmon closed its end (the process exited) or we did: the listener sends no more stdin either
                socket.close();
            }
        }
    }

    private static int streamOf(byte[] packet) {
        return packet[0] == 3 ? STDERR : STDOUT;
    }

    /** Sends bytes to the container's stdin. */
    public void writeStdin(byte[] data) {
        int off = 0;
        while (off < data.length) {
            int n = Math.min(8192, data.length - off);
            socket.send(Arrays.copyOfRange(data, off, off + n));
            off += n;
        }
    }

    /** Ends the container's stdin (conmon closes it when the attach client shuts down its write side). */
    public void closeStdin() {
        socket.shutdown(SeqPacketSocket.SHUT_WR);
    }

    /** Waits until the output has ended; false on timeout. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Detaches: stops reading and closes the connection (the container keeps running). */
    @Override
    public void close() {
        closing = true;
        socket.close();
        try {
            done.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
