package berth.store.image;

import berth.oci.Descriptor;
import berth.oci.Digest;
import berth.oci.ImageRef;
import berth.oci.Json;
import berth.oci.MediaTypes;
import berth.oci.container.ContainerConfig;
import berth.oci.errors.Conflict;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;
import berth.oci.image.ImageConfig;
import berth.oci.image.Manifest;
import berth.store.ContentStore;
import berth.store.TeeInputStream;
import berth.store.layer.Compression;
import berth.store.meta.ContainerRecord;
import berth.store.meta.ImageRecord;
import berth.store.meta.LayerRecord;
import berth.store.meta.MetadataStore;
import berth.store.snapshot.Snapshotter;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Images on top of the content store (blobs), the metadata store (image, tag and layer rows) and a snapshotter
 * (unpacked layers). An image is its config blob (whose digest is its id), a manifest blob listing its layer
 * blobs, and one committed snapshot per layer keyed by chain id, shared with every image that has the same
 * layers below. Names resolve as docker's do; deleting keeps whatever another image or a container still uses.
 */
public final class ImageStore {
    private static final Pattern HEX_PREFIX = Pattern.compile("[a-f0-9]{1,64}");

    private final ContentStore content;
    private final MetadataStore metadata;
    private final Snapshotter snapshotter;
    private final LayerSnapshots layers;
    private final ConcurrentHashMap<String, ReentrantLock> applying = new ConcurrentHashMap<>();

    public ImageStore(ContentStore content, MetadataStore metadata, Snapshotter snapshotter) {
        this.content = content;
        this.metadata = metadata;
        this.snapshotter = snapshotter;
        this.layers = new LayerSnapshots(snapshotter);
    }

    /**
     * {@code docker import}: makes a one-layer image of a root file system tar (plain, gzip or zstd). The layer
     * is stored uncompressed, so its blob digest is its diff id.
     */
    public Image importRootfs(InputStream tarOrCompressed, ContainerConfig config, String comment, Optional<ImageRef> tag) {
        LayerSnapshots.Applied applied;
        Digest layerBlob;
        try (ContentStore.Writer blob = content.writer()) {
            BufferedInputStream buffered = new BufferedInputStream(tarOrCompressed, 64 * 1024);
            InputStream tar;
            try {
                tar = Compression.detect(buffered).decompress(buffered);
            } catch (IOException e) {
                throw new InvalidArgument("invalid layer: " + e.getMessage(), e);
            }
            applied = layers.apply(new TeeInputStream(tar, blob.stream()), Optional.empty(), Optional.empty());
            layerBlob = blob.commit(Optional.of(applied.unpacked().diffId()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String created = Instant.now().truncatedTo(ChronoUnit.NANOS).toString();
        Digest diffId = applied.unpacked().diffId();
        ImageConfig imageConfig = new ImageConfig(created, null, "amd64", "linux", config,
                new ImageConfig.RootFs("layers", List.of(diffId)),
                List.of(new ImageConfig.History(created, null, null,
                        comment == null || comment.isBlank() ? "Imported from -" : comment, null)));
        byte[] configBytes = Json.write(imageConfig);
        Digest id = content.put(configBytes);
        Manifest manifest = new Manifest(2, MediaTypes.OCI_MANIFEST,
                new Descriptor(MediaTypes.OCI_CONFIG, id, configBytes.length),
                List.of(new Descriptor(MediaTypes.OCI_LAYER, layerBlob, content.size(layerBlob))), null);
        Digest manifestDigest = content.put(Json.write(manifest));
        long size = applied.unpacked().contentSize();
        metadata.putImage(new ImageRecord(id, manifestDigest, applied.chainId(), createdOf(imageConfig), size, configBytes),
                List.of(new LayerRecord(applied.chainId(), diffId, null, size)),
                tag.map(ref -> List.of(ref.toString())).orElse(List.of()));
        return image(id);
    }

    /**
     * Finds an image as docker does: a full {@code sha256:} id, a reference ({@code busybox} meaning
     * {@code docker.io/library/busybox:latest}), then a unique id prefix. None is {@code No such image: X}.
     */
    public Image resolve(String nameOrIdOrPrefix) {
        String hex = nameOrIdOrPrefix.startsWith("sha256:") ? nameOrIdOrPrefix.substring(7) : nameOrIdOrPrefix;
        Optional<ImageRef> ref = Optional.empty();
        if (!nameOrIdOrPrefix.startsWith("sha256:")) {
            try {
                ref = Optional.of(ImageRef.parse(nameOrIdOrPrefix));
            } catch (InvalidArgument e) {
                // not a reference: an id prefix or nothing
            }
        }
        Optional<Digest> byTag = ref.flatMap(r -> metadata.imageOfTag(r.toString()));
        if (byTag.isPresent()) {
            return image(byTag.get());
        }
        if (HEX_PREFIX.matcher(hex).matches()) {
            List<Digest> matches = metadata.imageIdsWithPrefix(hex);
            if (matches.size() > 1) {
                throw new InvalidArgument("multiple IDs found with provided prefix: " + nameOrIdOrPrefix);
            }
            if (matches.size() == 1) {
                return image(matches.getFirst());
            }
        }
        throw new NotFound("No such image: " + ref.map(ImageRef::familiar).orElse(nameOrIdOrPrefix));
    }

    /** The image with id {@code id}; {@link NotFound} if there is none. */
    public Image image(Digest id) {
        return toImage(metadata.image(id).orElseThrow(() -> new NotFound("No such image: " + id)));
    }

    public List<Image> list() {
        return metadata.images().stream().map(this::toImage).toList();
    }

    /** Points {@code ref} at the image, taking it from any image that had it. */
    public void tag(Digest imageId, ImageRef ref) {
        metadata.tag(ref.toString(), imageId);
    }

    public void untag(ImageRef ref) {
        if (!metadata.untag(ref.toString())) {
            throw new NotFound("No such image: " + ref.familiar());
        }
    }

    /**
     * Deletes an image with its tags, the blobs no other image lists and the layer snapshots no other image
     * stands on. Refused with {@link Conflict} while a container uses the image or one of its layers.
     */
    public void delete(Digest imageId) {
        ImageRecord image = metadata.image(imageId).orElseThrow(() -> new NotFound("No such image: " + imageId));
        List<ContainerRecord> users = metadata.containersUsingImage(imageId);
        if (!users.isEmpty()) {
            throw new Conflict("conflict: unable to delete " + imageId.shortHex()
                    + " (must be forced) - image is being used by stopped container " + users.getFirst().id().substring(0, 12));
        }
        List<String> unusedLayers = unusedLayers(image);
        for (String chainId : unusedLayers) {
            for (String child : snapshotter.exists(chainId) ? snapshotter.children(chainId) : List.<String>of()) {
                if (!unusedLayers.contains(child)) {
                    throw new Conflict("conflict: unable to delete " + imageId.shortHex()
                            + " - its layer " + chainId + " is in use by snapshot " + child);
                }
            }
        }
        Set<Digest> blobs = blobsOf(image);
        for (ImageRecord other : metadata.images()) {
            if (!other.id().equals(imageId)) {
                blobs.removeAll(blobsOf(other));
            }
        }
        metadata.deleteImage(imageId, unusedLayers);
        for (String chainId : unusedLayers) {
            if (snapshotter.exists(chainId)) {
                snapshotter.remove(chainId);
            }
        }
        blobs.forEach(content::delete);
    }

    /**
     * {@code docker commit}: stacks a layer tar (whiteouts as {@code .wh.} entries) on {@code parent} as a new
     * image with run configuration {@code config} and one more history entry; tags it when asked.
     */
    public Image commit(Image parent, InputStream layerTar, ContainerConfig config, String author, String comment,
                        String createdBy, Optional<ImageRef> tag) {
        return new LayerCommit(this, content).commit(parent, layerTar, config,
                new LayerCommit.Origin(author, comment, createdBy), tag);
    }

    /** {@code docker save}: writes the named images as one archive that is both a docker-archive and an OCI layout. */
    public void save(List<String> names, OutputStream out) {
        new ArchiveWriter(this, content).write(names, out);
    }

    /** {@code docker load}: stores every image of a docker-archive or OCI layout, or nothing if any part is bad. */
    public List<LoadedImage> load(InputStream archive) {
        return new ArchiveReader(this, content).read(archive);
    }

    // --- what a pull and a push need --------------------------------------------------------------------

    /** The image with config digest {@code id}, if it is stored. */
    public Optional<Image> find(Digest id) {
        return metadata.image(id).map(this::toImage);
    }

    /** The image a full reference points at, if any. */
    public Optional<Digest> taggedImage(ImageRef ref) {
        return metadata.imageOfTag(ref.toString());
    }

    /** The digest of the manifest an image was stored with (the one a push sends). */
    public Digest manifestDigest(Digest imageId) {
        return record(imageId).manifest();
    }

    /** Whether the layer with this chain id is unpacked and recorded. */
    public boolean hasLayer(String chainId) {
        return layers.exists(chainId) && metadata.layer(chainId).isPresent();
    }

    public static String chainId(Optional<String> parentChainId, Digest diffId) {
        return LayerSnapshots.chainId(parentChainId, diffId);
    }

    /**
     * Unpacks the stored layer blob {@code blob} on top of {@code parentChainId}, checking that its uncompressed
     * bytes are {@code diffId}; {@code watch} may wrap the blob's stream (to count its bytes). A layer already
     * unpacked, by this or a concurrent pull, is not unpacked again. The snapshot is not an image's until
     * {@link #putImage} records it.
     */
    public LayerRecord applyLayer(Digest blob, Optional<String> parentChainId, Digest diffId,
                                  UnaryOperator<InputStream> watch) {
        String chainId = chainId(parentChainId, diffId);
        ReentrantLock lock = applying.computeIfAbsent(chainId, k -> new ReentrantLock());
        lock.lock();
        try (InputStream in = watch.apply(content.open(blob))) {
            Optional<LayerRecord> known = metadata.layer(chainId);
            if (layers.exists(chainId) && known.isPresent()) {
                return known.get();
            }
            long size = layers.exists(chainId)
                    ? layers.measure(in).contentSize()
                    : layers.apply(in, parentChainId, Optional.of(diffId)).unpacked().contentSize();
            return new LayerRecord(chainId, diffId, parentChainId.orElse(null), size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }

    /** Whether layers may be unpacked in parallel ({@link #unpackLayer}) and stacked in order afterwards. */
    public boolean unpacksInParallel() {
        return layers.unpacksIndependently();
    }

    /** A layer unpacked on its own by {@link #unpackLayer}, to be {@link #stackLayer}ed or {@link #discard}ed. */
    public static final class UnpackedBlob {
        private final LayerSnapshots.Detached detached;

        private UnpackedBlob(LayerSnapshots.Detached detached) {
            this.detached = detached;
        }
    }

    /** Unpacks the stored layer blob into a snapshot of its own, beside other layers of the same image. */
    public UnpackedBlob unpackLayer(Digest blob, UnaryOperator<InputStream> watch) {
        try (InputStream in = watch.apply(content.open(blob))) {
            return new UnpackedBlob(layers.unpackDetached(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Unpacks a layer from a stream (a download as it arrives) into a snapshot of its own, as {@link #unpackLayer}
     * does from a stored blob; the stream is not closed. The caller verifies the bytes before stacking it.
     */
    public UnpackedBlob unpackLayer(InputStream layer) {
        return new UnpackedBlob(layers.unpackDetached(layer));
    }

    /** Stacks an unpacked layer on {@code parentChainId}, checking its diff id; see {@link #applyLayer}. */
    public LayerRecord stackLayer(UnpackedBlob layer, Optional<String> parentChainId, Digest diffId) {
        Digest actual = layer.detached.unpacked().diffId();
        if (!actual.equals(diffId)) {
            layers.discard(layer.detached);
            throw new InvalidArgument("layer diff id mismatch: expected " + diffId + ", got " + actual);
        }
        String chainId = chainId(parentChainId, diffId);
        ReentrantLock lock = applying.computeIfAbsent(chainId, k -> new ReentrantLock());
        lock.lock();
        try {
            Optional<LayerRecord> known = metadata.layer(chainId);
            if (layers.exists(chainId)) {
                layers.discard(layer.detached);
                return known.orElse(new LayerRecord(chainId, diffId, parentChainId.orElse(null),
                        layer.detached.unpacked().contentSize()));
            }
            LayerSnapshots.Applied applied = layers.stack(layer.detached, parentChainId, Optional.of(diffId));
            return new LayerRecord(applied.chainId(), diffId, parentChainId.orElse(null), applied.unpacked().contentSize());
        } finally {
            lock.unlock();
        }
    }

    public void discard(UnpackedBlob layer) {
        layers.discard(layer.detached);
    }

    /**
     * Records a pulled image: its manifest and config (stored here, after its layers were applied) and its
     * references; the image becomes visible only now, whole.
     */
    public Image putImage(byte[] manifest, byte[] config, List<LayerRecord> imageLayers, List<ImageRef> refs) {
        Digest manifestDigest = content.put(manifest);
        Digest id = content.put(config);
        ImageConfig imageConfig = Json.read(config, ImageConfig.class);
        long size = imageLayers.stream().mapToLong(LayerRecord::size).sum();
        String top = imageLayers.isEmpty() ? null : imageLayers.getLast().chainId();
        metadata.putImage(new ImageRecord(id, manifestDigest, top, createdOf(imageConfig), size, config), imageLayers,
                refs.stream().map(ImageRef::toString).toList());
        return image(id);
    }

    /** The layers of {@code image}, top first. */
    public List<LayerRecord> layersOf(Image image) {
        List<LayerRecord> layers = new ArrayList<>();
        for (String at = image.topChainId(); at != null; ) {
            LayerRecord layer = metadata.layer(at).orElse(null);
            if (layer == null) {
                break;
            }
            layers.add(layer);
            at = layer.parent();
        }
        return layers;
    }

    // The layers of the image, top first, that no other image stands on.
    private List<String> unusedLayers(ImageRecord image) {
        List<String> unused = new ArrayList<>();
        String child = null;
        for (String at = image.topChainId(); at != null; ) {
            if (metadata.layerUsedElsewhere(at, image.id(), child)) {
                break;
            }
            unused.add(at);
            child = at;
            at = metadata.layer(at).map(LayerRecord::parent).orElse(null);
        }
        return unused;
    }

    Set<Digest> blobsOf(ImageRecord image) {
        Set<Digest> blobs = new HashSet<>();
        blobs.add(image.id());
        blobs.add(image.manifest());
        if (content.contains(image.manifest())) {
            manifestOf(image).layers().forEach(layer -> blobs.add(layer.digest()));
        }
        return blobs;
    }

    Manifest manifestOf(ImageRecord image) {
        return Json.read(content.read(image.manifest()), Manifest.class);
    }

    ImageRecord record(Digest id) {
        return metadata.image(id).orElseThrow(() -> new NotFound("No such image: " + id));
    }

    MetadataStore metadata() {
        return metadata;
    }

    LayerSnapshots layers() {
        return layers;
    }

    private Image toImage(ImageRecord record) {
        ImageConfig config = Json.read(record.config(), ImageConfig.class);
        // Both kinds of reference live in the tags table: a digest reference ({@code repo@sha256:…}) is a RepoDigest.
        List<ImageRef> refs = metadata.tagsOf(record.id()).stream().map(ImageRef::parse).toList();
        List<String> tags = refs.stream().filter(ref -> ref.digest() == null).map(ImageRef::familiar).toList();
        List<String> digests = refs.stream().filter(ref -> ref.digest() != null).map(ImageRef::familiar).toList();
        List<Digest> diffIds = config.rootfs() == null || config.rootfs().diffIds() == null
                ? List.of() : config.rootfs().diffIds();
        return new Image(record.id(), tags, digests, config, record.created(), record.size(), diffIds, record.topChainId());
    }

    static Instant createdOf(ImageConfig config) {
        try {
            return config.created() == null ? Instant.EPOCH : OffsetDateTime.parse(config.created()).toInstant();
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
