package berth.store.meta;

import berth.oci.Digest;

import java.time.Instant;

/**
 * A container row: its 64-hex id, its name without docker's leading '/', the image it was made from, when,
 * and the engine's own JSON document about it, which this store keeps without reading.
 */
public record ContainerRecord(String id, String name, Digest imageId, Instant created, byte[] doc) {}
