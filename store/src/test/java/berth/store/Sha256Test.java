package berth.store;

import berth.oci.Digest;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class Sha256Test {
    private static final byte[] DATA = new byte[3 * 1024 * 1024 + 17];

    static {
        new Random(5).nextBytes(DATA);
    }

    @Test
    void libcryptoIsUsedWhereItIsInstalled() {
        // Berth's hosts (and this test's) have OpenSSL 3; the JDK's hash is only the fallback.
        assertNotEquals(Digest.newSha256().getClass(), Sha256.newDigest().getClass());
    }

    @Test
    void hashesAsTheJdkDoesWhateverTheUpdatesLookLike() {
        MessageDigest jdk = Digest.newSha256();
        MessageDigest hasher = Sha256.newDigest();
        int at = 0;
        for (int step = 0; at < DATA.length; step++) {
            int length = Math.min(DATA.length - at, (step * 7919) % 70_000);
            jdk.update(DATA, at, length);
            if (step % 3 == 0) {
                hasher.update(ByteBuffer.wrap(DATA, at, length).asReadOnlyBuffer());
            } else if (step % 3 == 1) {
                hasher.update(ByteBuffer.allocateDirect(length).put(DATA, at, length).flip());
            } else {
                hasher.update(DATA, at, length);
            }
            at += length;
        }
        jdk.update((byte) 42);
        hasher.update((byte) 42);
        assertArrayEquals(jdk.digest(), hasher.digest());
    }

    @Test
    void startsAfreshAfterEachDigestAndReset() {
        MessageDigest hasher = Sha256.newDigest();
        assertArrayEquals(Digest.newSha256().digest(), hasher.digest());
        hasher.update(DATA, 0, 1000);
        hasher.reset();
        hasher.update(DATA);
        assertArrayEquals(Digest.newSha256().digest(DATA), hasher.digest());
        assertArrayEquals(Digest.newSha256().digest(DATA), hasher.digest(DATA));
    }

    @Test
    void aCloneGoesOnFromWhereTheOriginalStood() throws Exception {
        MessageDigest hasher = Sha256.newDigest();
        hasher.update(DATA, 0, 100_000);
        MessageDigest copy = (MessageDigest) hasher.clone();
        hasher.update(DATA, 100_000, DATA.length - 100_000);
        assertArrayEquals(Digest.newSha256().digest(java.util.Arrays.copyOf(DATA, 100_000)), copy.digest());
        assertArrayEquals(Digest.newSha256().digest(DATA), hasher.digest());
    }
}
