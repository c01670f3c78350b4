package berth.registry.server;

import berth.oci.Digest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.stream.Stream;

/**
 * Removes blobs no manifest references, safely while pushes run. The rule:
 * <ol>
 * <li><b>Mark</b> every blob a manifest of any repository names: the manifest itself, its config and layers, the
 *     manifests an index lists. Untagged manifests count: they can be pulled by digest.</li>
 * <li><b>Sweep</b>, with pushes held off ({@link Registry#collection} exclusively), each unmarked blob unless it
 *     is younger than the grace period, or some repository's link to it is: a finished upload, a mount, a
 *     client's HEAD check and a manifest push each refresh the links they touch, so a blob a push is about to
 *     name survives for the grace period after the client last touched it.</li>
 * <li>Links of removed blobs go with them; uploads untouched for longer than the upload expiry are removed. An
 *     upload in progress is a file of its own under {@code _uploads}, never a blob, so nothing here can take
 *     bytes it has received.</li>
 * </ol>
 * A manifest pushed after the mark holds the shared lock while it checks and refreshes its blobs' links, so by
 * the time the sweep holds the lock those links are young and the sweep keeps the blobs.
 */
public final class GarbageCollector {
    private static final System.Logger LOG = System.getLogger(GarbageCollector.class.getName());
    /** How long an upload may sit untouched before it counts as abandoned. */
    static final Duration UPLOAD_EXPIRY = Duration.ofDays(1);

    private final Registry registry;
    private final Duration grace;

    /** What one collection did. */
    public record Result(int blobsRemoved, long bytesRemoved, int blobsKept, int uploadsRemoved) {
        @Override
        public String toString() {
            return blobsRemoved + " blobs removed (" + bytesRemoved + " bytes), " + blobsKept + " kept, "
                    + uploadsRemoved + " abandoned uploads removed";
        }
    }

    GarbageCollector(Registry registry, Duration grace) {
        this.registry = registry;
        this.grace = grace;
    }

    /** Collects a registry root no server is using (the root's lock says so), as {@code berth registry gc} does. */
    public static Result collect(Path root, Duration grace) {
        RegistryLayout layout = new RegistryLayout(root);
        if (!Files.isDirectory(layout.blobs())) {
            throw new IllegalArgumentException(root + " is not a registry root (it has no blobs/sha256)");
        }
        var lock = layout.lock();
        try {
            return new GarbageCollector(new Registry(layout, null, true), grace).collect();
        } finally {
            try {
                lock.channel().close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot release " + root + "/lock: " + e.getMessage());
            }
        }
    }

    public Result collect() {
        Set<Digest> marked = mark();
        Instant cutoff = Instant.now().minus(grace);
        int removed = 0;
        long bytes = 0;
        int kept = 0;
        Lock exclusive = registry.collection.writeLock();
        exclusive.lock();
        try {
            List<RepositoryName> repositories = registry.repositories.list();
            Map<Digest, FileTime> youngestLink = youngestLinks(repositories);
            for (Digest digest : registry.blobs.all()) {
                Path blob = registry.blobs.path(digest);
                if (marked.contains(digest) || young(Files.getLastModifiedTime(blob), cutoff)
                        || young(youngestLink.get(digest), cutoff)) {
                    kept++;
                    continue;
                }
                bytes += Files.size(blob);
                registry.blobs.delete(digest);
                removed++;
                for (RepositoryName name : repositories) {
                    registry.repositories.unlinkLayer(name, digest);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            exclusive.unlock();
        }
        Result result = new Result(removed, bytes, kept, removeAbandonedUploads());
        LOG.log(System.Logger.Level.INFO, "garbage collection: " + result);
        return result;
    }

    private Set<Digest> mark() {
        Set<Digest> marked = new HashSet<>();
        for (RepositoryName name : registry.repositories.list()) {
            for (Digest manifest : registry.repositories.revisions(name)) {
                marked.add(manifest);
                try {
                    String mediaType = registry.repositories.revision(name, manifest).orElse(null);
                    if (mediaType == null || !registry.blobs.exists(manifest)) {
                        continue;
                    }
                    ManifestDocument document = ManifestDocument.parse(registry.blobs.read(manifest), mediaType);
                    marked.addAll(document.blobs());
                    marked.addAll(document.manifests());
                } catch (IOException | RegistryException e) {
                    // Deleted meanwhile, or (never accepted, so never written) unreadable: it marks nothing more.
                    LOG.log(System.Logger.Level.DEBUG, "cannot read manifest " + manifest + " of " + name + ": " + e);
                }
            }
        }
        return marked;
    }

    // The newest mtime of any repository's layer or manifest link to each blob.
    private Map<Digest, FileTime> youngestLinks(List<RepositoryName> repositories) throws IOException {
        Map<Digest, FileTime> youngest = new HashMap<>();
        for (RepositoryName name : repositories) {
            for (Digest digest : registry.repositories.layers(name)) {
                newer(youngest, digest, registry.repositories.layerLinkPath(name, digest));
            }
            for (Digest digest : registry.repositories.revisions(name)) {
                newer(youngest, digest, registry.repositories.revisionPath(name, digest));
            }
        }
        return youngest;
    }

    private static void newer(Map<Digest, FileTime> youngest, Digest digest, Path link) throws IOException {
        FileTime time = Files.getLastModifiedTime(link);
        youngest.merge(digest, time, (a, b) -> a.compareTo(b) >= 0 ? a : b);
    }

    private static boolean young(FileTime time, Instant cutoff) {
        return time != null && time.toInstant().isAfter(cutoff);
    }

    private int removeAbandonedUploads() {
        Instant cutoff = Instant.now().minus(UPLOAD_EXPIRY.compareTo(grace) > 0 ? UPLOAD_EXPIRY : grace);
        int removed = 0;
        // Every _uploads directory, also of repositories that have nothing else yet.
        List<Path> uploadDirectories;
        try (Stream<Path> walk = Files.walk(registry.layout.repositories())) {
            uploadDirectories = walk.filter(p -> p.getFileName().toString().equals("_uploads") && Files.isDirectory(p))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path uploads : uploadDirectories) {
            try (Stream<Path> entries = Files.list(uploads)) {
                for (Path upload : entries.toList()) {
                    Path data = upload.resolve("data");
                    if (!Files.exists(data) || !young(Files.getLastModifiedTime(data), cutoff)) {
                        RepositoryStore.deleteTree(upload);
                        removed++;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return removed;
    }
}
