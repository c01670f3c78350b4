package berth.registry.server;

import berth.oci.Digest;
import berth.oci.MediaTypes;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static berth.registry.server.TestRegistry.assertError;
import static berth.registry.server.TestRegistry.json;
import static berth.registry.server.TestRegistry.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The distribution spec 1.1, endpoint by endpoint, against a real server on loopback. */
class RegistryConformanceTest {
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

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private List<Path> storedBlobs() throws Exception {
        try (Stream<Path> walk = Files.walk(root.resolve("blobs"))) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void baseEndpointAnswersWithTheApiVersion() {
        HttpResponse<byte[]> response = registry.get("/v2/");
        assertEquals(200, response.statusCode());
        assertEquals("registry/2.0", response.headers().firstValue("Docker-Distribution-API-Version").orElseThrow());
    }

    @Test
    void monolithicPushThenPullAndHead() throws Exception {
        byte[] blob = random(300_000, 1);
        Digest digest = Digest.sha256(blob);
        HttpResponse<byte[]> pushed = registry.send("POST", "/v2/team/app/blobs/uploads/?digest=" + digest, blob);
        assertEquals(201, pushed.statusCode(), () -> text(pushed));
        assertEquals("/v2/team/app/blobs/" + digest, pushed.headers().firstValue("Location").orElseThrow());
        assertEquals(digest.toString(), pushed.headers().firstValue("Docker-Content-Digest").orElseThrow());

        HttpResponse<byte[]> head = registry.send("HEAD", "/v2/team/app/blobs/" + digest, null);
        assertEquals(200, head.statusCode());
        assertEquals("300000", head.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(digest.toString(), head.headers().firstValue("Docker-Content-Digest").orElseThrow());
        HttpResponse<byte[]> pulled = registry.get("/v2/team/app/blobs/" + digest);
        assertEquals(200, pulled.statusCode());
        assertArrayEquals(blob, pulled.body());

        assertTrue(Files.isRegularFile(root.resolve("blobs/sha256/" + digest.hex().substring(0, 2) + "/" + digest.hex())));
        assertTrue(Files.exists(root.resolve("repositories/team/app/_layers/sha256/" + digest.hex())));
        assertEquals(List.of(), Files.list(root.resolve("repositories/team/app/_uploads")).toList(), "upload left over");
    }

    @Test
    void chunkedUploadWithContentRange() {
        byte[] blob = random(100_000, 2);
        Digest digest = Digest.sha256(blob);
        HttpResponse<byte[]> started = registry.send("POST", "/v2/chunky/blobs/uploads/", null);
        assertEquals(202, started.statusCode(), () -> text(started));
        String location = started.headers().firstValue("Location").orElseThrow();
        assertEquals("0-0", started.headers().firstValue("Range").orElseThrow());
        assertFalse(started.headers().firstValue("Docker-Upload-UUID").orElseThrow().isEmpty());

        HttpResponse<byte[]> first = registry.send("PATCH", location, Arrays.copyOfRange(blob, 0, 40_000),
                "Content-Range", "0-39999", "Content-Type", "application/octet-stream");
        assertEquals(202, first.statusCode(), () -> text(first));
        assertEquals("0-39999", first.headers().firstValue("Range").orElseThrow());
        location = first.headers().firstValue("Location").orElseThrow();

        HttpResponse<byte[]> status = registry.get(location);
        assertEquals(204, status.statusCode());
        assertEquals("0-39999", status.headers().firstValue("Range").orElseThrow());

        HttpResponse<byte[]> second = registry.send("PATCH", location, Arrays.copyOfRange(blob, 40_000, 90_000),
                "Content-Range", "40000-89999");
        assertEquals(202, second.statusCode(), () -> text(second));
        HttpResponse<byte[]> done = registry.send("PUT", location + "?digest=" + digest,
                Arrays.copyOfRange(blob, 90_000, 100_000), "Content-Range", "90000-99999");
        assertEquals(201, done.statusCode(), () -> text(done));
        assertEquals(digest.toString(), done.headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertArrayEquals(blob, registry.get("/v2/chunky/blobs/" + digest).body());
    }

    @Test
    void streamedUploadThenPutWithoutBody() {
        byte[] blob = random(70_000, 3);
        Digest digest = Digest.sha256(blob);
        String location = registry.send("POST", "/v2/streamed/blobs/uploads/", null).headers().firstValue("Location")
                .orElseThrow();
        HttpResponse<byte[]> patched = registry.send("PATCH", location, blob);
        assertEquals(202, patched.statusCode(), () -> text(patched));
        HttpResponse<byte[]> done = registry.send("PUT", location + "?digest=" + digest, null);
        assertEquals(201, done.statusCode(), () -> text(done));
        assertArrayEquals(blob, registry.get("/v2/streamed/blobs/" + digest).body());
    }

    @Test
    void chunkOutOfOrderIs416AndChangesNothing() {
        String location = registry.send("POST", "/v2/ooo/blobs/uploads/", null).headers().firstValue("Location")
                .orElseThrow();
        assertEquals(202, registry.send("PATCH", location, new byte[10], "Content-Range", "0-9").statusCode());
        HttpResponse<byte[]> skipped = registry.send("PATCH", location, new byte[10], "Content-Range", "20-29");
        assertError(416, ErrorCode.BLOB_UPLOAD_INVALID, skipped);
        HttpResponse<byte[]> again = registry.send("PATCH", location, new byte[10], "Content-Range", "0-9");
        assertError(416, ErrorCode.BLOB_UPLOAD_INVALID, again);
        assertEquals("0-9", registry.get(location).headers().firstValue("Range").orElseThrow());
    }

    @Test
    void wrongDigestIsRefusedAndStoresNothing() throws Exception {
        byte[] blob = "some bytes".getBytes(StandardCharsets.UTF_8);
        Digest other = Digest.sha256("other bytes".getBytes(StandardCharsets.UTF_8));
        assertError(400, ErrorCode.DIGEST_INVALID,
                registry.send("POST", "/v2/repo/blobs/uploads/?digest=" + other, blob));
        assertError(400, ErrorCode.DIGEST_INVALID,
                registry.send("POST", "/v2/repo/blobs/uploads/?digest=sha256:nothex", blob));
        assertEquals(List.of(), storedBlobs());
        assertError(404, ErrorCode.BLOB_UNKNOWN, registry.send("HEAD", "/v2/repo/blobs/" + other, null));
    }

    @Test
    void unknownBlobAndUploadAndBadDigestInPath() {
        Digest absent = Digest.sha256(new byte[] {1});
        assertError(404, ErrorCode.BLOB_UNKNOWN, registry.get("/v2/repo/blobs/" + absent));
        assertError(400, ErrorCode.DIGEST_INVALID, registry.get("/v2/repo/blobs/sha256:1234"));
        assertError(404, ErrorCode.BLOB_UPLOAD_UNKNOWN,
                registry.get("/v2/repo/blobs/uploads/123e4567-e89b-12d3-a456-426614174000"));
        // A path that climbs out of its repository names no endpoint at all.
        assertEquals(404, registry.get("/v2/repo/blobs/uploads/..%2F..%2Fx").statusCode());
    }

    @Test
    void badRepositoryNamesAreRefused() {
        for (String name : List.of("Upper/case", "a..b", "-lead", "trail-", "a//b", "a/_layers")) {
            assertError(400, ErrorCode.NAME_INVALID, registry.get("/v2/" + name + "/tags/list"));
        }
        assertError(400, ErrorCode.NAME_INVALID, registry.send("POST", "/v2/" + "a".repeat(256) + "/blobs/uploads/", null));
    }

    @Test
    void rangeRequestsOfABlob() {
        byte[] blob = "0123456789".getBytes(StandardCharsets.UTF_8);
        Digest digest = registry.pushBlob("ranges", blob);
        HttpResponse<byte[]> part = registry.get("/v2/ranges/blobs/" + digest, "Range", "bytes=2-5");
        assertEquals(206, part.statusCode());
        assertEquals("2345", new String(part.body(), StandardCharsets.UTF_8));
        assertEquals("bytes 2-5/10", part.headers().firstValue("Content-Range").orElseThrow());
        HttpResponse<byte[]> tail = registry.get("/v2/ranges/blobs/" + digest, "Range", "bytes=7-");
        assertEquals("789", new String(tail.body(), StandardCharsets.UTF_8));
        HttpResponse<byte[]> beyond = registry.get("/v2/ranges/blobs/" + digest, "Range", "bytes=10-");
        assertEquals(416, beyond.statusCode());
        assertEquals("bytes */10", beyond.headers().firstValue("Content-Range").orElseThrow());
    }

    @Test
    void crossRepositoryMountLinksWithoutCopying() throws Exception {
        byte[] blob = random(5_000, 4);
        Digest digest = registry.pushBlob("source/repo", blob);
        HttpResponse<byte[]> mounted = registry.send("POST",
                "/v2/target/repo/blobs/uploads/?mount=" + digest + "&from=source/repo", null);
        assertEquals(201, mounted.statusCode(), () -> text(mounted));
        assertEquals("/v2/target/repo/blobs/" + digest, mounted.headers().firstValue("Location").orElseThrow());
        assertArrayEquals(blob, registry.get("/v2/target/repo/blobs/" + digest).body());
        assertEquals(1, storedBlobs().size());

        HttpResponse<byte[]> fallback = registry.send("POST",
                "/v2/third/blobs/uploads/?mount=" + digest + "&from=nowhere", null);
        assertEquals(202, fallback.statusCode(), () -> text(fallback));
        assertTrue(fallback.headers().firstValue("Location").orElseThrow().startsWith("/v2/third/blobs/uploads/"));
        assertError(404, ErrorCode.BLOB_UNKNOWN, registry.get("/v2/third/blobs/" + digest));
    }

    @Test
    void manifestByTagAndByDigestWithNegotiation() {
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = random(2_000, 5);
        Digest c = registry.pushBlob("img", config);
        Digest l = registry.pushBlob("img", layer);
        byte[] manifest = TestRegistry.manifest(MediaTypes.OCI_MANIFEST, c, config.length, List.of(l),
                List.of((long) layer.length), null);
        Digest digest = Digest.sha256(manifest);
        HttpResponse<byte[]> pushed = registry.send("PUT", "/v2/img/manifests/v1", manifest, "Content-Type",
                MediaTypes.OCI_MANIFEST);
        assertEquals(201, pushed.statusCode(), () -> text(pushed));
        assertEquals(digest.toString(), pushed.headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertEquals("/v2/img/manifests/" + digest, pushed.headers().firstValue("Location").orElseThrow());

        for (String reference : List.of("v1", digest.toString())) {
            HttpResponse<byte[]> got = registry.get("/v2/img/manifests/" + reference, "Accept",
                    MediaTypes.OCI_MANIFEST + ", " + MediaTypes.DOCKER_MANIFEST);
            assertEquals(200, got.statusCode(), () -> text(got));
            assertArrayEquals(manifest, got.body());
            assertEquals(MediaTypes.OCI_MANIFEST, got.headers().firstValue("Content-Type").orElseThrow());
            assertEquals(digest.toString(), got.headers().firstValue("Docker-Content-Digest").orElseThrow());
        }
        HttpResponse<byte[]> head = registry.send("HEAD", "/v2/img/manifests/v1", null);
        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(manifest.length), head.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(digest.toString(), head.headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertEquals(200, registry.get("/v2/img/manifests/v1", "Accept", "*/*").statusCode());
        assertError(404, ErrorCode.MANIFEST_UNKNOWN,
                registry.get("/v2/img/manifests/v1", "Accept", MediaTypes.DOCKER_MANIFEST));
        assertError(404, ErrorCode.MANIFEST_UNKNOWN, registry.get("/v2/img/manifests/v2"));
        assertError(404, ErrorCode.MANIFEST_UNKNOWN,
                registry.get("/v2/img/manifests/" + Digest.sha256(new byte[] {9})));
    }

    @Test
    void dockerSchema2ManifestAndManifestList() {
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        Digest c = registry.pushBlob("multi", config);
        byte[] manifest = registry.pushImage("multi", "amd64", MediaTypes.DOCKER_MANIFEST, c, 2, List.of(), List.of());
        Digest child = Digest.sha256(manifest);
        byte[] list = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST_LIST + "\",\"manifests\":["
                + "{\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\",\"digest\":\"" + child + "\",\"size\":"
                + manifest.length + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> pushed = registry.send("PUT", "/v2/multi/manifests/latest", list, "Content-Type",
                MediaTypes.DOCKER_MANIFEST_LIST);
        assertEquals(201, pushed.statusCode(), () -> text(pushed));
        HttpResponse<byte[]> got = registry.get("/v2/multi/manifests/latest", "Accept", MediaTypes.DOCKER_MANIFEST_LIST);
        assertArrayEquals(list, got.body());
        assertEquals(MediaTypes.DOCKER_MANIFEST_LIST, got.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void invalidManifestsAreRefused() throws Exception {
        Digest missing = Digest.sha256("missing".getBytes(StandardCharsets.UTF_8));
        byte[] dangling = TestRegistry.manifest(MediaTypes.OCI_MANIFEST, missing, 7, List.of(), List.of(), null);
        assertError(404, ErrorCode.MANIFEST_BLOB_UNKNOWN, registry.send("PUT", "/v2/bad/manifests/x", dangling,
                "Content-Type", MediaTypes.OCI_MANIFEST));
        assertError(400, ErrorCode.MANIFEST_INVALID, registry.send("PUT", "/v2/bad/manifests/x",
                "{not json".getBytes(StandardCharsets.UTF_8), "Content-Type", MediaTypes.OCI_MANIFEST));
        assertError(400, ErrorCode.MANIFEST_INVALID, registry.send("PUT", "/v2/bad/manifests/x",
                "{\"schemaVersion\":1}".getBytes(StandardCharsets.UTF_8), "Content-Type", MediaTypes.OCI_MANIFEST));
        assertError(400, ErrorCode.MANIFEST_INVALID, registry.send("PUT", "/v2/bad/manifests/x",
                "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:zz\",\"size\":1,\"mediaType\":\"a/b\"},\"layers\":[]}"
                        .getBytes(StandardCharsets.UTF_8), "Content-Type", MediaTypes.OCI_MANIFEST));
        byte[] indexOfUnknown = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[{"
                + "\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + missing + "\",\"size\":3}]}")
                .getBytes(StandardCharsets.UTF_8);
        assertError(404, ErrorCode.MANIFEST_BLOB_UNKNOWN, registry.send("PUT", "/v2/bad/manifests/x", indexOfUnknown,
                "Content-Type", MediaTypes.OCI_INDEX));
        Digest c = registry.pushBlob("bad", "{}".getBytes(StandardCharsets.UTF_8));
        byte[] good = TestRegistry.manifest(MediaTypes.OCI_MANIFEST, c, 2, List.of(), List.of(), null);
        assertError(400, ErrorCode.DIGEST_INVALID, registry.send("PUT", "/v2/bad/manifests/" + missing, good,
                "Content-Type", MediaTypes.OCI_MANIFEST));
        assertError(400, ErrorCode.MANIFEST_INVALID, registry.send("PUT", "/v2/bad/manifests/x", good,
                "Content-Type", MediaTypes.OCI_INDEX));
        assertError(400, ErrorCode.MANIFEST_INVALID, registry.send("PUT", "/v2/bad/manifests/bad!tag", good,
                "Content-Type", MediaTypes.OCI_MANIFEST));
        assertTrue(registry.get("/v2/bad/tags/list").statusCode() == 200);
        assertEquals(0, json(registry.get("/v2/bad/tags/list")).path("tags").size());
        assertFalse(Files.exists(root.resolve("repositories/bad/_manifests/revisions")));
    }

    @Test
    void tagsArePaginated() {
        Digest c = registry.pushBlob("paged", "{}".getBytes(StandardCharsets.UTF_8));
        List<String> tags = List.of("e", "a", "d", "b", "c");
        for (String tag : tags) {
            registry.pushImage("paged", tag, MediaTypes.OCI_MANIFEST, c, 2, List.of(), List.of());
        }
        assertEquals(List.of("a", "b", "c", "d", "e"), tagsOf(registry.get("/v2/paged/tags/list")));
        List<String> seen = new ArrayList<>();
        String next = "/v2/paged/tags/list?n=2";
        int pages = 0;
        while (next != null) {
            HttpResponse<byte[]> page = registry.get(next);
            assertEquals(200, page.statusCode(), () -> text(page));
            List<String> entries = tagsOf(page);
            assertTrue(entries.size() <= 2);
            seen.addAll(entries);
            next = page.headers().firstValue("Link").map(link -> link.substring(1, link.indexOf('>'))).orElse(null);
            pages++;
        }
        assertEquals(List.of("a", "b", "c", "d", "e"), seen);
        assertEquals(3, pages);
        assertEquals(List.of("d", "e"), tagsOf(registry.get("/v2/paged/tags/list?last=c")));
        assertError(404, ErrorCode.NAME_UNKNOWN, registry.get("/v2/nothing/here/tags/list"));
        assertEquals(400, registry.get("/v2/paged/tags/list?n=lots").statusCode());
    }

    private static List<String> tagsOf(HttpResponse<byte[]> response) {
        List<String> tags = new ArrayList<>();
        json(response).path("tags").forEach(t -> tags.add(t.asText()));
        return tags;
    }

    @Test
    void catalogIsPaginated() throws Exception {
        for (String name : List.of("zeta", "alpha/one", "alpha", "mid/dle/deep")) {
            Digest c = registry.pushBlob(name, "{}".getBytes(StandardCharsets.UTF_8));
            registry.pushImage(name, "latest", MediaTypes.OCI_MANIFEST, c, 2, List.of(), List.of());
        }
        Files.createDirectories(root.resolve("repositories/lost+found"));
        JsonNode all = json(registry.get("/v2/_catalog"));
        assertEquals("[\"alpha\",\"alpha/one\",\"mid/dle/deep\",\"zeta\"]", all.path("repositories").toString());
        HttpResponse<byte[]> first = registry.get("/v2/_catalog?n=3");
        assertEquals("[\"alpha\",\"alpha/one\",\"mid/dle/deep\"]", json(first).path("repositories").toString());
        String link = first.headers().firstValue("Link").orElseThrow();
        assertEquals("</v2/_catalog?last=mid%2Fdle%2Fdeep&n=3>; rel=\"next\"", link);
        HttpResponse<byte[]> second = registry.get(link.substring(1, link.indexOf('>')));
        assertEquals("[\"zeta\"]", json(second).path("repositories").toString());
        assertTrue(second.headers().firstValue("Link").isEmpty());
    }

    @Test
    void deletesOfTagsManifestsAndBlobs() {
        Digest c = registry.pushBlob("del", "{}".getBytes(StandardCharsets.UTF_8));
        byte[] layer = random(100, 6);
        Digest l = registry.pushBlob("del", layer);
        byte[] manifest = registry.pushImage("del", "one", MediaTypes.OCI_MANIFEST, c, 2, List.of(l), List.of(100L));
        Digest digest = Digest.sha256(manifest);
        registry.pushImage("del", "two", MediaTypes.OCI_MANIFEST, c, 2, List.of(l), List.of(100L));

        assertEquals(202, registry.send("DELETE", "/v2/del/manifests/one", null).statusCode());
        assertError(404, ErrorCode.MANIFEST_UNKNOWN, registry.get("/v2/del/manifests/one"));
        assertEquals(200, registry.get("/v2/del/manifests/two").statusCode());
        assertEquals(202, registry.send("DELETE", "/v2/del/manifests/" + digest, null).statusCode());
        assertError(404, ErrorCode.MANIFEST_UNKNOWN, registry.get("/v2/del/manifests/" + digest));
        assertError(404, ErrorCode.MANIFEST_UNKNOWN, registry.get("/v2/del/manifests/two"));
        assertEquals(List.of(), tagsOf(registry.get("/v2/del/tags/list")));
        assertError(404, ErrorCode.MANIFEST_UNKNOWN, registry.send("DELETE", "/v2/del/manifests/" + digest, null));

        assertEquals(202, registry.send("DELETE", "/v2/del/blobs/" + l, null).statusCode());
        assertError(404, ErrorCode.BLOB_UNKNOWN, registry.get("/v2/del/blobs/" + l));
        assertError(404, ErrorCode.BLOB_UNKNOWN, registry.send("DELETE", "/v2/del/blobs/" + l, null));
    }

    @Test
    void deletesCanBeDisabled(@TempDir Path other) {
        try (TestRegistry readOnly = new TestRegistry(new RegistryConfig("127.0.0.1:0", other, null, null, null,
                false, java.time.Duration.ZERO, RegistryConfig.DEFAULT_GC_GRACE))) {
            Digest c = readOnly.pushBlob("keep", "{}".getBytes(StandardCharsets.UTF_8));
            readOnly.pushImage("keep", "v1", MediaTypes.OCI_MANIFEST, c, 2, List.of(), List.of());
            assertError(405, ErrorCode.UNSUPPORTED, readOnly.send("DELETE", "/v2/keep/manifests/v1", null));
            assertError(405, ErrorCode.UNSUPPORTED, readOnly.send("DELETE", "/v2/keep/blobs/" + c, null));
            assertEquals(200, readOnly.get("/v2/keep/manifests/v1").statusCode());
        }
    }

    @Test
    void uploadsCanBeCancelled() {
        String location = registry.send("POST", "/v2/cancel/blobs/uploads/", null).headers().firstValue("Location")
                .orElseThrow();
        registry.send("PATCH", location, new byte[100]);
        assertEquals(204, registry.send("DELETE", location, null).statusCode());
        assertError(404, ErrorCode.BLOB_UPLOAD_UNKNOWN, registry.get(location));
        assertError(404, ErrorCode.BLOB_UPLOAD_UNKNOWN, registry.send("PATCH", location, new byte[1]));
    }

    @Test
    void referrersListManifestsWithASubject() {
        Digest c = registry.pushBlob("art", "{}".getBytes(StandardCharsets.UTF_8));
        byte[] subject = registry.pushImage("art", "v1", MediaTypes.OCI_MANIFEST, c, 2, List.of(), List.of());
        Digest subjectDigest = Digest.sha256(subject);
        byte[] signature = TestRegistry.manifest(MediaTypes.OCI_MANIFEST, c, 2, List.of(), List.of(),
                "\"artifactType\":\"application/vnd.example.signature\",\"subject\":{\"mediaType\":\""
                        + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + subjectDigest + "\",\"size\":" + subject.length
                        + "},\"annotations\":{\"org.example.signed-by\":\"me\"}");
        Digest signatureDigest = Digest.sha256(signature);
        HttpResponse<byte[]> pushed = registry.send("PUT", "/v2/art/manifests/" + signatureDigest, signature,
                "Content-Type", MediaTypes.OCI_MANIFEST);
        assertEquals(201, pushed.statusCode(), () -> text(pushed));
        assertEquals(subjectDigest.toString(), pushed.headers().firstValue("OCI-Subject").orElseThrow());

        HttpResponse<byte[]> listed = registry.get("/v2/art/referrers/" + subjectDigest);
        assertEquals(200, listed.statusCode());
        assertEquals(MediaTypes.OCI_INDEX, listed.headers().firstValue("Content-Type").orElseThrow());
        JsonNode manifests = json(listed).path("manifests");
        assertEquals(1, manifests.size());
        assertEquals(signatureDigest.toString(), manifests.get(0).path("digest").asText());
        assertEquals(signature.length, manifests.get(0).path("size").asLong());
        assertEquals("application/vnd.example.signature", manifests.get(0).path("artifactType").asText());
        assertEquals("me", manifests.get(0).path("annotations").path("org.example.signed-by").asText());
        assertNull(listed.headers().firstValue("OCI-Filters-Applied").orElse(null));

        HttpResponse<byte[]> filtered = registry.get("/v2/art/referrers/" + subjectDigest + "?artifactType=other/type");
        assertEquals("artifactType", filtered.headers().firstValue("OCI-Filters-Applied").orElseThrow());
        assertEquals(0, json(filtered).path("manifests").size());
        HttpResponse<byte[]> matching = registry.get("/v2/art/referrers/" + subjectDigest
                + "?artifactType=application/vnd.example.signature");
        assertEquals(1, json(matching).path("manifests").size());

        assertEquals(0, json(registry.get("/v2/art/referrers/" + Digest.sha256(new byte[] {4}))).path("manifests").size());
        assertEquals(202, registry.send("DELETE", "/v2/art/manifests/" + signatureDigest, null).statusCode());
        assertEquals(0, json(registry.get("/v2/art/referrers/" + subjectDigest)).path("manifests").size());
    }

    @Test
    void unknownEndpointsAndMethods() {
        assertEquals(404, registry.get("/v3/").statusCode());
        assertError(405, ErrorCode.UNSUPPORTED, registry.send("POST", "/v2/x/tags/list", null));
    }

    @Test
    void aTlsHandshakeOnThePlainPortIsClosedAtOnce() throws Exception {
        java.net.URI uri = java.net.URI.create(registry.base);
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(5_000);
            // The start of a TLS ClientHello: a handshake record of TLS 1.0, as clients trying HTTPS first send it.
            socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xf4, 0x01, 0x00, 0x00, (byte) 0xf0});
            assertEquals(-1, socket.getInputStream().read());
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        java.net.URI uri = java.net.URI.create(registry.base);
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /v2/_catalog HTTP/1.1\r\nHost: r\r\n\r\n"
                    + "GET /v2/nope/tags/list HTTP/1.1\r\nHost: r\r\n\r\n"
                    + "GET /v2/ HTTP/1.1\r\nHost: r\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int catalog = answers.indexOf("{\"repositories\":[]}");
            int unknown = answers.indexOf("NAME_UNKNOWN");
            int base = answers.lastIndexOf("HTTP/1.1 200 OK");
            assertTrue(catalog > 0 && unknown > catalog && base > unknown, answers);
        }
    }
}
