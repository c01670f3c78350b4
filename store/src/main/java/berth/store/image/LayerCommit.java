package berth.store.image;

import berth.oci.Descriptor;
import berth.oci.Digest;
import berth.oci.ImageRef;
import berth.oci.Json;
import berth.oci.MediaTypes;
import berth.oci.container.ContainerConfig;
import berth.oci.image.ImageConfig;
import berth.oci.image.Manifest;
import berth.store.ContentStore;
import berth.store.TeeInputStream;
import berth.store.meta.ImageRecord;
import berth.store.meta.LayerRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code docker commit}'s store half: a layer tar (whiteouts as {@code .wh.} entries) stacked on a parent image
 * makes a new image whose config is the given run configuration, whose layers are the parent's plus this one and
 * whose history is the parent's plus one entry. The layer is kept uncompressed, so its blob digest is its diff id.
 */
final class LayerCommit {
    /** What the new image's history entry and config say about where it came from. */
    record Origin(String author, String comment, String createdBy) {}

    private final ImageStore images;
    private final ContentStore content;

    LayerCommit(ImageStore images, ContentStore content) {
        this.images = images;
        this.content = content;
    }

    Image commit(Image parent, InputStream layerTar, ContainerConfig config, Origin origin, Optional<ImageRef> tag) {
        Optional<String> parentChain = Optional.ofNullable(parent.topChainId());
        LayerSnapshots.Applied applied;
        Digest layerBlob;
        try (ContentStore.Writer blob = content.writer()) {
            applied = images.layers().apply(new TeeInputStream(layerTar, blob.stream()), parentChain, Optional.empty());
            layerBlob = blob.commit(Optional.of(applied.unpacked().diffId()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Digest diffId = applied.unpacked().diffId();
        String created = Instant.now().truncatedTo(ChronoUnit.NANOS).toString();
        ImageConfig base = parent.config();
        List<Digest> diffIds = new ArrayList<>(parent.diffIds());
        diffIds.add(diffId);
        List<ImageConfig.History> history = new ArrayList<>(base.history() == null ? List.of() : base.history());
        history.add(new ImageConfig.History(created, origin.createdBy(), blankToNull(origin.author()),
                blankToNull(origin.comment()), null));
        ImageConfig imageConfig = new ImageConfig(created, blankToNull(origin.author()),
                base.architecture() == null ? "amd64" : base.architecture(), base.os() == null ? "linux" : base.os(),
                config, new ImageConfig.RootFs("layers", diffIds), history);
        byte[] configBytes = Json.write(imageConfig);
        Digest id = content.put(configBytes);
        List<Descriptor> layers = new ArrayList<>(images.manifestOf(images.record(parent.id())).layers());
        layers.add(new Descriptor(MediaTypes.OCI_LAYER, layerBlob, content.size(layerBlob)));
        Manifest manifest = new Manifest(2, MediaTypes.OCI_MANIFEST,
                new Descriptor(MediaTypes.OCI_CONFIG, id, configBytes.length), layers, null);
        Digest manifestDigest = content.put(Json.write(manifest));
        long layerSize = applied.unpacked().contentSize();
        images.metadata().putImage(
                new ImageRecord(id, manifestDigest, applied.chainId(), ImageStore.createdOf(imageConfig),
                        parent.size() + layerSize, configBytes),
                List.of(new LayerRecord(applied.chainId(), diffId, parentChain.orElse(null), layerSize)),
                tag.map(ref -> List.of(ref.toString())).orElse(List.of()));
        return images.image(id);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
