package berth.registry.server;

import io.netty.buffer.ByteBuf;

import java.io.ByteArrayOutputStream;

/**
 * Where one request's body goes, chosen when its head arrives: chunks are fed to {@link #accept} as they come
 * off the connection (never gathered whole unless small), then {@link #finish} answers, off the event loop. A
 * failure while accepting is kept and thrown by {@code finish}, once the body is read, so the connection stays
 * usable.
 */
interface RequestBody {
    /** Takes one chunk; on the connection's event loop, so it must not block on anything but local files. */
    void accept(ByteBuf chunk) throws Exception;

    /** The answer, once the whole body was accepted. */
    Response finish() throws Exception;

    /** The connection closed before the body ended. */
    default void abort() {
    }

    /** A request without a body: any bytes that come are dropped. */
    static RequestBody none(Answer answer) {
        return new RequestBody() {
            @Override
            public void accept(ByteBuf chunk) {
            }

            @Override
            public Response finish() throws Exception {
                return answer.get();
            }
        };
    }

    /** A request refused at its head; the body is dropped, then the refusal sent. */
    static RequestBody refused(RegistryException error) {
        return none(() -> {
            throw error;
        });
    }

    /** A small body gathered in memory up to {@code limit} bytes; more fails with {@code tooLarge}. */
    static RequestBody buffered(int limit, RegistryException tooLarge, BodyAnswer answer) {
        return new RequestBody() {
            private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            private boolean overflow;

            @Override
            public void accept(ByteBuf chunk) throws java.io.IOException {
                if (overflow || bytes.size() + chunk.readableBytes() > limit) {
                    overflow = true;
                    return;
                }
                chunk.getBytes(chunk.readerIndex(), bytes, chunk.readableBytes());
            }

            @Override
            public Response finish() throws Exception {
                if (overflow) {
                    throw tooLarge;
                }
                return answer.apply(bytes.toByteArray());
            }
        };
    }

    /** An answer to a gathered body. */
    @FunctionalInterface
    interface BodyAnswer {
        Response apply(byte[] body) throws Exception;
    }

    /** An answer that may fail with a registry error or an I/O error. */
    @FunctionalInterface
    interface Answer {
        Response get() throws Exception;
    }
}
