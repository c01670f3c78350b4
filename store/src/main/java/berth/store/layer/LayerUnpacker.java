package berth.store.layer;

import berth.oci.errors.InvalidArgument;
import berth.store.DigestingInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Unpacks a layer (a tar, plain or gzip or zstd, told apart by magic bytes) into a directory in one pass,
 * computing on the way both the digest of the bytes as given and the diff id of the uncompressed tar. Files
 * keep their type, mode (setuid and sticky included), owner, times and {@code SCHILY.xattr} attributes; device
 * nodes and fifos are made with mknod. Whiteouts are applied as {@link WhiteoutMode} says.
 *
 * <p>Hostile layers are refused with {@link InvalidArgument} naming the entry: {@code ..} above the root, a
 * parent that is a symlink (nothing is ever written through one), a hardlink to outside the root. A truncated
 * or malformed stream is refused the same way; the target is then half-written and the caller discards it.
 */
public final class LayerUnpacker {
    private static final int BUFFER = 64 * 1024;
    private final WhiteoutMode mode;

    public LayerUnpacker(WhiteoutMode mode) {
        this.mode = mode;
    }

    /** Unpacks {@code layer} into {@code target}, an existing directory (empty, or a copy of the parent in VFS mode). */
    public UnpackedLayer unpack(InputStream layer, Path target) {
        return run(layer, target);
    }

    /** Reads a layer through without writing anything, to learn its digests. */
    public UnpackedLayer measure(InputStream layer) {
        return run(layer, null);
    }

    private UnpackedLayer run(InputStream layer, Path target) {
        DigestingInputStream given = new DigestingInputStream(layer);
        BufferedInputStream buffered = new BufferedInputStream(given, BUFFER);
        DigestingInputStream tarBytes;
        try {
            tarBytes = new DigestingInputStream(Compression.detect(buffered).decompress(buffered));
        } catch (IOException e) {
            throw new InvalidArgument("invalid layer: " + e.getMessage(), e);
        }
        TarInput tar = new TarInput(tarBytes);
        long contentSize;
        try {
            contentSize = target == null ? readThrough(tar) : new LayerExtraction(target, mode, tar).run();
        } catch (IOException e) {
            throw new UncheckedIOException("unpacking into " + target + ": " + e.getMessage(), e);
        }
        // The digests cover every byte: the tar's end-of-archive padding and the compression's trailer too.
        TarInput.drain(tarBytes);
        TarInput.drain(buffered);
        return new UnpackedLayer(given.digest(), given.count(), tarBytes.digest(), contentSize);
    }

    private static long readThrough(TarInput tar) {
        byte[] buffer = new byte[BUFFER];
        long size = 0;
        for (TarArchiveEntry entry = tar.next(); entry != null; entry = tar.next()) {
            for (int n = tar.read(buffer); n >= 0; n = tar.read(buffer)) {
                size += n;
            }
        }
        return size;
    }
}
