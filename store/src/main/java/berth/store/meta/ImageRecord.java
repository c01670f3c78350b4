package berth.store.meta;

import berth.oci.Digest;

import java.time.Instant;

/**
 * An image row: its id (the config digest), the manifest blob that lists its layer blobs, the snapshot key of
 * its top layer ({@code null} for an image without layers), when it was made, its unpacked size and its config.
 */
public record ImageRecord(Digest id, Digest manifest, String topChainId, Instant created, long size, byte[] config) {}
