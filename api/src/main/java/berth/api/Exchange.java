package berth.api;

import berth.oci.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One request and its response. Handlers read the path parameters, the query and the body, and answer once:
 * a whole response ({@link #json}, {@link #status}, {@link #error}), a streamed one ({@link #chunked}), or a
 * hijacked connection ({@link #hijack}). Answering is safe from any thread; streamed writes block the writer
 * while the client is slow, never the event loop.
 */
final class Exchange {
    static final String MULTIPLEXED_STREAM = "application/vnd.docker.multiplexed-stream";
    static final String RAW_STREAM = "application/vnd.docker.raw-stream";
    static final String JSON = "application/json";

    private static final System.Logger LOG = System.getLogger(Exchange.class.getName());
    private static final int NEW = 0;
    private static final int STREAMING = 1;
    private static final int DONE = 2;

    private final Channel channel;
    private final HttpRequest request;
    private final ApiVersion version;
    private final String path;
    private final Map<String, List<String>> query;
    private final AtomicInteger state = new AtomicInteger(NEW);
    private final List<Runnable> onClientGone = new CopyOnWriteArrayList<>();
    private volatile Map<String, String> params = Map.of();
    private volatile byte[] body = new byte[0];
    private volatile ChannelInputStream bodyStream;
    private volatile boolean bodyComplete;
    private volatile HijackedStream hijackedStream;
    private volatile boolean closed;
    private volatile Runnable onFinished = () -> {};

    Exchange(Channel channel, HttpRequest request, ApiVersion version, String path, Map<String, List<String>> query) {
        this.channel = channel;
        this.request = request;
        this.version = version;
        this.path = path;
        this.query = query;
    }

    // --- the request ----------------------------------------------------------------------------------------

    HttpMethod method() {
        return request.method();
    }

    String path() {
        return path;
    }

    ApiVersion version() {
        return version;
    }

    String header(CharSequence name) {
        return request.headers().get(name);
    }

    /** A path parameter of the route ({@code id}, {@code name}). */
    String param(String name) {
        return params.get(name);
    }

    /** A query parameter's last value, or null. */
    String query(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.getLast();
    }

    List<String> queryAll(String name) {
        return query.getOrDefault(name, List.of());
    }

    /** A boolean query parameter as docker reads it: absent, empty, 0, no, false and none are false. */
    boolean bool(String name) {
        String v = query(name);
        if (v == null) {
            return false;
        }
        v = v.strip().toLowerCase(java.util.Locale.ROOT);
        return !(v.isEmpty() || v.equals("0") || v.equals("no") || v.equals("false") || v.equals("none"));
    }

    /** An integer query parameter, or null when absent or empty; anything else is a 400. */
    Integer integer(String name) {
        String v = query(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw HttpError.badRequest("invalid value for " + name + ": " + v);
        }
    }

    int integer(String name, int fallback) {
        Integer v = integer(name);
        return v == null ? fallback : v;
    }

    /** The whole body of a buffered route. */
    byte[] body() {
        return body;
    }

    /** The body of a streamed route, as it arrives. */
    InputStream bodyStream() {
        return bodyStream;
    }

    // --- set up by the connection ---------------------------------------------------------------------------

    void params(Map<String, String> params) {
        this.params = Map.copyOf(params);
    }

    void body(byte[] body) {
        this.body = body;
    }

    void bodyStream(ChannelInputStream stream) {
        this.bodyStream = stream;
    }

    void bodyComplete() {
        this.bodyComplete = true;
    }

    void hijackedStream(HijackedStream stream) {
        this.hijackedStream = stream;
    }

    /** Runs on the event loop once the response is fully written on a connection that stays open. */
    void onFinished(Runnable r) {
        this.onFinished = r;
    }

    /** Registers what to stop when the client goes away (a followed log, an event subscription). */
    void onClientGone(Runnable r) {
        onClientGone.add(r);
        if (closed) {
            r.run();
        }
    }

    void clientGone() {
        closed = true;
        ChannelInputStream s = bodyStream;
        if (s != null) {
            s.fail(new java.io.IOException("client closed the connection"));
        }
        for (Runnable r : onClientGone) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cleanup after client left failed", e);
            }
        }
    }

    boolean answered() {
        return state.get() != NEW;
    }

    // --- whole responses ------------------------------------------------------------------------------------

    void json(HttpResponseStatus status, Object value) {
        send(status, JSON, Json.write(value));
    }

    /** A status without a body (204, 304, 200 of a detached exec start). */
    void status(HttpResponseStatus status) {
        send(status, null, null);
    }

    void text(HttpResponseStatus status, String contentType, String text) {
        send(status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers a failure through {@link ErrorMapping}; once a stream has begun, the connection is cut instead. */
    void error(Throwable failure) {
        ErrorMapping.Reply reply = ErrorMapping.reply(failure);
        if (state.get() == NEW) {
            if (reply.message() == null) {
                status(reply.status());
            } else {
                json(reply.status(), Map.of("message", reply.message()));
            }
        } else if (state.get() == STREAMING) {
            LOG.log(System.Logger.Level.DEBUG, "failure after the response began: " + reply.message());
            abort();
        } else {
            LOG.log(System.Logger.Level.DEBUG, "failure after the response was sent: " + reply.message());
        }
    }

    void send(HttpResponseStatus status, String contentType, byte[] content) {
        send(status, contentType, content, Map.of());
    }

    void send(HttpResponseStatus status, String contentType, byte[] content, Map<String, String> headers) {
        if (!state.compareAndSet(NEW, DONE)) {
            throw new IllegalStateException("response already sent for " + request.uri());
        }
        boolean head = request.method().equals(HttpMethod.HEAD);
        ByteBuf buf = content == null || head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(content);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buf);
        if (contentType != null) {
            response.headers().set("Content-Type", contentType);
        }
        headers.forEach(response.headers()::set);
        if (status.code() != 204 && status.code() != 304) {
            response.headers().setInt("Content-Length", content == null ? 0 : content.length);
        }
        boolean close = connectionHeader(response);
        finish(channel.writeAndFlush(response), close);
    }

    /** Ends the exchange: closes, or hands the connection back for its next request. */
    private void finish(ChannelFuture written, boolean close) {
        written.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess() || close) {
                f.channel().close();
            } else {
                onFinished.run();
            }
        });
    }

    private boolean connectionHeader(HttpResponse response) {
        boolean close = !io.netty.handler.codec.http.HttpUtil.isKeepAlive(request) || !bodyComplete
                || hijackedStream != null;
        if (close) {
            response.headers().set("Connection", "close");
        }
        return close;
    }

    // --- streamed responses ---------------------------------------------------------------------------------

    /**
     * A chunked 200 response. Its head goes out on the first write, on {@link ChunkedBody#start()} or at the end,
     * so a handler that fails before writing still answers with its error status.
     */
    ChunkedBody chunked(String contentType) {
        return new ChunkedBody(contentType, Map.of());
    }

    /** A chunked 200 response with extra headers (the path stat of an archive). */
    ChunkedBody chunked(String contentType, Map<String, String> headers) {
        return new ChunkedBody(contentType, headers);
    }

    /** A chunked body: writes block while the client is slow; a write to a departed client returns false. */
    final class ChunkedBody {
        private final String contentType;
        private final Map<String, String> headers;
        private boolean headSent;
        private boolean ended;

        private ChunkedBody(String contentType, Map<String, String> headers) {
            this.contentType = contentType;
            this.headers = headers;
        }

        synchronized void start() {
            if (headSent) {
                return;
            }
            if (!state.compareAndSet(NEW, STREAMING)) {
                throw new IllegalStateException("response already sent for " + request.uri());
            }
            headSent = true;
            HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            response.headers().set("Content-Type", contentType);
            response.headers().set("Transfer-Encoding", "chunked");
            headers.forEach(response.headers()::set);
            closeAtEnd = connectionHeader(response);
            channel.writeAndFlush(response);
        }

        private boolean closeAtEnd;

        synchronized boolean write(ByteBuf data) {
            if (ended) {
                data.release();
                return false;
            }
            start();
            if (!data.isReadable()) {
                data.release();
                return channel.isActive();
            }
            return writeBlocking(new DefaultHttpContent(data));
        }

        boolean write(byte[] data) {
            return write(Unpooled.wrappedBuffer(data));
        }

        synchronized void end() {
            if (ended) {
                return;
            }
            start();
            ended = true;
            state.set(DONE);
            finish(channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), closeAtEnd);
        }

        synchronized boolean started() {
            return headSent;
        }

        synchronized boolean ended() {
            return ended;
        }

        /** Ends a body that cannot be completed: the client sees a cut connection, not a clean end. */
        synchronized void abort() {
            ended = true;
            Exchange.this.abort();
        }

        /** An OutputStream onto this body (image save); writes to a departed client throw. */
        OutputStream asOutputStream() {
            return new OutputStream() {
                @Override
                public void write(int b) throws java.io.IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws java.io.IOException {
                    if (len > 0 && !ChunkedBody.this.write(Unpooled.copiedBuffer(b, off, len))) {
                        throw new java.io.IOException("client closed the connection");
                    }
                }
            };
        }
    }

    /**
     * A streamed response whose body is written when {@code future} completes, with the head flushed at once:
     * the docker CLI waits for the head of {@code /wait} before it starts the container.
     */
    <T> void headNowBodyLater(CompletableFuture<T> future, java.util.function.Function<T, Object> onValue,
                              java.util.function.Function<Throwable, Object> onFailure) {
        ChunkedBody out = chunked(JSON);
        out.start();
        onClientGone(() -> future.cancel(false));
        future.whenComplete((value, failure) -> {
            if (closed) {
                return;
            }
            Object reply = failure == null ? onValue.apply(value) : onFailure.apply(failure);
            byte[] bytes = Json.write(reply);
            byte[] line = java.util.Arrays.copyOf(bytes, bytes.length + 1);
            line[bytes.length] = '\n';
            out.write(line);
            out.end();
        });
    }

    /** Cuts the connection (a failure after the response began). */
    void abort() {
        state.set(DONE);
        channel.close();
    }

    /**
     * Writes one message, waiting while the connection's outbound buffer is over its high-water mark. Returns
     * false (and drops the message) when the client has gone.
     */
    boolean writeBlocking(Object msg) {
        if (!channel.isActive()) {
            ReferenceCountUtil.release(msg);
            return false;
        }
        ChannelFuture f = channel.writeAndFlush(msg);
        if (!channel.isWritable() && !channel.eventLoop().inEventLoop()) {
            f.awaitUninterruptibly();
        }
        return !f.isDone() || f.isSuccess();
    }

    // --- hijacked connections -------------------------------------------------------------------------------

    /**
     * Answers {@code 101 UPGRADED} (or {@code 200 OK} to an old client that asked for no upgrade) and turns the
     * connection into a raw duplex stream; the HTTP encoder is gone when this returns.
     */
    HijackedStream hijack(String contentType) {
        HijackedStream stream = hijackedStream;
        if (stream == null) {
            throw new IllegalStateException("route does not hijack: " + request.uri());
        }
        if (!state.compareAndSet(NEW, STREAMING)) {
            throw new IllegalStateException("response already sent for " + request.uri());
        }
        boolean upgrade = request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                || request.headers().contains(HttpHeaderNames.UPGRADE);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                upgrade ? new HttpResponseStatus(101, "UPGRADED") : HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
        response.headers().set("Content-Type", contentType);
        if (upgrade) {
            response.headers().set("Connection", "Upgrade");
            response.headers().set("Upgrade", "tcp");
        }
        CompletableFuture<Void> switched = new CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            try {
                channel.writeAndFlush(response);
                if (channel.pipeline().get(HttpConnection.ENCODER) != null) {
                    channel.pipeline().remove(HttpConnection.ENCODER);
                }
                switched.complete(null);
            } catch (RuntimeException e) {
                switched.completeExceptionally(e);
            }
        });
        switched.join();
        return stream;
    }
}
