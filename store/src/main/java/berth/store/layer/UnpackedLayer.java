package berth.store.layer;

import berth.oci.Digest;

/**
 * What unpacking a layer measured: the digest and size of the bytes as given (compressed or not: the blob's
 * digest), the diff id (the digest of the uncompressed tar) and the bytes of file content written.
 */
public record UnpackedLayer(Digest digest, long size, Digest diffId, long contentSize) {}
