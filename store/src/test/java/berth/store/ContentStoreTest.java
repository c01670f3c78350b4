package berth.store;

import berth.oci.Digest;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContentStoreTest {
    @TempDir
    Path root;

    @Test
    void blobIsStoredUnderItsDigest() throws Exception {
        Layout layout = new Layout(root);
        ContentStore store = new ContentStore(layout);
        byte[] data = "hello".getBytes();
        Digest digest = store.put(new ByteArrayInputStream(data), Optional.of(Digest.sha256(data)));
        assertEquals(Digest.sha256(data), digest);
        assertTrue(store.contains(digest));
        assertEquals(layout.blob(digest), store.path(digest));
        assertEquals(5, store.size(digest));
        try (var in = store.open(digest)) {
            assertArrayEquals(data, in.readAllBytes());
        }
        store.delete(digest);
        assertFalse(store.contains(digest));
    }

    @Test
    void digestMismatchIsRefusedAndLeavesNothing() throws Exception {
        Layout layout = new Layout(root);
        ContentStore store = new ContentStore(layout);
        Digest expected = Digest.sha256("other".getBytes());
        InvalidArgument error = assertThrows(InvalidArgument.class,
                () -> store.put(new ByteArrayInputStream("hello".getBytes()), Optional.of(expected)));
        assertEquals("digest mismatch: expected " + expected + ", got " + Digest.sha256("hello".getBytes()),
                error.getMessage());
        try (var blobs = Files.list(layout.blobs()); var ingest = Files.list(layout.ingest())) {
            assertEquals(0, blobs.count());
            assertEquals(0, ingest.count());
        }
    }

    @Test
    void openOfAbsentBlobIsNotFound() {
        ContentStore store = new ContentStore(new Layout(root));
        assertThrows(NotFound.class, () -> store.open(Digest.sha256(new byte[0])));
    }

    @Test
    void leftoversInIngestAreRemovedAtStart() throws Exception {
        Layout layout = new Layout(root);
        layout.createDirectories();
        Path partial = Files.writeString(layout.ingest().resolve("blob-1.partial"), "half");
        new ContentStore(layout);
        assertFalse(Files.exists(partial));
    }

    @Test
    void aDownloadCutShortIsResumedAcrossRestartsAndPublishedWhole() throws Exception {
        Layout layout = new Layout(root);
        ContentStore store = new ContentStore(layout);
        byte[] data = "0123456789".repeat(1000).getBytes();
        Digest digest = Digest.sha256(data);
        try (ContentStore.Download download = store.download(digest)) {
            download.stream().write(data, 0, 4000);
        }
        assertFalse(store.contains(digest));
        ContentStore reopened = new ContentStore(layout); // a daemon restart keeps the partial download
        try (ContentStore.Download download = reopened.download(digest)) {
            assertEquals(4000, download.offset());
            download.stream().write(data, 4000, data.length - 4000);
            download.commit();
        }
        assertArrayEquals(data, reopened.read(digest));
        assertFalse(Files.exists(layout.partial(digest)));
    }

    @Test
    void aDownloadWithWrongBytesIsRefusedAndItsBytesDropped() throws Exception {
        Layout layout = new Layout(root);
        ContentStore store = new ContentStore(layout);
        Digest digest = Digest.sha256("right".getBytes());
        try (ContentStore.Download download = store.download(digest)) {
            download.stream().write("wrong".getBytes());
            assertThrows(InvalidArgument.class, download::commit);
        }
        assertFalse(store.contains(digest));
        assertFalse(Files.exists(layout.partial(digest)));
    }
}
