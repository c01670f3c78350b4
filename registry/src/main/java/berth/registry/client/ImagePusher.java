package berth.registry.client;

import berth.oci.Descriptor;
import berth.oci.Digest;
import berth.oci.ImageRef;
import berth.oci.Json;
import berth.oci.MediaTypes;
import berth.oci.image.Manifest;
import berth.registry.client.RegistryEndpoint.BlobHead;
import berth.registry.client.RegistryEndpoint.ManifestPut;
import berth.registry.client.RegistryEndpoint.UploadPut;
import berth.registry.client.RegistryEndpoint.UploadStart;
import berth.store.ContentStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * One push of one tag: each blob the registry lacks (a {@code HEAD} says) is mounted from another repository of
 * the same registry that is known to hold it, or else uploaded whole (initialise, then one {@code PUT} that
 * commits it under its digest), several at once; the manifest goes last, exactly as stored, so its digest is
 * the one the image was pulled or loaded with.
 */
final class ImagePusher {
    private final RegistryCaller caller;
    private final ContentStore content;
    private final ProgressListener listener;
    private final int maxUploads;
    private final BlobSources sources;

    ImagePusher(RegistryCaller caller, ContentStore content, ProgressListener listener, int maxUploads, BlobSources sources) {
        this.caller = caller;
        this.content = content;
        this.listener = listener;
        this.maxUploads = maxUploads;
        this.sources = sources;
    }

    /** What a push left in the registry: the tag, the manifest's digest and size. */
    record Pushed(String tag, Digest digest, long size) {}

    Pushed push(ImageRef ref, Digest manifestDigest) {
        byte[] manifestBytes = content.read(manifestDigest);
        Manifest manifest = Json.read(manifestBytes, Manifest.class);
        List<Descriptor> layers = manifest.layers().reversed();
        for (Descriptor layer : layers) {
            listener.layer(ImagePuller.shortId(layer), "Preparing");
        }
        Semaphore slots = new Semaphore(maxUploads);
        try (ExecutorService uploads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("push-", 0).factory())) {
            List<Future<?>> pending = new ArrayList<>();
            for (Descriptor layer : layers) {
                pending.add(uploads.submit(() -> {
                    slots.acquire();
                    try {
                        pushBlob(ref, layer, true);
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
            }
            pending.add(uploads.submit(() -> {
                pushBlob(ref, manifest.config(), false);
                return null;
            }));
            try {
                for (Future<?> f : pending) {
                    Transfers.await(f, "push");
                }
            } finally {
                pending.forEach(f -> f.cancel(true));
            }
        }
        String mediaType = manifest.mediaType() != null ? manifest.mediaType() : MediaTypes.OCI_MANIFEST;
        caller.call(new ManifestPut(ref.path(), ref.tag(), mediaType, manifestBytes));
        listener.status(ref.tag() + ": digest: " + manifestDigest + " size: " + manifestBytes.length);
        return new Pushed(ref.tag(), manifestDigest, manifestBytes.length);
    }

    private void pushBlob(ImageRef ref, Descriptor blob, boolean report) throws IOException {
        String id = ImagePuller.shortId(blob);
        Digest digest = blob.digest();
        if (caller.call(new BlobHead(ref.path(), digest))) {
            if (report) {
                listener.layer(id, "Layer already exists");
            }
            sources.add(digest, ref);
            return;
        }
        Optional<ImageRef> from = sources.source(digest, ref);
        Optional<URI> location = caller.call(new UploadStart(ref.path(), from.map(f -> digest), from.map(ImageRef::path)));
        if (location.isEmpty()) {
            if (report) {
                listener.layer(id, "Mounted from " + from.orElseThrow().path());
            }
            sources.add(digest, ref);
            return;
        }
        Path file = content.path(digest);
        long size = Files.size(file);
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        InputStream in = Files.newInputStream(file);
                        return report ? new ProgressStream(in, listener, id, "Pushing", size) : in;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }), size);
        caller.call(new UploadPut(location.get(), digest, body));
        if (report) {
            listener.layer(id, "Pushed");
        }
        sources.add(digest, ref);
    }
}
