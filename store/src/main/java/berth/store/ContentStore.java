package berth.store;

import berth.oci.Digest;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * Blobs by sha256 digest under {@code content/blobs/sha256}. A blob is written to a temporary file under
 * {@code content/ingest} while its digest is computed from the passing bytes, checked against the digest the
 * caller expects, synced, and only then published by an atomic rename: a blob that is visible is whole and
 * named by its true digest, whatever crash came before. Leftovers of interrupted writes are removed at start.
 */
public final class ContentStore {
    private static final Pattern PARTIAL = Pattern.compile("[a-f0-9]{64}\\.partial");
    private final Layout layout;
    private final ConcurrentHashMap<Digest, ReentrantLock> ingesting =
            new ConcurrentHashMap<>();

    /** Opens the store and removes what interrupted writes left in {@code ingest/}. */
    public ContentStore(Layout layout) {
        this.layout = layout;
        layout.createDirectories();
        try (var stale = Files.list(layout.ingest())) {
            for (Path file : stale.toList()) {
                if (!PARTIAL.matcher(file.getFileName().toString()).matches()) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stores the bytes of {@code in}; fails with {@link InvalidArgument} (storing nothing) if they do not have {@code expected}. */
    public Digest put(InputStream in, Optional<Digest> expected) {
        try (Writer writer = writer()) {
            in.transferTo(writer.stream());
            return writer.commit(expected);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Digest put(byte[] bytes) {
        try (Writer writer = writer()) {
            writer.stream().write(bytes);
            return writer.commit(Optional.empty());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A writer for a blob whose bytes arrive piecewise (a tee of a layer being unpacked, say). */
    public Writer writer() {
        try {
            return new Writer(Files.createTempFile(layout.ingest(), "blob-", ".partial"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The download of blob {@code expected}, resumable: its bytes go to {@code ingest/<hex>.partial}, which outlives
     * a failed download so the next attempt continues where it stopped ({@link Download#offset()}). One download
     * per digest at a time: a second caller waits here, then usually finds the blob {@link #contains stored}.
     */
    public Download download(Digest expected) {
        ReentrantLock lock =
                ingesting.computeIfAbsent(expected, d -> new ReentrantLock());
        lock.lock();
        try {
            return new Download(expected, lock);
        } catch (IOException | RuntimeException e) {
            lock.unlock();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    public boolean contains(Digest digest) {
        return Files.isRegularFile(layout.blob(digest));
    }

    /** The file of a stored blob, to read it or send it with zero copy. */
    public Path path(Digest digest) {
        Path blob = layout.blob(digest);
        if (!Files.isRegularFile(blob)) {
            throw notFound(digest);
        }
        return blob;
    }

    public InputStream open(Digest digest) {
        try {
            return Files.newInputStream(layout.blob(digest));
        } catch (NoSuchFileException e) {
            throw notFound(digest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] read(Digest digest) {
        try (InputStream in = open(digest)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long size(Digest digest) {
        try {
            return Files.size(path(digest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes a blob; removing one that is absent is not an error. */
    public void delete(Digest digest) {
        try {
            Files.deleteIfExists(layout.blob(digest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static NotFound notFound(Digest digest) {
        return new NotFound("blob " + digest + " not found");
    }

    /** One blob being written: write to {@link #stream()}, then {@link #commit}; closing without commit discards it. */
    public final class Writer implements AutoCloseable {
        private final Path temp;
        private final FileChannel channel;
        private final MessageDigest sha256 = Sha256.newDigest();
        private final OutputStream stream;
        private long size;
        private boolean published;

        private Writer(Path temp) throws IOException {
            this.temp = temp;
            this.channel = FileChannel.open(temp, StandardOpenOption.WRITE);
            this.stream = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    sha256.update(bytes, offset, length);
                    ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                    size += length;
                }
            };
        }

        public OutputStream stream() {
            return stream;
        }

        public long size() {
            return size;
        }

        /** Whether {@link #commit} published a new blob, rather than finding it already stored. */
        public boolean published() {
            return published;
        }

        /** Verifies, syncs and publishes the blob; a blob already stored under the digest is kept as it is. */
        public Digest commit(Optional<Digest> expected) throws IOException {
            Digest actual = Digest.ofSha256(sha256.digest());
            if (expected.isPresent() && !expected.get().equals(actual)) {
                throw new InvalidArgument("digest mismatch: expected " + expected.get() + ", got " + actual);
            }
            channel.force(true);
            channel.close();
            Path blob = layout.blob(actual);
            if (!Files.exists(blob)) {
                Files.move(temp, blob, StandardCopyOption.ATOMIC_MOVE);
                syncDirectory(blob.getParent());
                published = true;
            }
            return actual;
        }

        @Override
        public void close() throws IOException {
            channel.close();
            Files.deleteIfExists(temp);
        }
    }

    /**
     * One resumable download (see {@link ContentStore#download}). Bytes already in the partial file were hashed
     * when it was opened; append with {@link #stream()}, then {@link #commit()}. {@link #close()} keeps the partial
     * file unless it was committed or {@link #discard()}ed.
     */
    public final class Download implements AutoCloseable {
        private final Digest expected;
        private final ReentrantLock lock;
        private final Path partial;
        private final FileChannel channel;
        private final MessageDigest sha256 = Sha256.newDigest();
        private final OutputStream stream;
        private boolean done;

        private Download(Digest expected, ReentrantLock lock) throws IOException {
            this.expected = expected;
            this.lock = lock;
            this.partial = layout.partial(expected);
            this.channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
            long at = 0;
            for (int n = channel.read(buffer, at); n > 0; n = channel.read(buffer, at)) {
                sha256.update(buffer.flip());
                buffer.clear();
                at += n;
            }
            channel.position(at);
            this.stream = Channels.newOutputStream(new WritableByteChannel() {
                @Override
                public int write(ByteBuffer src) throws IOException {
                    sha256.update(src.duplicate());
                    int n = src.remaining();
                    while (src.hasRemaining()) {
                        channel.write(src);
                    }
                    return n;
                }

                @Override
                public boolean isOpen() {
                    return channel.isOpen();
                }

                @Override
                public void close() {
                }
            });
        }

        /** How many bytes an earlier attempt already stored: where to resume. */
        public long offset() throws IOException {
            return channel.position();
        }

        public OutputStream stream() {
            return stream;
        }

        /** Drops what was downloaded (a registry that cannot resume, a blob whose bytes were wrong). */
        public void discard() throws IOException {
            channel.truncate(0);
            channel.position(0);
            sha256.reset();
        }

        /** Verifies and publishes the blob; a mismatch deletes the partial bytes and is {@link InvalidArgument}. */
        public void commit() throws IOException {
            Digest actual = Digest.ofSha256(sha256.digest());
            if (!actual.equals(expected)) {
                discard();
                throw new InvalidArgument("digest mismatch: expected " + expected + ", got " + actual);
            }
            channel.force(true);
            channel.close();
            Path blob = layout.blob(actual);
            if (!Files.exists(blob)) {
                Files.move(partial, blob, StandardCopyOption.ATOMIC_MOVE);
                syncDirectory(blob.getParent());
            }
            done = true;
        }

        @Override
        public void close() throws IOException {
            try {
                channel.close();
                if (done || Files.size(partial) == 0) {
                    Files.deleteIfExists(partial);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    // The rename is durable only once the directory holding the new name is synced.
    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
