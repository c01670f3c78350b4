package berth.registry.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;

/**
 * The first handler of a plain-HTTP connection: closes it at once when its first bytes are a TLS handshake.
 * Clients of an "insecure" registry (skopeo, podman, docker with {@code --tls-verify=false}) try HTTPS first and
 * fall back to HTTP when that fails; the HTTP decoder would instead wait for a line end the handshake never
 * sends, and each such client would stall until its handshake timed out.
 */
final class PlainHttpGuard extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && bytes.readableBytes() >= 5 && SslHandler.isEncrypted(bytes, false)) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(msg);
    }
}
