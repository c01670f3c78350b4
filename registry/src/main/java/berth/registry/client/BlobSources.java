package berth.registry.client;

import berth.oci.Digest;
import berth.oci.ImageRef;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The repositories each blob was pulled from or pushed to, so a push to another repository of the same registry
 * can ask to mount the blob rather than upload it. Kept for the daemon's lifetime.
 */
final class BlobSources {
    private final Map<Digest, Set<ImageRef>> seen = new ConcurrentHashMap<>();

    void add(Digest blob, ImageRef repository) {
        seen.computeIfAbsent(blob, d -> ConcurrentHashMap.newKeySet()).add(new ImageRef(repository.domain(), repository.path(), null, null));
    }

    /** A repository of {@code target}'s registry, other than the target, known to hold {@code blob}. */
    Optional<ImageRef> source(Digest blob, ImageRef target) {
        return seen.getOrDefault(blob, Set.of()).stream()
                .filter(r -> r.domain().equals(target.domain()) && !r.path().equals(target.path()))
                .findFirst();
    }

    /** Every other repository of the registry holding one of {@code blobs}: the scopes a push asks to pull from. */
    List<String> sourceRepositories(List<Digest> blobs, ImageRef target) {
        return blobs.stream().flatMap(b -> seen.getOrDefault(b, Set.of()).stream())
                .filter(r -> r.domain().equals(target.domain()) && !r.path().equals(target.path()))
                .map(ImageRef::path).distinct().toList();
    }
}
