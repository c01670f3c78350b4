package berth.store.image;

import berth.oci.Descriptor;
import berth.oci.Digest;
import berth.oci.ImageRef;
import berth.oci.Json;
import berth.oci.MediaTypes;
import berth.oci.errors.InvalidArgument;
import berth.oci.image.Index;
import berth.oci.image.Manifest;
import berth.store.ContentStore;
import berth.store.meta.ImageRecord;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes images as docker 25+ does for {@code docker save}: one tar that is a docker-archive
 * ({@code manifest.json}, {@code repositories}) and an OCI image layout ({@code oci-layout}, {@code index.json})
 * at once, every blob under {@code blobs/sha256/} once however many images list it.
 */
final class ArchiveWriter {
    private static final String ANNOTATION_IMAGE_NAME = "io.containerd.image.name";
    private static final String ANNOTATION_REF_NAME = "org.opencontainers.image.ref.name";

    private final ImageStore images;
    private final ContentStore content;

    ArchiveWriter(ImageStore images, ContentStore content) {
        this.images = images;
        this.content = content;
    }

    void write(List<String> names, OutputStream out) {
        if (names.isEmpty()) {
            throw new InvalidArgument("no images to save");
        }
        Map<Digest, List<ImageRef>> tagsById = new LinkedHashMap<>();
        for (String name : names) {
            List<String> repositoryTags = repositoryTags(name);
            if (repositoryTags.isEmpty()) {
                Image image = images.resolve(name);
                List<ImageRef> tags = tagsById.computeIfAbsent(image.id(), id -> new ArrayList<>());
                taggedAs(name, image.id()).filter(ref -> !tags.contains(ref)).ifPresent(tags::add);
            }
            for (String tag : repositoryTags) {
                ImageRef ref = ImageRef.parse(tag);
                images.metadata().imageOfTag(tag).ifPresent(id -> {
                    List<ImageRef> tags = tagsById.computeIfAbsent(id, i -> new ArrayList<>());
                    if (!tags.contains(ref)) {
                        tags.add(ref);
                    }
                });
            }
        }
        try {
            TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            List<ArchiveManifestEntry> manifestJson = new ArrayList<>();
            Map<String, Map<String, String>> repositories = new TreeMap<>();
            List<Descriptor> indexEntries = new ArrayList<>();
            Set<Digest> written = new HashSet<>();
            for (Map.Entry<Digest, List<ImageRef>> entry : tagsById.entrySet()) {
                ImageRecord record = images.record(entry.getKey());
                Manifest manifest = images.manifestOf(record);
                writeBlob(tar, manifest.config().digest(), written);
                List<String> layerPaths = new ArrayList<>();
                for (Descriptor layer : manifest.layers()) {
                    writeBlob(tar, layer.digest(), written);
                    layerPaths.add(blobPath(layer.digest()));
                }
                writeBlob(tar, record.manifest(), written);
                List<ImageRef> tags = entry.getValue();
                manifestJson.add(new ArchiveManifestEntry(blobPath(record.id()),
                        tags.stream().map(ImageRef::familiar).toList(), layerPaths));
                Descriptor manifestDescriptor = new Descriptor(manifest.mediaType(), record.manifest(),
                        content.size(record.manifest()));
                if (tags.isEmpty()) {
                    indexEntries.add(manifestDescriptor);
                }
                for (ImageRef tag : tags) {
                    indexEntries.add(new Descriptor(manifest.mediaType(), record.manifest(), manifestDescriptor.size(),
                            Map.of(ANNOTATION_IMAGE_NAME, tag.toString(), ANNOTATION_REF_NAME, tag.tag()), null));
                    if (!manifest.layers().isEmpty()) {
                        repositories.computeIfAbsent(tag.familiarRepository(), r -> new TreeMap<>())
                                .put(tag.tag(), manifest.layers().getLast().digest().hex());
                    }
                }
            }
            writeFile(tar, "index.json", Json.write(new Index(2, MediaTypes.OCI_INDEX, indexEntries, null)));
            writeFile(tar, "manifest.json", Json.write(manifestJson));
            writeFile(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes());
            if (!repositories.isEmpty()) {
                writeFile(tar, "repositories", Json.write(repositories));
            }
            tar.finish();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing image archive", e);
        }
    }

    // A repository name without tag or digest (busybox) saves every tag of that repository, as docker does.
    private List<String> repositoryTags(String name) {
        try {
            ImageRef ref = ImageRef.parseLoose(name);
            return ref.tag() == null && ref.digest() == null
                    ? images.metadata().tagsInRepository(ref.repository()) : List.of();
        } catch (InvalidArgument e) {
            return List.of();
        }
    }

    // A name that is a tag of the image is saved with that tag; an id or prefix saves the image untagged.
    private Optional<ImageRef> taggedAs(String name, Digest id) {
        try {
            ImageRef ref = ImageRef.parse(name);
            return images.metadata().imageOfTag(ref.toString()).filter(id::equals).map(found -> ref);
        } catch (InvalidArgument e) {
            return Optional.empty();
        }
    }

    private void writeBlob(TarArchiveOutputStream tar, Digest digest, Set<Digest> written) throws IOException {
        if (!written.add(digest)) {
            return;
        }
        TarArchiveEntry entry = new TarArchiveEntry(blobPath(digest));
        entry.setSize(content.size(digest));
        entry.setMode(0644);
        tar.putArchiveEntry(entry);
        try (InputStream in = content.open(digest)) {
            in.transferTo(tar);
        }
        tar.closeArchiveEntry();
    }

    private static void writeFile(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(bytes.length);
        entry.setMode(0644);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    static String blobPath(Digest digest) {
        return "blobs/sha256/" + digest.hex();
    }
}
