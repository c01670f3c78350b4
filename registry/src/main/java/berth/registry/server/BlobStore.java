package berth.registry.server;

import berth.oci.Digest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The one content-addressed store of a registry: {@code blobs/sha256/<aa>/<hex>}. A blob appears only by an
 * atomic rename of a synced file whose digest the caller checked, so every visible blob is whole and named by
 * its true digest. Which repository may serve a blob is {@link RepositoryStore}'s business, not this one's.
 */
final class BlobStore {
    private final RegistryLayout layout;

    BlobStore(RegistryLayout layout) {
        this.layout = layout;
    }

    boolean exists(Digest digest) {
        return Files.isRegularFile(layout.blob(digest));
    }

    Path path(Digest digest) {
        return layout.blob(digest);
    }

    /**
     * Publishes {@code file} (synced, its digest checked) as blob {@code digest}. When the blob is there already the
     * file is dropped and the blob's mtime refreshed, which tells garbage collection it is wanted again.
     */
    void publish(Path file, Digest digest) throws IOException {
        Path blob = layout.blob(digest);
        if (Files.exists(blob)) {
            Files.delete(file);
            Files.setLastModifiedTime(blob, FileTime.fromMillis(System.currentTimeMillis()));
            return;
        }
        Files.createDirectories(blob.getParent());
        Files.move(file, blob, StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.syncDirectory(blob.getParent());
    }

    /** Stores a small blob (a manifest) from memory; returns its digest. */
    Digest put(byte[] bytes) throws IOException {
        Digest digest = Digest.sha256(bytes);
        Path temp = Files.createTempFile(layout.ingest(), "manifest-", ".partial");
        try {
            DurableFiles.writeSynced(temp, bytes);
            publish(temp, digest);
        } finally {
            Files.deleteIfExists(temp);
        }
        return digest;
    }

    byte[] read(Digest digest) throws IOException {
        try {
            return Files.readAllBytes(layout.blob(digest));
        } catch (NoSuchFileException e) {
            throw ErrorCode.BLOB_UNKNOWN.with("blob " + digest + " is not in the store");
        }
    }

    void delete(Digest digest) throws IOException {
        Files.deleteIfExists(layout.blob(digest));
    }

    /** Every stored blob. */
    List<Digest> all() {
        List<Digest> digests = new ArrayList<>();
        try (Stream<Path> prefixes = Files.list(layout.blobs())) {
            for (Path prefix : prefixes.toList()) {
                try (Stream<Path> blobs = Files.list(prefix)) {
                    blobs.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                            .forEach(hex -> digests.add(new Digest("sha256", hex)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return digests;
    }

    /** Removes what interrupted manifest writes left behind; at start, when no request runs. */
    void clearIngest() throws IOException {
        try (Stream<Path> stale = Files.list(layout.ingest())) {
            for (Path file : stale.toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
