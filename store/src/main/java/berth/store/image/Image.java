package berth.store.image;

import berth.oci.Digest;
import berth.oci.image.ImageConfig;

import java.time.Instant;
import java.util.List;

/**
 * An image as the engine sees it: its id (the digest of its config), the tags naming it as docker prints them
 * ({@code busybox:latest}), the digest references a registry knows it by ({@code busybox@sha256:…}: docker's
 * RepoDigests, recorded by pull and push), its config, when it was made, its unpacked size, the diff ids of its layers bottom
 * first, and the chain id of its top layer: the snapshot key a container's snapshot takes as parent
 * ({@code null} for an image without layers).
 */
public record Image(Digest id, List<String> repoTags, List<String> repoDigests, ImageConfig config, Instant created, long size,
                    List<Digest> diffIds, String topChainId) {}
