package berth.registry.server;

import berth.oci.Digest;
import berth.oci.MediaTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static berth.registry.server.TestRegistry.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Garbage collection removes orphans and keeps what manifests reference and what pushes are using. */
class GarbageCollectorTest {
    @TempDir
    Path root;
    TestRegistry registry;

    @BeforeEach
    void start() {
        registry = TestRegistry.start(root);
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private Path blob(Digest digest) {
        return root.resolve("blobs/sha256/" + digest.hex().substring(0, 2) + "/" + digest.hex());
    }

    /** Makes every file of the registry look {@code age} old, as if pushed back then. */
    private void age(Duration age) throws IOException {
        FileTime then = FileTime.from(Instant.now().minus(age));
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(file, then);
            }
        }
    }

    @Test
    void keepsReferencedAndRecentBlobsAndRemovesOrphans() throws Exception {
        Digest config = registry.pushBlob("app", "{}".getBytes(StandardCharsets.UTF_8));
        Digest layer = registry.pushBlob("app", "layer".getBytes(StandardCharsets.UTF_8));
        byte[] manifest = registry.pushImage("app", "v1", MediaTypes.OCI_MANIFEST, config, 2, List.of(layer), List.of(5L));
        Digest orphan = registry.pushBlob("app", "orphan".getBytes(StandardCharsets.UTF_8));
        Digest untaggedLayer = registry.pushBlob("app", "untagged".getBytes(StandardCharsets.UTF_8));
        byte[] untagged = TestRegistry.manifest(MediaTypes.OCI_MANIFEST, config, 2, List.of(untaggedLayer),
                List.of(8L), null);
        assertEquals(201, registry.send("PUT", "/v2/app/manifests/" + Digest.sha256(untagged), untagged,
                "Content-Type", MediaTypes.OCI_MANIFEST).statusCode());
        age(Duration.ofHours(2));
        Digest fresh = registry.pushBlob("app", "fresh".getBytes(StandardCharsets.UTF_8));

        GarbageCollector.Result result = registry.server.collectGarbage();

        assertEquals(1, result.blobsRemoved(), result::toString);
        assertFalse(Files.exists(blob(orphan)));
        assertFalse(Files.exists(root.resolve("repositories/app/_layers/sha256/" + orphan.hex())));
        for (Digest kept : List.of(config, layer, Digest.sha256(manifest), untaggedLayer, Digest.sha256(untagged), fresh)) {
            assertTrue(Files.exists(blob(kept)), kept + " was collected");
        }
        assertEquals(200, registry.get("/v2/app/manifests/v1").statusCode());
        assertEquals(200, registry.get("/v2/app/blobs/" + layer).statusCode());
    }

    @Test
    void aBlobAClientJustCheckedSurvivesForItsManifest() throws Exception {
        Digest config = registry.pushBlob("app", "{}".getBytes(StandardCharsets.UTF_8));
        age(Duration.ofHours(2));
        // The client checks the blob exists, skips its upload, and will push a manifest naming it.
        assertEquals(200, registry.send("HEAD", "/v2/app/blobs/" + config, null).statusCode());
        registry.server.collectGarbage();
        registry.pushImage("app", "v1", MediaTypes.OCI_MANIFEST, config, 2, List.of(), List.of());

        age(Duration.ofHours(2));
        assertEquals(202, registry.send("DELETE", "/v2/app/manifests/v1", null).statusCode());
        assertEquals(202, registry.send("DELETE", "/v2/app/manifests/" + Digest.sha256(TestRegistry.manifest(
                MediaTypes.OCI_MANIFEST, config, 2, List.of(), List.of(), null)), null).statusCode());
        GarbageCollector.Result result = registry.server.collectGarbage();
        assertEquals(2, result.blobsRemoved(), result::toString);
        assertFalse(Files.exists(blob(config)));
    }

    @Test
    void uploadsInProgressSurviveAndFinish() throws Exception {
        byte[] bytes = "in flight".getBytes(StandardCharsets.UTF_8);
        String location = registry.send("POST", "/v2/app/blobs/uploads/", null).headers().firstValue("Location")
                .orElseThrow();
        assertEquals(202, registry.send("PATCH", location, bytes).statusCode());
        String abandoned = registry.send("POST", "/v2/gone/blobs/uploads/", null).headers().firstValue("Location")
                .orElseThrow();
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofDays(2)));
        try (Stream<Path> uploads = Files.list(root.resolve("repositories/gone/_uploads"))) {
            for (Path upload : uploads.toList()) {
                Files.setLastModifiedTime(upload.resolve("data"), old);
            }
        }

        GarbageCollector.Result result = registry.server.collectGarbage();

        assertEquals(1, result.uploadsRemoved(), result::toString);
        assertEquals(404, registry.get(abandoned).statusCode());
        HttpResponse<byte[]> done = registry.send("PUT", location + "?digest=" + Digest.sha256(bytes), null);
        assertEquals(201, done.statusCode(), () -> text(done));
        assertArrayEquals(bytes, registry.get("/v2/app/blobs/" + Digest.sha256(bytes)).body());
    }

    @Test
    void oneProcessAtATimeOnARoot() {
        RegistryServer second = new RegistryServer(RegistryConfig.of("127.0.0.1:0", root));
        IllegalStateException e = assertThrows(IllegalStateException.class, second::start);
        assertTrue(e.getMessage().contains("another Berth registry"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> GarbageCollector.collect(root, Duration.ZERO));
    }

    @Test
    void offlineCollection(@TempDir Path other) throws Exception {
        try (TestRegistry offline = TestRegistry.start(other)) {
            offline.pushBlob("x", "orphan".getBytes(StandardCharsets.UTF_8));
        }
        GarbageCollector.Result result = GarbageCollector.collect(other, Duration.ZERO);
        assertEquals(1, result.blobsRemoved(), result::toString);
        try (Stream<Path> blobs = Files.walk(other.resolve("blobs"))) {
            assertEquals(0, blobs.filter(Files::isRegularFile).count());
        }
    }
}
