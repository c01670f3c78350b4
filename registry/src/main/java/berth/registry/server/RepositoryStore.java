package berth.registry.server;

import berth.oci.Digest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What each repository holds, as links into the {@link BlobStore}: the blobs it may serve, its manifests, its
 * tags and the referrers of its manifests. All under {@code repositories/<name>/} (see {@link RegistryLayout}).
 */
final class RepositoryStore {
    private final RegistryLayout layout;

    RepositoryStore(RegistryLayout layout) {
        this.layout = layout;
    }

    /** A repository exists once something was pushed or mounted into it. */
    boolean exists(RepositoryName name) {
        return Files.isDirectory(layout.manifests(name)) || Files.isDirectory(layout.layerLinks(name));
    }

    // --- blobs ---

    boolean hasLayer(RepositoryName name, Digest digest) {
        return Files.exists(layout.layerLink(name, digest));
    }

    /** Links a blob into the repository, or refreshes the link's mtime (a client wants the blob now). */
    void linkLayer(RepositoryName name, Digest digest) throws IOException {
        DurableFiles.touch(layout.layerLink(name, digest));
    }

    boolean unlinkLayer(RepositoryName name, Digest digest) throws IOException {
        return Files.deleteIfExists(layout.layerLink(name, digest));
    }

    List<Digest> layers(RepositoryName name) {
        return digestsIn(layout.layerLinks(name));
    }

    // --- manifests ---

    /** The media type manifest {@code digest} was pushed with, if the repository has it. */
    Optional<String> revision(RepositoryName name, Digest digest) throws IOException {
        try {
            return Optional.of(Files.readString(layout.revision(name, digest), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    void putRevision(RepositoryName name, Digest digest, String mediaType) throws IOException {
        DurableFiles.write(layout.revision(name, digest), mediaType.getBytes(StandardCharsets.UTF_8));
    }

    /** Refreshes a manifest's link: a new manifest names it, so collection must not take it now. */
    void touchRevision(RepositoryName name, Digest digest) throws IOException {
        Files.setLastModifiedTime(layout.revision(name, digest), FileTime.fromMillis(System.currentTimeMillis()));
    }

    boolean deleteRevision(RepositoryName name, Digest digest) throws IOException {
        return Files.deleteIfExists(layout.revision(name, digest));
    }

    List<Digest> revisions(RepositoryName name) {
        return digestsIn(layout.revisions(name));
    }

    Path revisionPath(RepositoryName name, Digest digest) {
        return layout.revision(name, digest);
    }

    Path layerLinkPath(RepositoryName name, Digest digest) {
        return layout.layerLink(name, digest);
    }

    // --- tags ---

    Optional<Digest> tag(RepositoryName name, ManifestReference.Tag tag) throws IOException {
        try {
            return Optional.of(Digest.parse(Files.readString(layout.tagCurrent(name, tag)).strip()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    void putTag(RepositoryName name, ManifestReference.Tag tag, Digest digest) throws IOException {
        DurableFiles.write(layout.tagCurrent(name, tag), digest.toString().getBytes(StandardCharsets.UTF_8));
    }

    boolean deleteTag(RepositoryName name, ManifestReference.Tag tag) throws IOException {
        boolean existed = Files.deleteIfExists(layout.tagCurrent(name, tag));
        deleteTree(layout.tagDirectory(name, tag));
        return existed;
    }

    /** The repository's tags, sorted. */
    List<String> tags(RepositoryName name) {
        Path tags = layout.tags(name);
        if (!Files.isDirectory(tags)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(tags)) {
            return entries.filter(dir -> Files.exists(dir.resolve("current")))
                    .map(dir -> dir.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- referrers ---

    void putReferrer(RepositoryName name, Digest subject, Digest referrer, byte[] descriptor) throws IOException {
        DurableFiles.write(layout.referrer(name, subject, referrer), descriptor);
    }

    void deleteReferrer(RepositoryName name, Digest subject, Digest referrer) throws IOException {
        Files.deleteIfExists(layout.referrer(name, subject, referrer));
    }

    /** The descriptors of the manifests whose subject is {@code subject}, as stored at their push. */
    List<byte[]> referrers(RepositoryName name, Digest subject) throws IOException {
        Path dir = layout.referrers(name, subject);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<byte[]> descriptors = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.sorted().toList()) {
                if (!entry.getFileName().toString().startsWith(".")) {
                    try {
                        descriptors.add(Files.readAllBytes(entry));
                    } catch (NoSuchFileException deletedMeanwhile) {
                        // a concurrent manifest delete took it
                    }
                }
            }
        }
        return descriptors;
    }

    // --- the catalog ---

    /** Every repository, sorted by name: the directories under repositories/ that hold links. */
    List<RepositoryName> list() {
        List<RepositoryName> names = new ArrayList<>();
        collect(layout.repositories(), "", names);
        names.sort(null);
        return names;
    }

    private void collect(Path dir, String prefix, List<RepositoryName> names) {
        List<Path> children;
        try (Stream<Path> entries = Files.list(dir)) {
            children = entries.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path child : children) {
            String component = child.getFileName().toString();
            String name = prefix + component;
            RepositoryName repository;
            try {
                repository = new RepositoryName(name);
            } catch (RegistryException e) {
                continue; // _layers, _manifests, _uploads, or a directory the registry did not make
            }
            if (exists(repository)) {
                names.add(repository);
            }
            collect(child, name + "/", names);
        }
    }

    private static List<Digest> digestsIn(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .map(hex -> new Digest("sha256", hex)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
