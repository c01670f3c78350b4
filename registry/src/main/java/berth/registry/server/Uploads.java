package berth.registry.server;

import berth.oci.Digest;
import berth.store.Sha256;
import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Blob uploads in progress, each a file under {@code repositories/<name>/_uploads/<uuid>/data} that chunks are
 * appended to. Each chunk is hashed as it is written, so finishing an upload never reads the blob again; the
 * hash state lives in memory and is rebuilt from the file for an upload a previous server started.
 */
final class Uploads {
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final RegistryLayout layout;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    Uploads(RegistryLayout layout) {
        this.layout = layout;
    }

    /** One upload: its file, the hash of the bytes in it, and whether a request is writing to it now. */
    static final class Session {
        final RepositoryName name;
        final String uuid;
        final Path data;
        private final MessageDigest sha256;
        private long size;
        private boolean busy;

        private Session(RepositoryName name, String uuid, Path data, MessageDigest sha256, long size) {
            this.name = name;
            this.uuid = uuid;
            this.data = data;
            this.sha256 = sha256;
            this.size = size;
        }

        synchronized long size() {
            return size;
        }

        /** The digest of the bytes received so far; the running hash goes on. */
        synchronized Digest digest() {
            try {
                return Digest.ofSha256(((MessageDigest) sha256.clone()).digest());
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("SHA-256 cannot be cloned", e);
            }
        }
    }

    Session start(RepositoryName name) throws IOException {
        String uuid = UUID.randomUUID().toString();
        Path data = layout.uploadData(name, uuid);
        Files.createDirectories(data.getParent());
        Files.createFile(data);
        Session session = new Session(name, uuid, data, Sha256.newDigest(), 0);
        sessions.put(uuid, session);
        return session;
    }

    /** The upload {@code uuid} of repository {@code name}, or BLOB_UPLOAD_UNKNOWN. */
    Session get(RepositoryName name, String uuid) {
        Session session = UUID_TEXT.matcher(uuid).matches() ? sessions.get(uuid) : null;
        if (session != null && !Files.exists(session.data)) {
            // Collected as abandoned, or cancelled by another request.
            sessions.remove(uuid, session);
            session = null;
        }
        if (session != null && session.name.equals(name)) {
            return session;
        }
        if (session == null && UUID_TEXT.matcher(uuid).matches() && Files.isRegularFile(layout.uploadData(name, uuid))) {
            return sessions.computeIfAbsent(uuid, u -> resume(name, u));
        }
        throw ErrorCode.BLOB_UPLOAD_UNKNOWN.with("no upload " + uuid + " in " + name);
    }

    // An upload a previous server started: its hash state is rebuilt from what it wrote.
    private Session resume(RepositoryName name, String uuid) {
        Path data = layout.uploadData(name, uuid);
        MessageDigest sha256 = Sha256.newDigest();
        long size = 0;
        try (InputStream in = Files.newInputStream(data)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; size += n) {
                sha256.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Session(name, uuid, data, sha256, size);
    }

    /**
     * Opens {@code session} for one request's bytes, which must start where the upload stands ({@code start} is
     * the first offset of a {@code Content-Range}, or -1 for a request without one). One request at a time.
     */
    Appender append(Session session, long start) throws IOException {
        synchronized (session) {
            if (start >= 0 && start != session.size) {
                throw ErrorCode.BLOB_UPLOAD_INVALID.with("chunk starts at " + start + " but the upload has "
                        + session.size + " bytes").withStatus(416);
            }
            if (session.busy) {
                throw ErrorCode.BLOB_UPLOAD_INVALID.with("another request is writing upload " + session.uuid)
                        .withStatus(416);
            }
            session.busy = true;
        }
        try {
            return new Appender(session, FileChannel.open(session.data, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND));
        } catch (NoSuchFileException e) {
            release(session);
            sessions.remove(session.uuid);
            throw ErrorCode.BLOB_UPLOAD_UNKNOWN.with("upload " + session.uuid + " was cancelled");
        } catch (IOException | RuntimeException e) {
            release(session);
            throw e;
        }
    }

    private static void release(Session session) {
        synchronized (session) {
            session.busy = false;
        }
    }

    /** Writes one request's bytes to an upload, hashing them on the way. */
    static final class Appender implements AutoCloseable {
        private final Session session;
        private final FileChannel channel;
        private long written;

        private Appender(Session session, FileChannel channel) {
            this.session = session;
            this.channel = channel;
        }

        void write(ByteBuf chunk) throws IOException {
            ByteBuffer[] buffers = chunk.nioBuffers();
            synchronized (session) {
                for (ByteBuffer buffer : buffers) {
                    session.sha256.update(buffer.duplicate());
                }
                long remaining = chunk.readableBytes();
                while (remaining > 0) {
                    remaining -= channel.write(buffers);
                }
                session.size += chunk.readableBytes();
            }
            written += chunk.readableBytes();
        }

        long written() {
            return written;
        }

        /** Makes what was written durable: done before a blob is published from it. */
        void sync() throws IOException {
            channel.force(false);
        }

        @Override
        public void close() throws IOException {
            try {
                channel.close();
            } finally {
                release(session);
            }
        }
    }

    /** Forgets an upload and removes its files: after it was published, or cancelled. */
    void remove(Session session) throws IOException {
        sessions.remove(session.uuid);
        RepositoryStore.deleteTree(layout.upload(session.name, session.uuid));
    }
}
