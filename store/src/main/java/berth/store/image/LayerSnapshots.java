package berth.store.image;

import berth.oci.Digest;
import berth.oci.Ids;
import berth.oci.errors.InvalidArgument;
import berth.store.layer.LayerUnpacker;
import berth.store.layer.UnpackedLayer;
import berth.store.snapshot.Snapshotter;

import java.io.InputStream;
import java.util.Optional;

/**
 * Turns layer streams into committed snapshots keyed by chain id. A layer is unpacked into a scratch snapshot
 * first and committed under its chain id only once it is whole and its diff id is the expected one; if that
 * snapshot already exists (another image has the layer) the scratch copy is dropped, so shared layers are kept
 * once.
 */
final class LayerSnapshots {
    /** A layer now present as a committed snapshot. */
    record Applied(String chainId, UnpackedLayer unpacked) {}

    private final Snapshotter snapshotter;
    private final LayerUnpacker unpacker;

    LayerSnapshots(Snapshotter snapshotter) {
        this.snapshotter = snapshotter;
        this.unpacker = new LayerUnpacker(snapshotter.whiteoutMode());
    }

    static String chainId(Optional<String> parentChainId, Digest diffId) {
        return ChainIds.next(parentChainId.map(Digest::parse), diffId).toString();
    }

    Applied apply(InputStream layer, Optional<String> parentChainId, Optional<Digest> expectedDiffId) {
        String scratch = "extract-" + Ids.newId().substring(0, 16);
        boolean committed = false;
        try {
            UnpackedLayer unpacked = unpacker.unpack(layer, snapshotter.prepare(scratch, parentChainId));
            if (expectedDiffId.isPresent() && !expectedDiffId.get().equals(unpacked.diffId())) {
                throw new InvalidArgument("layer diff id mismatch: expected " + expectedDiffId.get()
                        + ", got " + unpacked.diffId());
            }
            String chainId = chainId(parentChainId, unpacked.diffId());
            if (!snapshotter.exists(chainId)) {
                snapshotter.commit(chainId, scratch);
                committed = true;
            }
            return new Applied(chainId, unpacked);
        } finally {
            if (!committed && snapshotter.exists(scratch)) {
                snapshotter.remove(scratch);
            }
        }
    }

    /** A layer unpacked into a scratch snapshot without a parent, waiting to be {@link #stack}ed. */
    record Detached(String scratch, UnpackedLayer unpacked) {}

    /** Whether {@link #unpackDetached} may be used: layers then unpack in parallel and are stacked in order. */
    boolean unpacksIndependently() {
        return snapshotter.unpacksIndependently();
    }

    Detached unpackDetached(InputStream layer) {
        String scratch = "extract-" + Ids.newId().substring(0, 16);
        boolean done = false;
        try {
            Detached detached = new Detached(scratch, unpacker.unpack(layer, snapshotter.prepare(scratch, Optional.empty())));
            done = true;
            return detached;
        } finally {
            if (!done && snapshotter.exists(scratch)) {
                snapshotter.remove(scratch);
            }
        }
    }

    /**
     * Commits a detached layer on top of {@code parentChainId} under its chain id, after checking its diff id; if
     * that snapshot exists already (another image, a concurrent pull) the scratch copy is dropped.
     */
    Applied stack(Detached layer, Optional<String> parentChainId, Optional<Digest> expectedDiffId) {
        boolean committed = false;
        try {
            Digest diffId = layer.unpacked().diffId();
            if (expectedDiffId.isPresent() && !expectedDiffId.get().equals(diffId)) {
                throw new InvalidArgument("layer diff id mismatch: expected " + expectedDiffId.get() + ", got " + diffId);
            }
            String chainId = chainId(parentChainId, diffId);
            if (!snapshotter.exists(chainId)) {
                snapshotter.reparent(layer.scratch(), parentChainId);
                snapshotter.commit(chainId, layer.scratch());
                committed = true;
            }
            return new Applied(chainId, layer.unpacked());
        } finally {
            if (!committed) {
                discard(layer);
            }
        }
    }

    void discard(Detached layer) {
        if (snapshotter.exists(layer.scratch())) {
            snapshotter.remove(layer.scratch());
        }
    }

    /** Reads a layer through to learn its digests, unpacking nothing (for a layer whose snapshot exists). */
    UnpackedLayer measure(InputStream layer) {
        return unpacker.measure(layer);
    }

    boolean exists(String chainId) {
        return snapshotter.exists(chainId);
    }

    void remove(String chainId) {
        snapshotter.remove(chainId);
    }
}
