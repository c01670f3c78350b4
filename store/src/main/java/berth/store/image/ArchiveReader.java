package berth.store.image;

import berth.oci.Descriptor;
import berth.oci.Digest;
import berth.oci.ImageRef;
import berth.oci.Json;
import berth.oci.MediaTypes;
import berth.oci.errors.InvalidArgument;
import berth.oci.image.ImageConfig;
import berth.oci.image.Index;
import berth.oci.image.Manifest;
import berth.store.ContentStore;
import berth.store.UntrustedInputStream;
import berth.store.layer.Compression;
import berth.store.meta.ImageRecord;
import berth.store.meta.LayerRecord;
import com.fasterxml.jackson.core.type.TypeReference;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code docker load} input: a docker-archive ({@code manifest.json}, preferred when present) or an OCI
 * image layout ({@code index.json}), each possibly of several images. The archive is staged first: every blob
 * lands in the content store, checked against the digest its name claims, and every layer is unpacked and its
 * diff id checked against the config. Only then are images and tags recorded. On any failure the blobs and
 * snapshots this load added are removed again, so a bad archive leaves nothing behind.
 */
final class ArchiveReader {
    private static final Pattern BLOB_PATH = Pattern.compile("blobs/sha256/([a-f0-9]{64})");
    private static final Set<String> METADATA_FILES = Set.of("manifest.json", "index.json", "oci-layout", "repositories");
    private static final int METADATA_LIMIT = 16 * 1024 * 1024;
    private static final String ANNOTATION_IMAGE_NAME = "io.containerd.image.name";
    private static final String ANNOTATION_REF_NAME = "org.opencontainers.image.ref.name";

    private record Staged(Digest config, List<Digest> layers, Digest manifest, List<ImageRef> tags) {}

    private final ImageStore images;
    private final ContentStore content;
    private final Map<String, byte[]> metadataFiles = new HashMap<>();
    private final Map<String, Digest> filesByPath = new HashMap<>();
    private final Set<Digest> addedBlobs = new HashSet<>();
    private final List<String> addedSnapshots = new ArrayList<>();

    ArchiveReader(ImageStore images, ContentStore content) {
        this.images = images;
        this.content = content;
    }

    List<LoadedImage> read(InputStream archive) {
        boolean done = false;
        try {
            stage(archive);
            List<Staged> staged = metadataFiles.containsKey("manifest.json") ? dockerArchive() : ociLayout();
            List<PreparedImage> prepared = new ArrayList<>();
            for (Staged image : staged) {
                prepared.add(unpack(image));
            }
            List<LoadedImage> loaded = new ArrayList<>();
            Set<Digest> kept = new HashSet<>();
            for (PreparedImage image : prepared) {
                images.metadata().putImage(image.record(), image.layers(),
                        image.tags().stream().map(ImageRef::toString).toList());
                loaded.add(new LoadedImage(image.record().id(), image.tags().stream().map(ImageRef::familiar).toList()));
                kept.addAll(images.blobsOf(image.record()));
            }
            done = true;
            addedBlobs.removeAll(kept);
            addedBlobs.forEach(content::delete); // files of the archive no image lists (legacy json, VERSION)
            return loaded;
        } finally {
            if (!done) {
                undo();
            }
        }
    }

    private record PreparedImage(ImageRecord record, List<LayerRecord> layers, List<ImageRef> tags) {}

    private void stage(InputStream archive) {
        UntrustedInputStream raw = new UntrustedInputStream(archive, "invalid archive");
        TarArchiveInputStream tar = new TarArchiveInputStream(raw);
        UntrustedInputStream entries = new UntrustedInputStream(tar, "invalid archive");
        boolean any = false;
        for (TarArchiveEntry entry = entries.reading(tar::getNextEntry); entry != null;
                entry = entries.reading(tar::getNextEntry)) {
            any = true;
            if (!entry.isFile() || entry.isSymbolicLink() || entry.isLink()) {
                continue;
            }
            String name = entry.getName().replaceFirst("^(\\./|/)+", "");
            if (METADATA_FILES.contains(name)) {
                if (entry.getSize() > METADATA_LIMIT) {
                    throw new InvalidArgument("invalid archive: " + name + " is too large");
                }
                metadataFiles.put(name, entries.reading(entries::readAllBytes));
                continue;
            }
            Matcher blob = BLOB_PATH.matcher(name);
            Optional<Digest> claimed = blob.matches() ? Optional.of(new Digest("sha256", blob.group(1))) : Optional.empty();
            filesByPath.put(name, store(entries, claimed));
        }
        if (!any) {
            throw new InvalidArgument("invalid archive: empty or not a tar archive");
        }
    }

    private Digest store(InputStream entry, Optional<Digest> claimed) {
        if (claimed.isPresent() && content.contains(claimed.get())) {
            return claimed.get(); // already stored and verified when it was
        }
        try (ContentStore.Writer writer = content.writer()) {
            entry.transferTo(writer.stream());
            Digest digest;
            try {
                digest = writer.commit(claimed);
            } catch (InvalidArgument e) {
                throw new InvalidArgument("invalid archive: blob " + claimed.orElseThrow().hex() + ": " + e.getMessage());
            }
            if (writer.published()) {
                addedBlobs.add(digest);
            }
            return digest;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Staged> dockerArchive() {
        List<ArchiveManifestEntry> entries;
        try {
            entries = Json.MAPPER.readValue(metadataFiles.get("manifest.json"), new TypeReference<>() {});
        } catch (IOException e) {
            throw new InvalidArgument("invalid archive: manifest.json: " + e.getMessage());
        }
        List<Staged> staged = new ArrayList<>();
        for (ArchiveManifestEntry entry : entries) {
            if (entry.config() == null || entry.layers() == null) {
                throw new InvalidArgument("invalid archive: manifest.json entry without Config or Layers");
            }
            Digest config = file(entry.config());
            List<Digest> layers = entry.layers().stream().map(this::file).toList();
            List<Descriptor> layerDescriptors = layers.stream()
                    .map(layer -> new Descriptor(layerMediaType(layer), layer, content.size(layer))).toList();
            Manifest manifest = new Manifest(2, MediaTypes.OCI_MANIFEST,
                    new Descriptor(MediaTypes.OCI_CONFIG, config, content.size(config)), layerDescriptors, null);
            Digest manifestDigest = putBlob(Json.write(manifest));
            List<ImageRef> tags = new ArrayList<>();
            for (String tag : entry.repoTags() == null ? List.<String>of() : entry.repoTags()) {
                tags.add(ImageRef.parse(tag));
            }
            staged.add(new Staged(config, layers, manifestDigest, tags));
        }
        return staged;
    }

    private List<Staged> ociLayout() {
        byte[] indexJson = metadataFiles.get("index.json");
        if (indexJson == null) {
            throw new InvalidArgument("invalid archive: neither manifest.json nor index.json found");
        }
        Index index = Json.read(indexJson, Index.class);
        Map<Digest, Staged> byManifest = new java.util.LinkedHashMap<>();
        for (Descriptor descriptor : index.manifests() == null ? List.<Descriptor>of() : index.manifests()) {
            Descriptor chosen = platformManifest(descriptor);
            Manifest manifest = Json.read(blob(chosen.digest()), Manifest.class);
            if (manifest.config() == null || manifest.layers() == null) {
                throw new InvalidArgument("invalid archive: manifest " + chosen.digest() + " lacks config or layers");
            }
            blob(manifest.config().digest());
            List<Digest> layers = manifest.layers().stream().map(Descriptor::digest).toList();
            layers.forEach(this::blob);
            Staged image = byManifest.computeIfAbsent(chosen.digest(),
                    digest -> new Staged(manifest.config().digest(), layers, digest, new ArrayList<>()));
            referenceOf(descriptor).filter(ref -> !image.tags().contains(ref)).ifPresent(image.tags()::add);
        }
        return List.copyOf(byManifest.values());
    }

    // An index entry may itself be an index (a multi-platform image): take its linux/amd64 manifest.
    private Descriptor platformManifest(Descriptor descriptor) {
        if (!MediaTypes.OCI_INDEX.equals(descriptor.mediaType())
                && !MediaTypes.DOCKER_MANIFEST_LIST.equals(descriptor.mediaType())) {
            return descriptor;
        }
        Index nested = Json.read(blob(descriptor.digest()), Index.class);
        return (nested.manifests() == null ? List.<Descriptor>of() : nested.manifests()).stream()
                .filter(m -> m.platform() == null
                        || ("amd64".equals(m.platform().architecture()) && "linux".equals(m.platform().os())))
                .findFirst()
                .map(this::platformManifest)
                .orElseThrow(() -> new InvalidArgument("invalid archive: no linux/amd64 image in " + descriptor.digest()));
    }

    private static Optional<ImageRef> referenceOf(Descriptor descriptor) {
        Map<String, String> annotations = descriptor.annotations() == null ? Map.of() : descriptor.annotations();
        String name = annotations.get(ANNOTATION_IMAGE_NAME);
        if (name == null) {
            String refName = annotations.get(ANNOTATION_REF_NAME);
            // A bare tag ("latest") names no repository; only a full reference is a tag to keep.
            name = refName != null && (refName.contains("/") || refName.contains(":")) ? refName : null;
        }
        return Optional.ofNullable(name).map(ImageRef::parse);
    }

    private PreparedImage unpack(Staged image) {
        byte[] configBytes = blob(image.config());
        ImageConfig config = Json.read(configBytes, ImageConfig.class);
        List<Digest> diffIds = config.rootfs() == null || config.rootfs().diffIds() == null
                ? List.of() : config.rootfs().diffIds();
        if (diffIds.size() != image.layers().size()) {
            throw new InvalidArgument("invalid archive: image " + image.config() + " lists " + image.layers().size()
                    + " layers but its config has " + diffIds.size() + " diff ids");
        }
        List<LayerRecord> layers = new ArrayList<>();
        Optional<String> parent = Optional.empty();
        long size = 0;
        for (int i = 0; i < diffIds.size(); i++) {
            Digest diffId = diffIds.get(i);
            String chainId = LayerSnapshots.chainId(parent, diffId);
            long layerSize;
            Optional<LayerRecord> known = images.metadata().layer(chainId);
            if (images.layers().exists(chainId) && known.isPresent()) {
                verifyDiffId(image.layers().get(i), diffId);
                layerSize = known.get().size();
            } else {
                boolean existed = images.layers().exists(chainId);
                try (InputStream blob = content.open(image.layers().get(i))) {
                    LayerSnapshots.Applied applied = images.layers().apply(blob, parent, Optional.of(diffId));
                    layerSize = applied.unpacked().contentSize();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (!existed) {
                    addedSnapshots.add(chainId);
                }
            }
            layers.add(new LayerRecord(chainId, diffId, parent.orElse(null), layerSize));
            size += layerSize;
            parent = Optional.of(chainId);
        }
        ImageRecord record = new ImageRecord(image.config(), image.manifest(), parent.orElse(null),
                ImageStore.createdOf(config), size, configBytes);
        return new PreparedImage(record, layers, image.tags());
    }

    // A blob named by its diff id is verified by its name; any other (compressed) blob is read through once.
    private void verifyDiffId(Digest layerBlob, Digest diffId) {
        if (layerBlob.equals(diffId)) {
            return;
        }
        try (InputStream blob = content.open(layerBlob)) {
            Digest actual = images.layers().measure(blob).diffId();
            if (!actual.equals(diffId)) {
                throw new InvalidArgument("layer diff id mismatch: expected " + diffId + ", got " + actual);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String layerMediaType(Digest layer) {
        try (InputStream in = new BufferedInputStream(content.open(layer))) {
            return switch (Compression.detect((BufferedInputStream) in)) {
                case NONE -> MediaTypes.OCI_LAYER;
                case GZIP -> MediaTypes.OCI_LAYER_GZIP;
                case ZSTD -> MediaTypes.OCI_LAYER_ZSTD;
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Digest file(String path) {
        Digest digest = filesByPath.get(path.replaceFirst("^(\\./|/)+", ""));
        if (digest == null) {
            throw new InvalidArgument("invalid archive: " + path + " is listed in manifest.json but missing");
        }
        return digest;
    }

    private byte[] blob(Digest digest) {
        if (!content.contains(digest)) {
            throw new InvalidArgument("invalid archive: blob " + digest + " is missing");
        }
        return content.read(digest);
    }

    private Digest putBlob(byte[] bytes) {
        try (ContentStore.Writer writer = content.writer()) {
            writer.stream().write(bytes);
            Digest digest = writer.commit(Optional.empty());
            if (writer.published()) {
                addedBlobs.add(digest);
            }
            return digest;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void undo() {
        for (String chainId : addedSnapshots.reversed()) {
            if (images.layers().exists(chainId)) {
                images.layers().remove(chainId);
            }
        }
        addedBlobs.forEach(content::delete);
    }
}
