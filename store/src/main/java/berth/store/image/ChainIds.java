package berth.store.image;

import berth.oci.Digest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Chain ids as the OCI image spec defines them: {@code ChainID(L0) = DiffID(L0)} and
 * {@code ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln))}. A chain id names a layer together with
 * everything below it, so images that share a base share its snapshots.
 */
public final class ChainIds {
    private ChainIds() {}

    /** The chain id of a layer with diff id {@code diffId} on top of the layer with chain id {@code parent}. */
    public static Digest next(Optional<Digest> parent, Digest diffId) {
        return parent.map(p -> Digest.sha256((p + " " + diffId).getBytes(StandardCharsets.UTF_8))).orElse(diffId);
    }

    /** The chain id of each layer, bottom first. */
    public static List<Digest> of(List<Digest> diffIds) {
        List<Digest> chain = new ArrayList<>(diffIds.size());
        for (Digest diffId : diffIds) {
            chain.add(next(chain.isEmpty() ? Optional.empty() : Optional.of(chain.getLast()), diffId));
        }
        return chain;
    }
}
