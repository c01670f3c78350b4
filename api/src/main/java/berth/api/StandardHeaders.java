package berth.api;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;

/** Puts the headers docker clients read on every response, whichever route (or error) produced it. */
@ChannelHandler.Sharable
final class StandardHeaders extends ChannelOutboundHandlerAdapter {
    private final String server;

    StandardHeaders(String serverVersion) {
        this.server = "Berth/" + serverVersion;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            response.headers()
                    .set("Api-Version", ApiVersion.MAX.toString())
                    .set("Docker-Experimental", "false")
                    .set("OSType", "linux")
                    .set("Server", server)
                    .set("Builder-Version", "1");
        }
        ctx.write(msg, promise);
    }
}
