package berth.api;

import berth.engine.OutputSink;
import berth.engine.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection taken over by attach or exec start, once its HTTP decoder is gone. Bytes from the client go to
 * {@link Session#writeStdin} through a virtual thread (with backpressure on the socket); the client's half-close
 * becomes {@link Session#closeStdin()} while output keeps flowing; its full close becomes {@link Session#detach()}.
 * Output comes through {@link #sink}; when the sink closes (the process ended) the connection is flushed and closed.
 */
final class HijackedStream extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(HijackedStream.class.getName());

    private final Exchange exchange;
    private final Channel channel;
    private final ChannelInputStream stdin;
    private final AtomicBoolean detached = new AtomicBoolean();
    private volatile Session session;
    private volatile boolean outputClosed;
    private volatile boolean clientGone;

    HijackedStream(Exchange exchange, Channel channel) {
        this.exchange = exchange;
        this.channel = channel;
        this.stdin = new ChannelInputStream(
                () -> channel.config().setAutoRead(false),
                () -> channel.eventLoop().execute(() -> channel.config().setAutoRead(true)));
    }

    /** The output side: frames (or raw bytes for a TTY) straight onto the socket. */
    OutputSink sink(boolean tty) {
        return new FramedSink(tty, exchange::writeBlocking, () -> {
            outputClosed = true;
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        });
    }

    /** Connects the client's input to {@code session} and starts reading from the socket again. */
    void start(Session session, boolean forwardStdin) {
        this.session = session;
        if (clientGone) {
            detachOnce();
            return;
        }
        Thread.ofVirtual().name("api-stdin").start(() -> pumpStdin(session, forwardStdin));
        channel.eventLoop().execute(() -> channel.config().setAutoRead(true));
    }

    /** The session could not be made: nothing more will come. */
    void abandon() {
        channel.close();
    }

    private void pumpStdin(Session session, boolean forward) {
        byte[] buf = new byte[32 * 1024];
        try {
            int n;
            while ((n = stdin.read(buf, 0, buf.length)) >= 0) {
                if (forward && n > 0) {
                    session.writeStdin(buf, 0, n);
                }
            }
            if (forward) {
                session.closeStdin();
            }
        } catch (IOException gone) {
            // the client left; channelInactive detaches
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "stdin of a hijacked stream failed", e);
        }
    }

    private void detachOnce() {
        Session s = session;
        if (s != null && !outputClosed && detached.compareAndSet(false, true)) {
            try {
                s.detach();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "detach failed", e);
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (msg) {
            case ByteBuf buf -> stdin.offer(buf);
            case HttpContent content -> stdin.offer(content.content());
            default -> ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            stdin.end();
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        clientGone = true;
        stdin.fail(new IOException("client closed the connection"));
        detachOnce();
        exchange.clientGone();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, "hijacked connection failed: " + cause);
        ctx.close();
    }
}
