package berth.api;

import io.netty.channel.Channel;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * Half-closure for hijacked connections on JDK unix sockets. Netty's NIO read loop honours
 * {@code ALLOW_HALF_CLOSURE} only for a {@code SocketChannelConfig}, which {@code NioDomainSocketChannel}'s config
 * is not (Netty 4.2.7), so a client's {@code CloseWrite} would close the whole connection and cut the container's
 * output. Once {@link #enable()}d, this read-buffer allocator sees the end of input first, reports it to Netty as
 * an empty read, stops reading and fires {@link ChannelInputShutdownEvent}, leaving the write side open. It must be
 * installed before the channel's first read (Netty caches the handle).
 */
final class HalfClosure implements RecvByteBufAllocator {
    private final RecvByteBufAllocator delegate;
    private final Channel channel;
    private volatile boolean enabled;
    private boolean fired;

    HalfClosure(Channel channel) {
        this.channel = channel;
        this.delegate = channel.config().getRecvByteBufAllocator();
    }

    static void install(Channel channel) {
        channel.config().setRecvByteBufAllocator(new HalfClosure(channel));
    }

    static void enable(Channel channel) {
        if (channel.config().getRecvByteBufAllocator() instanceof HalfClosure halfClosure) {
            halfClosure.enabled = true;
        }
    }

    void enable() {
        enabled = true;
    }

    @Override
    public Handle newHandle() {
        return new DelegatingHandle(delegate.newHandle()) {
            private boolean eof;

            @Override
            public void lastBytesRead(int bytes) {
                if (bytes < 0 && enabled) {
                    eof = true;
                    bytes = 0;
                }
                super.lastBytesRead(bytes);
            }

            @Override
            public void readComplete() {
                super.readComplete();
                if (eof) {
                    eof = false;
                    // the socket stays readable at EOF: stop polling it, or the loop would spin
                    channel.config().setAutoRead(false);
                    if (!fired) {
                        fired = true;
                        channel.eventLoop().execute(
                                () -> channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE));
                    }
                }
            }
        };
    }
}
