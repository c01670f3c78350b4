package berth.registry.client;

import berth.oci.Descriptor;
import berth.oci.Digest;
import berth.oci.ImageRef;
import berth.oci.Json;
import berth.oci.MediaTypes;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;
import berth.oci.errors.Unavailable;
import berth.oci.image.ImageConfig;
import berth.oci.image.Index;
import berth.oci.image.Manifest;
import berth.registry.client.RegistryEndpoint.BlobGet;
import berth.registry.client.RegistryEndpoint.BlobStream;
import berth.registry.client.RegistryEndpoint.FetchedManifest;
import berth.registry.client.RegistryEndpoint.ManifestGet;
import berth.store.ContentStore;
import berth.store.image.Image;
import berth.store.image.ImageStore;
import berth.store.meta.LayerRecord;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One pull of one reference: the manifest (through an index, for the asked platform) and the config are fetched
 * and verified against their digests, the layers missing here are downloaded in parallel (at most
 * {@code maxDownloads} at once, each verified while it streams into a resumable partial blob, resumed with a
 * {@code Range} request after a cut connection) and unpacked in order as each arrives, and only then is the
 * image recorded. A failed pull leaves no image and no tag; verified blobs and unpacked layers stay as a cache
 * for the next attempt, and partial blobs are resumed by it.
 */
final class ImagePuller {
    private static final int ATTEMPTS = 3;

    private final RegistryCaller caller;
    private final ContentStore content;
    private final ImageStore images;
    private final Platform platform;
    private final ProgressListener listener;
    private final int maxDownloads;

    ImagePuller(RegistryCaller caller, ContentStore content, ImageStore images, Platform platform,
                ProgressListener listener, int maxDownloads) {
        this.caller = caller;
        this.content = content;
        this.images = images;
        this.platform = platform;
        this.listener = listener;
        this.maxDownloads = maxDownloads;
    }

    /** The stored image, and whether it was new. */
    record Pulled(Image image, Digest digest, boolean downloaded, List<Digest> blobs) {}

    Pulled pull(ImageRef ref) {
        String repository = ref.path();
        String reference = ref.digest() != null ? ref.digest().toString() : ref.tag();
        FetchedManifest top = fetchManifest(ref, repository, reference);
        if (ref.digest() != null && !top.digest().equals(ref.digest())) {
            throw new InvalidArgument("manifest verification failed for digest " + ref.digest());
        }
        FetchedManifest chosen = top;
        if (isIndex(top)) {
            Index index = Json.read(top.bytes(), Index.class);
            Descriptor entry = platform.require(index.manifests() == null ? List.of() : index.manifests());
            chosen = fetchManifest(ref, repository, entry.digest().toString());
            if (!chosen.digest().equals(entry.digest())) {
                throw new InvalidArgument("manifest verification failed for digest " + entry.digest());
            }
        }
        Manifest manifest = Json.read(chosen.bytes(), Manifest.class);
        if (manifest.config() == null || manifest.layers() == null) {
            throw new InvalidArgument("unsupported manifest for " + ref.familiar() + ": no config or no layers (schema 1?)");
        }
        listener.layer(reference, "Pulling from " + ref.familiarRepository());
        byte[] configBytes = smallBlob(repository, manifest.config());
        ImageConfig config = Json.read(configBytes, ImageConfig.class);
        List<Digest> diffIds = config.rootfs() == null || config.rootfs().diffIds() == null
                ? List.of() : config.rootfs().diffIds();
        if (diffIds.size() != manifest.layers().size()) {
            throw new InvalidArgument("invalid image " + ref.familiar() + ": " + manifest.layers().size()
                    + " layers but " + diffIds.size() + " diff ids in its config");
        }
        for (Descriptor layer : manifest.layers()) {
            checkLayerType(layer);
        }
        Digest configDigest = manifest.config().digest();
        Optional<Image> existing = images.find(configDigest);
        // As docker: a pull by tag names the image by the tag and records repo@digest (a RepoDigest); a pull by
        // digest records only that.
        ImageRef byDigest = new ImageRef(ref.domain(), ref.path(), null, top.digest());
        List<ImageRef> refs = ref.digest() != null ? List.of(byDigest) : List.of(ref, byDigest);
        boolean tagged = existing.isPresent() && refs.stream()
                .allMatch(r -> images.taggedImage(r).filter(configDigest::equals).isPresent());
        List<Digest> blobs = manifest.layers().stream().map(Descriptor::digest).toList();
        if (existing.isPresent() && tagged) {
            return new Pulled(existing.get(), top.digest(), false, blobs);
        }
        List<LayerRecord> layers = layers(repository, manifest.layers(), diffIds);
        Image image = images.putImage(chosen.bytes(), configBytes, layers, refs);
        return new Pulled(image, top.digest(), true, blobs);
    }

    private List<LayerRecord> layers(String repository, List<Descriptor> descriptors, List<Digest> diffIds) {
        List<String> chainIds = new ArrayList<>();
        Optional<String> parent = Optional.empty();
        for (Digest diffId : diffIds) {
            String chainId = ImageStore.chainId(parent, diffId);
            chainIds.add(chainId);
            parent = Optional.of(chainId);
        }
        List<Boolean> present = new ArrayList<>();
        for (int i = 0; i < descriptors.size(); i++) {
            boolean have = images.hasLayer(chainIds.get(i)) && content.contains(descriptors.get(i).digest());
            present.add(have);
            listener.layer(shortId(descriptors.get(i)), have ? "Already exists" : "Pulling fs layer");
        }
        return images.unpacksInParallel()
                ? unpackInParallel(repository, descriptors, diffIds, present)
                : unpackInOrder(repository, descriptors, diffIds, present);
    }

    // Layers download side by side and each is unpacked into a snapshot of its own as soon as it is whole (both
    // cores busy); then they are stacked bottom first. A failure drops every unpacked layer not yet stacked.
    private List<LayerRecord> unpackInParallel(String repository, List<Descriptor> descriptors, List<Digest> diffIds,
                                               List<Boolean> present) {
        Semaphore downloadSlots = new Semaphore(maxDownloads);
        Semaphore unpackSlots = new Semaphore(Math.max(2, Runtime.getRuntime().availableProcessors()));
        List<Future<ImageStore.UnpackedBlob>> pending = new ArrayList<>();
        List<LayerRecord> records = new ArrayList<>();
        int stacked = 0;
        try (ExecutorService workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("pull-", 0).factory())) {
            for (int i = 0; i < descriptors.size(); i++) {
                Descriptor layer = descriptors.get(i);
                boolean have = present.get(i);
                pending.add(workers.submit(() -> {
                    if (have) {
                        return null;
                    }
                    try (DownloadSlot slot = new DownloadSlot(downloadSlots)) {
                        Optional<ImageStore.UnpackedBlob> streamed = downloadAndUnpack(repository, layer, slot);
                        if (streamed.isPresent()) {
                            return streamed.get();
                        }
                        download(repository, layer, slot);
                    }
                    unpackSlots.acquire();
                    try {
                        String id = shortId(layer);
                        listener.bytes(id, "Extracting", 0, layer.size());
                        return images.unpackLayer(layer.digest(),
                                in -> new ProgressStream(in, listener, id, "Extracting", layer.size()));
                    } finally {
                        unpackSlots.release();
                    }
                }));
            }
            try {
                Optional<String> parent = Optional.empty();
                for (; stacked < descriptors.size(); stacked++) {
                    ImageStore.UnpackedBlob unpacked = Transfers.await(pending.get(stacked), "pull");
                    Descriptor layer = descriptors.get(stacked);
                    LayerRecord record = unpacked == null
                            ? images.applyLayer(layer.digest(), parent, diffIds.get(stacked), in -> in)
                            : images.stackLayer(unpacked, parent, diffIds.get(stacked));
                    if (unpacked != null) {
                        listener.layer(shortId(layer), "Pull complete");
                    }
                    records.add(record);
                    parent = Optional.of(record.chainId());
                }
            } finally {
                if (stacked < descriptors.size()) {
                    pending.forEach(f -> f.cancel(true));
                }
            }
        } finally {
            // Unpacked but never stacked (a failure further down): their scratch snapshots go.
            for (int i = stacked + 1; i < pending.size(); i++) {
                Future<ImageStore.UnpackedBlob> f = pending.get(i);
                if (f.state() == Future.State.SUCCESS && f.resultNow() != null) {
                    images.discard(f.resultNow());
                }
            }
        }
        return records;
    }

    private List<LayerRecord> unpackInOrder(String repository, List<Descriptor> descriptors, List<Digest> diffIds,
                                            List<Boolean> present) {
        Optional<String> parent;
        Semaphore slots = new Semaphore(maxDownloads);
        ThreadFactory factory = Thread.ofVirtual().name("pull-", 0).factory();
        List<LayerRecord> records = new ArrayList<>();
        try (ExecutorService downloads = Executors.newThreadPerTaskExecutor(factory)) {
            List<Future<?>> pending = new ArrayList<>();
            for (int i = 0; i < descriptors.size(); i++) {
                Descriptor layer = descriptors.get(i);
                boolean have = present.get(i);
                pending.add(downloads.submit(() -> {
                    if (have) {
                        return null;
                    }
                    try (DownloadSlot slot = new DownloadSlot(slots)) {
                        download(repository, layer, slot);
                    }
                    return null;
                }));
            }
            try {
                parent = Optional.empty();
                for (int i = 0; i < descriptors.size(); i++) {
                    Transfers.await(pending.get(i), "pull");
                    Descriptor layer = descriptors.get(i);
                    String id = shortId(layer);
                    LayerRecord record = images.applyLayer(layer.digest(), parent, diffIds.get(i),
                            present.get(i) ? in -> in : in -> new ProgressStream(in, listener, id, "Extracting", layer.size()));
                    if (!present.get(i)) {
                        listener.layer(id, "Pull complete");
                    }
                    records.add(record);
                    parent = Optional.of(record.chainId());
                }
            } finally {
                pending.forEach(f -> f.cancel(true));
            }
        }
        return records;
    }

    /**
     * Downloads a layer and unpacks it in the same pass: the bytes go to the partial blob (hashed on the way) and
     * into the unpacker at once; the unpacked snapshot is returned only after the blob's digest checked (it stays
     * detached, invisible, until stacked). Empty when this pass does not apply or fails part way: a blob stored
     * meanwhile or partly downloaded by an earlier attempt, a cut connection, bytes the unpacker refuses; then
     * {@link #download} resumes or verifies the blob and the layer is unpacked from it, giving the real error.
     */
    private Optional<ImageStore.UnpackedBlob> downloadAndUnpack(String repository, Descriptor layer, DownloadSlot slot)
            throws IOException {
        String id = shortId(layer);
        Digest digest = layer.digest();
        try (ContentStore.Download partial = content.download(digest)) {
            if (content.contains(digest) || partial.offset() > 0) {
                return Optional.empty();
            }
            BlobStream blob = caller.call(new BlobGet(repository, digest, 0));
            ImageStore.UnpackedBlob unpacked;
            try (InputStream in = blob.body()) {
                Tee tee = new Tee(in, partial.stream(), id, layer.size());
                unpacked = images.unpackLayer(tee);
                try {
                    tee.drain();
                } catch (IOException | RuntimeException e) {
                    images.discard(unpacked);
                    throw e;
                }
            } catch (IOException | RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                return Optional.empty();
            }
            slot.release();
            listener.layer(id, "Verifying Checksum");
            try {
                partial.commit();
            } catch (InvalidArgument e) {
                images.discard(unpacked);
                throw new InvalidArgument("filesystem layer verification failed for digest " + digest);
            } catch (IOException | RuntimeException e) {
                images.discard(unpacked);
                throw e;
            }
            listener.layer(id, "Download complete");
            return Optional.of(unpacked);
        }
    }

    private void download(String repository, Descriptor layer, DownloadSlot slot) throws IOException {
        String id = shortId(layer);
        Digest digest = layer.digest();
        try (ContentStore.Download partial = content.download(digest)) {
            if (content.contains(digest)) {
                listener.layer(id, "Download complete");
                return;
            }
            IOException last = null;
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                long offset = partial.offset();
                if (layer.size() > 0 && offset >= layer.size()) {
                    break;
                }
                BlobStream blob = caller.call(new BlobGet(repository, digest, offset));
                if (blob.start() == 0 && offset > 0) {
                    partial.discard(); // the registry cannot resume: start over
                    offset = 0;
                }
                try (InputStream in = blob.body()) {
                    copy(in, partial.stream(), id, offset, layer.size());
                    last = null;
                    break;
                } catch (IOException e) {
                    last = e; // a cut connection: resume from what arrived
                }
            }
            if (last != null) {
                throw new Unavailable("downloading layer " + digest + ": " + last.getMessage(), last);
            }
            slot.release();
            listener.layer(id, "Verifying Checksum");
            try {
                partial.commit();
            } catch (InvalidArgument e) {
                throw new InvalidArgument("filesystem layer verification failed for digest " + digest);
            }
            listener.layer(id, "Download complete");
        }
    }

    private void copy(InputStream in, OutputStream out, String id, long offset, long total) throws IOException {
        byte[] buffer = new byte[128 * 1024];
        long at = offset;
        long reported = at;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            out.write(buffer, 0, n);
            at += n;
            if (total > 0 && at > total) {
                throw new InvalidArgument("layer " + id + " is larger than its manifest says (" + total + " bytes)");
            }
            if (at - reported >= ProgressStream.STEP) {
                listener.bytes(id, "Downloading", at, total);
                reported = at;
            }
        }
        listener.bytes(id, "Downloading", at, total);
    }

    private FetchedManifest fetchManifest(ImageRef ref, String repository, String reference) {
        FetchedManifest fetched;
        try {
            fetched = caller.call(new ManifestGet(repository, reference));
        } catch (NotFound e) {
            if (e.getMessage().startsWith("manifest unknown") || e.getMessage().startsWith("not found")) {
                throw new NotFound("manifest for " + ref.familiar() + " not found: " + e.getMessage());
            }
            throw new NotFound("pull access denied for " + ref.familiarRepository()
                    + ", repository does not exist or may require 'docker login': " + e.getMessage());
        }
        if (fetched.claimed().isPresent() && !fetched.claimed().get().equals(fetched.digest())) {
            throw new InvalidArgument("manifest verification failed for digest " + fetched.claimed().get()
                    + ": the registry sent bytes whose digest is " + fetched.digest());
        }
        return fetched;
    }

    private static boolean isIndex(FetchedManifest fetched) {
        String type = fetched.mediaType();
        if (type.equals(MediaTypes.OCI_INDEX) || type.equals(MediaTypes.DOCKER_MANIFEST_LIST)) {
            return true;
        }
        if (type.equals(MediaTypes.OCI_MANIFEST) || type.equals(MediaTypes.DOCKER_MANIFEST)) {
            return false;
        }
        // No or a generic content type: an index has manifests, a manifest has a config.
        Index probe = Json.read(fetched.bytes(), Index.class);
        return probe.manifests() != null;
    }

    private static void checkLayerType(Descriptor layer) {
        String type = layer.mediaType() == null ? "" : layer.mediaType();
        if (!(type.isEmpty() || type.startsWith("application/vnd.oci.image.layer.") || type.startsWith("application/vnd.docker.image.rootfs."))) {
            throw new InvalidArgument("unsupported layer media type " + type + " for " + layer.digest());
        }
        if (type.contains("foreign") || type.contains("nondistributable")) {
            throw new InvalidArgument("foreign layers are not supported: " + layer.digest());
        }
    }

    private byte[] smallBlob(String repository, Descriptor descriptor) {
        if (content.contains(descriptor.digest())) {
            return content.read(descriptor.digest());
        }
        BlobStream blob = caller.call(new BlobGet(repository, descriptor.digest(), 0));
        byte[] bytes;
        try (InputStream in = blob.body()) {
            bytes = in.readNBytes(RegistryEndpoint.MANIFEST_LIMIT + 1);
        } catch (IOException e) {
            throw new Unavailable("downloading " + descriptor.digest() + ": " + e.getMessage(), e);
        }
        if (!Digest.sha256(bytes).equals(descriptor.digest())) {
            throw new InvalidArgument("config verification failed for digest " + descriptor.digest());
        }
        return bytes;
    }

    /**
     * One of the {@code max-concurrent-downloads} slots, given back as soon as a layer's bytes are all in: syncing
     * the blob to disk is no download, and the next layer can start meanwhile.
     */
    private static final class DownloadSlot implements AutoCloseable {
        private final Semaphore slots;
        private boolean held;

        DownloadSlot(Semaphore slots) throws InterruptedException {
            slots.acquire();
            this.slots = slots;
            this.held = true;
        }

        void release() {
            if (held) {
                held = false;
                slots.release();
            }
        }

        @Override
        public void close() {
            release();
        }
    }

    static String shortId(Descriptor layer) {
        return layer.digest().hex().substring(0, 12);
    }

    /**
     * A layer's bytes as they arrive from the registry, copied to its partial blob as the unpacker reads them, with
     * "Downloading" progress; {@link #drain} copies what the unpacker left (padding, a compression trailer). The
     * unpacker cannot close the registry's stream through it.
     */
    private final class Tee extends FilterInputStream {
        private final OutputStream copy;
        private final String id;
        private final long total;
        private long count;
        private long reported;

        Tee(InputStream in, OutputStream copy, String id, long total) {
            super(in);
            this.copy = copy;
            this.id = id;
            this.total = total;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                copy.write(b, off, n);
                count += n;
                if (total > 0 && count > total) {
                    throw new InvalidArgument("layer " + id + " is larger than its manifest says (" + total + " bytes)");
                }
                if (count - reported >= ProgressStream.STEP) {
                    reported = count;
                    listener.bytes(id, "Downloading", count, total);
                }
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[(int) Math.min(n, 64 * 1024)];
            int read = read(buffer, 0, buffer.length);
            return Math.max(read, 0);
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        void drain() throws IOException {
            byte[] buffer = new byte[128 * 1024];
            while (read(buffer, 0, buffer.length) >= 0) {
                // copied by read
            }
            listener.bytes(id, "Downloading", count, total);
        }

        @Override
        public void close() {
        }
    }
}
