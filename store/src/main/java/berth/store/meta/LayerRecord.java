package berth.store.meta;

import berth.oci.Digest;

/**
 * A layer row: an unpacked, committed snapshot keyed by its chain id, the diff id (digest of its uncompressed
 * tar), its parent's chain id ({@code null} for a base layer) and the unpacked size in bytes. Images share
 * these rows.
 */
public record LayerRecord(String chainId, Digest diffId, String parent, long size) {}
