package berth.store;

import berth.oci.Digest;

import java.io.FilterInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Computes the sha256 digest and the count of the bytes that pass through it, so a stream is verified as it
 * is consumed and never read twice. A {@link TeeInputStream} whose sink is the hash.
 */
public final class DigestingInputStream extends FilterInputStream {
    private final HashSink sink;

    public DigestingInputStream(InputStream in) {
        this(in, new HashSink());
    }

    private DigestingInputStream(InputStream in, HashSink sink) {
        super(new TeeInputStream(in, sink));
        this.sink = sink;
    }

    /** The digest of the bytes read so far; call once, at the end. */
    public Digest digest() {
        return Digest.ofSha256(sink.sha256.digest());
    }

    public long count() {
        return sink.count;
    }

    /** Where the bytes read go: the hash and the count. */
    private static final class HashSink extends OutputStream {
        private final MessageDigest sha256 = Sha256.newDigest();
        private long count;

        @Override
        public void write(int b) {
            sha256.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            sha256.update(bytes, offset, length);
            count += length;
        }
    }
}
