package berth.registry.server;

import berth.oci.Digest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Every path under a registry's root, built in this one class so the on-disk layout is written down once.
 * Repositories do not own blobs: they link into one content-addressed store, so a layer pushed to ten
 * repositories is stored once.
 * <pre>
 * ROOT/                                        ({@code --root}; inside berthd: &lt;daemon root&gt;/registry)
 * ├── lock                                     held by the one process serving or collecting this root
 * ├── ingest/                                  manifest bodies being written; emptied at start
 * ├── blobs/sha256/&lt;aa&gt;/&lt;hex&gt;                  every blob once, by digest (aa = its first two hex digits):
 * │                                            layers, configs and manifests, renamed in whole after their digest checked
 * └── repositories/&lt;name&gt;/                     one per repository; a name's '/' are directories
 *     ├── _layers/sha256/&lt;hex&gt;                 empty: this repository may serve blob &lt;hex&gt; (uploaded or mounted here)
 *     ├── _manifests/
 *     │   ├── revisions/sha256/&lt;hex&gt;          manifest &lt;hex&gt; is in this repository; holds its media type
 *     │   ├── tags/&lt;tag&gt;/current              the digest the tag points to
 *     │   └── referrers/sha256/&lt;subject hex&gt;/&lt;hex&gt;
 *     │                                        manifest &lt;hex&gt; names &lt;subject&gt; as its subject; holds its
 *     │                                        descriptor as the referrers API lists it
 *     └── _uploads/&lt;uuid&gt;/data                 a blob upload in progress, appended to chunk by chunk
 * </pre>
 * The mtime of a {@code _layers} or {@code revisions} link is when a client last pushed, mounted or checked
 * that blob in that repository; garbage collection reads it (see {@link GarbageCollector}).
 */
public final class RegistryLayout {
    private final Path root;

    public RegistryLayout(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** Creates the two top directories; safe on every start. */
    public void createDirectories() {
        try {
            Files.createDirectories(blobs());
            Files.createDirectories(repositories());
            Files.createDirectories(ingest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the registry root " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Takes the root for this process alone (a server, or an offline {@code gc}), so garbage collection never
     * runs beside a server it cannot coordinate with. The lock goes with the process.
     */
    public FileLock lock() {
        try {
            FileChannel channel = FileChannel.open(root.resolve("lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("another Berth registry (a server or gc) is using " + root);
            }
            return lock;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + root + ": " + e.getMessage(), e);
        }
    }

    public Path ingest() {
        return root.resolve("ingest");
    }

    public Path blobs() {
        return root.resolve("blobs").resolve("sha256");
    }

    public Path blob(Digest digest) {
        return blobs().resolve(digest.hex().substring(0, 2)).resolve(digest.hex());
    }

    public Path repositories() {
        return root.resolve("repositories");
    }

    public Path repository(RepositoryName name) {
        return repositories().resolve(name.value());
    }

    public Path layerLinks(RepositoryName name) {
        return repository(name).resolve("_layers").resolve("sha256");
    }

    public Path layerLink(RepositoryName name, Digest digest) {
        return layerLinks(name).resolve(digest.hex());
    }

    public Path manifests(RepositoryName name) {
        return repository(name).resolve("_manifests");
    }

    public Path revisions(RepositoryName name) {
        return manifests(name).resolve("revisions").resolve("sha256");
    }

    public Path revision(RepositoryName name, Digest digest) {
        return revisions(name).resolve(digest.hex());
    }

    public Path tags(RepositoryName name) {
        return manifests(name).resolve("tags");
    }

    public Path tagDirectory(RepositoryName name, ManifestReference.Tag tag) {
        return tags(name).resolve(tag.name());
    }

    public Path tagCurrent(RepositoryName name, ManifestReference.Tag tag) {
        return tagDirectory(name, tag).resolve("current");
    }

    public Path referrers(RepositoryName name, Digest subject) {
        return manifests(name).resolve("referrers").resolve("sha256").resolve(subject.hex());
    }

    public Path referrer(RepositoryName name, Digest subject, Digest referrer) {
        return referrers(name, subject).resolve(referrer.hex());
    }

    public Path uploads(RepositoryName name) {
        return repository(name).resolve("_uploads");
    }

    public Path upload(RepositoryName name, String uuid) {
        return uploads(name).resolve(uuid);
    }

    public Path uploadData(RepositoryName name, String uuid) {
        return upload(name, uuid).resolve("data");
    }
}
