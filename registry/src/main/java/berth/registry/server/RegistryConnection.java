package berth.registry.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * One client connection: each request's head picks its {@link RequestBody} from the {@link Registry}, the body's
 * chunks go to it as they arrive, and once the body is complete the answer is computed on a virtual thread
 * (file syncs and renames stay off the event loop) and written back. Reading pauses until then, and requests
 * pipelined behind it wait, so requests are answered in order. Blob bodies go out with zero copy ({@code sendfile}) on plain connections and in chunks
 * through TLS.
 */
final class RegistryConnection extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(RegistryConnection.class.getName());

    private final Registry registry;
    private final boolean tls;
    private Request request;
    private RequestBody body;
    private Exception failure;
    private boolean keepAlive;
    private boolean answering;
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();

    RegistryConnection(Registry registry, boolean tls) {
        this.registry = registry;
        this.tls = tls;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (answering) {
            // A pipelined request, decoded from bytes read with the last one: it waits for that answer.
            waiting.add(msg);
            return;
        }
        try {
            if (msg instanceof HttpRequest head) {
                onHead(head);
            }
            if (msg instanceof HttpContent content && body != null) {
                if (failure == null) {
                    try {
                        body.accept(content.content());
                    } catch (Exception e) {
                        failure = e;
                        body.abort();
                    }
                }
                if (content instanceof LastHttpContent) {
                    answer(ctx);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(HttpRequest head) {
        failure = null;
        keepAlive = HttpUtil.isKeepAlive(head);
        if (head.decoderResult().isFailure()) {
            request = new Request(head.method(), new QueryStringDecoder("/"), head.headers());
            body = RequestBody.refused(ErrorCode.UNSUPPORTED.with("malformed request: "
                    + head.decoderResult().cause().getMessage()).withStatus(400));
            return;
        }
        request = new Request(head.method(), new QueryStringDecoder(head.uri()), head.headers());
        try {
            body = registry.begin(request);
        } catch (RuntimeException e) {
            body = RequestBody.none(() -> {
                throw e;
            });
        }
    }

    private void answer(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        answering = true;
        RequestBody finished = body;
        Request answered = request;
        Exception failed = failure;
        boolean reuse = keepAlive;
        body = null;
        request = null;
        channel.config().setAutoRead(false);
        Thread.ofVirtual().name("registry-request").start(() -> {
            Response response;
            try {
                if (failed != null) {
                    throw failed;
                }
                response = finished.finish();
            } catch (RegistryException e) {
                response = registry.error(e);
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, answered.method() + " " + answered.path() + " failed", e);
                response = Response.internal(String.valueOf(e.getMessage()));
            }
            write(ctx, answered, response, reuse);
        });
    }

    private void write(ChannelHandlerContext ctx, Request answered, Response response, boolean keepAlive) {
        Channel channel = ctx.channel();
        HttpResponseStatus status = HttpResponseStatus.valueOf(response.status);
        FileChannel file = null;
        if (response.file != null && !answered.isHead()) {
            try {
                file = FileChannel.open(response.file.path(), StandardOpenOption.READ);
            } catch (IOException e) {
                // Collected or deleted between the check and now.
                response = registry.error(ErrorCode.BLOB_UNKNOWN.with(e.getMessage()));
                status = HttpResponseStatus.valueOf(response.status);
            }
        }
        HttpResponse head = file == null ? new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                io.netty.buffer.Unpooled.wrappedBuffer(answered.isHead() ? new byte[0] : response.body))
                : new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        HttpHeaders headers = head.headers();
        headers.set("Docker-Distribution-API-Version", Registry.API_VERSION);
        for (Map.Entry<String, String> header : response.headers.entrySet()) {
            headers.set(header.getKey(), header.getValue());
        }
        headers.set(HttpHeaderNames.CONTENT_LENGTH, response.contentLength());
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, "close");
        }
        ChannelFuture done;
        if (file == null) {
            done = channel.writeAndFlush(head);
        } else {
            channel.write(head);
            Response.FileRange range = response.file;
            if (tls) {
                try {
                    done = channel.writeAndFlush(new HttpChunkedInput(new ChunkedNioFile(file, range.offset(),
                            range.length(), 1 << 16)));
                } catch (IOException e) {
                    channel.close();
                    return;
                }
            } else {
                channel.write(new DefaultFileRegion(file, range.offset(), range.length()));
                done = channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            }
        }
        if (keepAlive) {
            done.addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    answered(ctx);
                } else {
                    channel.close();
                }
            });
        } else {
            done.addListener(ChannelFutureListener.CLOSE);
        }
    }

    // On the event loop, once an answer is out: the requests that waited go on, then reading resumes.
    private void answered(ChannelHandlerContext ctx) {
        answering = false;
        while (!answering && !waiting.isEmpty()) {
            channelRead(ctx, waiting.poll());
        }
        if (!answering) {
            ctx.channel().config().setAutoRead(true);
            ctx.read();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        waiting.forEach(ReferenceCountUtil::release);
        waiting.clear();
        if (body != null) {
            body.abort();
            body = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, "connection failed: " + cause);
        ctx.close();
    }
}
