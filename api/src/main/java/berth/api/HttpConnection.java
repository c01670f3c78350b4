package berth.api;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;

/**
 * One client connection's HTTP side: reads a request head, finds its route, takes the body as the route says
 * (whole and bounded, streamed, or not at all for a hijack) and runs the handler on a virtual thread. Requests
 * are answered one at a time; one that arrives early waits with reading paused. At a hijack the HTTP decoder
 * and this handler leave the pipeline and {@link HijackedStream} takes the connection.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter {
    static final String DECODER = "http-decoder";
    static final String ENCODER = "http-encoder";
    static final String HEADERS = "standard-headers";
    static final String HANDLER = "api";
    static final int MAX_BUFFERED_BODY = 32 << 20;

    private static final System.Logger LOG = System.getLogger(HttpConnection.class.getName());

    private enum Mode { BUFFER, STREAM, DISCARD }

    private final Router router;
    private final ArrayDeque<Object> queued = new ArrayDeque<>();
    private Exchange exchange;
    private Router.Route route;
    private Mode mode;
    private RuntimeException rejection;
    private CompositeByteBuf buffered;
    private ChannelInputStream stream;
    private boolean bodyDone;

    HttpConnection(Router router) {
        this.router = router;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exchange != null && bodyDone) {
            queued.add(msg);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        if (msg instanceof HttpRequest request) {
            onHead(ctx, request);
        }
        if (msg instanceof HttpContent content && exchange != null && ctx.pipeline().context(this) != null) {
            onContent(ctx, content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(ChannelHandlerContext ctx, HttpRequest request) {
        Channel channel = ctx.channel();
        rejection = null;
        route = null;
        bodyDone = false;
        if (request.decoderResult().isFailure()) {
            exchange = new Exchange(channel, request, ApiVersion.MAX, request.uri(), Map.of());
            rejection = HttpError.badRequest("malformed HTTP request: " + request.decoderResult().cause());
            mode = Mode.DISCARD;
            onFinished(ctx, exchange);
            // the decoder discards the rest of this connection: answer and close
            bodyDone = true;
            exchange.bodyComplete();
            request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            dispatch(exchange, null);
            return;
        }
        Exchange ex;
        try {
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            Map<String, List<String>> query = uri.parameters();
            try {
                ApiVersion.VersionedPath vp = ApiVersion.split(uri.path());
                ex = new Exchange(channel, request, vp.version(), vp.path(), query);
                Router.Match match = router.match(request.method(), vp.path());
                route = match.route();
                ex.params(match.params());
            } catch (HttpError e) {
                ex = new Exchange(channel, request, ApiVersion.MAX, uri.path(), query);
                rejection = e;
            }
        } catch (IllegalArgumentException e) {
            ex = new Exchange(channel, request, ApiVersion.MAX, request.uri(), Map.of());
            rejection = HttpError.badRequest("malformed request URI: " + e.getMessage());
        }
        exchange = ex;
        onFinished(ctx, ex);
        if (rejection != null) {
            mode = Mode.DISCARD;
            return;
        }
        if (HttpUtil.is100ContinueExpected(request) && route.body() != Router.Body.HIJACK) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
        switch (route.body()) {
            case BUFFERED -> {
                mode = Mode.BUFFER;
                buffered = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
            }
            case STREAMED -> {
                mode = Mode.STREAM;
                stream = new ChannelInputStream(() -> channel.config().setAutoRead(false),
                        () -> channel.eventLoop().execute(() -> channel.config().setAutoRead(true)));
                ex.bodyStream(stream);
                dispatch(ex, route.handler());
            }
            case HIJACK -> {
                mode = Mode.DISCARD;
                prepareHijack(ctx, ex);
                dispatch(ex, route.handler());
            }
        }
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        Exchange ex = exchange;
        switch (mode) {
            case BUFFER -> {
                if (buffered.readableBytes() + content.content().readableBytes() > MAX_BUFFERED_BODY) {
                    buffered.release();
                    buffered = null;
                    mode = Mode.DISCARD;
                    rejection = new HttpError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                            "request body larger than " + MAX_BUFFERED_BODY + " bytes");
                } else {
                    buffered.addComponent(true, content.content().retain());
                }
            }
            case STREAM -> stream.offer(content.content().retain());
            case DISCARD -> { }
        }
        content.release();
        if (!(content instanceof LastHttpContent)) {
            return;
        }
        bodyDone = true;
        ex.bodyComplete();
        switch (mode) {
            case STREAM -> stream.end();
            case BUFFER -> {
                byte[] bytes = ByteBufUtil.getBytes(buffered);
                buffered.release();
                buffered = null;
                ex.body(bytes);
                if (route.hijacksAfterBody() != null && route.hijacksAfterBody().test(bytes)) {
                    prepareHijack(ctx, ex);
                }
                dispatch(ex, route.handler());
            }
            case DISCARD -> {
                if (route == null || rejection != null) {
                    dispatch(ex, null);
                }
            }
        }
    }

    /**
     * Takes the connection out of HTTP before anything after the request head is parsed as HTTP: bytes already
     * read go to the hijacked stream, reading pauses until the handler has a session, and a half-close becomes
     * an event instead of a close.
     */
    private void prepareHijack(ChannelHandlerContext ctx, Exchange ex) {
        Channel channel = ctx.channel();
        channel.config().setAutoRead(false);
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        HalfClosure.enable(channel);
        HijackedStream hijacked = new HijackedStream(ex, channel);
        ex.hijackedStream(hijacked);
        ctx.pipeline().replace(this, HANDLER, hijacked);
        ctx.pipeline().remove(DECODER);
        exchange = null;
    }

    private void dispatch(Exchange ex, Router.Handler handler) {
        RuntimeException rejected = rejection;
        Thread.ofVirtual().name("api " + ex.method() + " " + ex.path()).start(() -> {
            try {
                if (handler == null) {
                    throw rejected != null ? rejected : HttpError.pageNotFound();
                }
                handler.handle(ex);
                if (!ex.answered()) {
                    throw new IllegalStateException("no answer to " + ex.method() + " " + ex.path());
                }
            } catch (Throwable t) {
                ex.error(t);
            }
        });
    }

    private void onFinished(ChannelHandlerContext ctx, Exchange ex) {
        ex.onFinished(() -> {
            if (ctx.executor().inEventLoop()) {
                next(ctx, ex);
            } else {
                ctx.executor().execute(() -> next(ctx, ex));
            }
        });
    }

    /** The exchange is answered and its body read: serve what waited, then read again. */
    private void next(ChannelHandlerContext ctx, Exchange done) {
        if (exchange != done || ctx.isRemoved()) {
            return;
        }
        exchange = null;
        route = null;
        stream = null;
        while (exchange == null || !bodyDone) {
            Object msg = queued.poll();
            if (msg == null) {
                break;
            }
            channelRead(ctx, msg);
            if (ctx.isRemoved()) {
                return;
            }
        }
        if (queued.isEmpty()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        Exchange ex = exchange;
        if (ex != null) {
            ex.clientGone();
        }
        queued.forEach(ReferenceCountUtil::release);
        queued.clear();
        if (buffered != null) {
            buffered.release();
            buffered = null;
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, "connection failed: " + cause);
        ctx.close();
    }

    static void closeOnFlush(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
