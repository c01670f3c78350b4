package berth.store.image;

import berth.oci.ImageRef;
import berth.oci.container.ContainerConfig;
import berth.oci.errors.Conflict;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;
import berth.store.ContentStore;
import berth.store.Layout;
import berth.store.TarFixture;
import berth.store.meta.ContainerRecord;
import berth.store.meta.MetadataStore;
import berth.store.snapshot.OverlaySnapshotter;
import berth.store.snapshot.Snapshotter;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageStoreTest {
    @TempDir
    Path firstRoot;
    @TempDir
    Path secondRoot;
    private final List<MetadataStore> opened = new ArrayList<>();

    /** One daemon root's stores. */
    private record Stores(Layout layout, ContentStore content, MetadataStore metadata, Snapshotter snapshotter,
                          ImageStore images) {}

    private Stores open(Path root) {
        Layout layout = new Layout(root);
        ContentStore content = new ContentStore(layout);
        MetadataStore metadata = MetadataStore.open(layout.database());
        opened.add(metadata);
        Snapshotter snapshotter = new OverlaySnapshotter(layout);
        return new Stores(layout, content, metadata, snapshotter, new ImageStore(content, metadata, snapshotter));
    }

    @AfterEach
    void close() {
        opened.forEach(MetadataStore::close);
    }

    private static byte[] busyboxRootfs() throws Exception {
        TarArchiveEntry busybox = TarFixture.entry("bin/busybox", TarConstants.LF_NORMAL, 0755);
        return new TarFixture().dir("bin").file(busybox, Files.readAllBytes(Path.of("/bin/busybox")))
                .symlink("bin/sh", "busybox").dir("etc").file("etc/hostname", "box\n").tar();
    }

    private static Image importBusybox(Stores stores, String tag) throws Exception {
        return stores.images().importRootfs(new ByteArrayInputStream(TarFixture.gzip(busyboxRootfs())),
                ContainerConfig.EMPTY, null, Optional.of(ImageRef.parse(tag)));
    }

    private static byte[] save(Stores stores, String... names) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        stores.images().save(List.of(names), out);
        return out.toByteArray();
    }

    private static Set<String> files(Path dir) throws Exception {
        try (var walk = Files.walk(dir)) {
            return new HashSet<>(walk.filter(Files::isRegularFile).map(dir::relativize).map(Path::toString).toList());
        }
    }

    @Test
    void importedImageResolvesByNameIdAndPrefix() throws Exception {
        Stores stores = open(firstRoot);
        Image image = importBusybox(stores, "busybox");
        assertEquals(List.of("busybox:latest"), image.repoTags());
        assertEquals("amd64", image.config().architecture());
        assertEquals("Imported from -", image.config().history().getFirst().comment());
        assertEquals(image.diffIds().getFirst().toString(), image.topChainId());
        assertTrue(stores.content().contains(image.diffIds().getFirst()), "layer blob is the uncompressed tar");
        for (String name : List.of("busybox", "busybox:latest", "docker.io/library/busybox:latest",
                image.id().toString(), image.id().hex().substring(0, 5))) {
            assertEquals(image.id(), stores.images().resolve(name).id(), name);
        }
        assertEquals("No such image: busybox:1.36",
                assertThrows(NotFound.class, () -> stores.images().resolve("busybox:1.36")).getMessage());
        assertTrue(Files.isRegularFile(stores.snapshotter().diffDir(image.topChainId()).resolve("bin/busybox")));
    }

    @Test
    void savedImageLoadsIntoFreshRootWithSameIdAndTags() throws Exception {
        Stores first = open(firstRoot);
        Image image = importBusybox(first, "busybox:latest");
        first.images().tag(image.id(), ImageRef.parse("me/box:1"));
        byte[] archive = save(first, "busybox", "me/box:1");
        Set<String> names = new HashSet<>();
        try (var tar = new TarArchiveInputStream(new ByteArrayInputStream(archive))) {
            for (var entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                names.add(entry.getName());
            }
        }
        assertTrue(names.containsAll(List.of("manifest.json", "index.json", "oci-layout", "repositories",
                "blobs/sha256/" + image.id().hex())), names.toString());

        Stores second = open(secondRoot);
        List<LoadedImage> loaded = second.images().load(new ByteArrayInputStream(archive));
        assertEquals(List.of(new LoadedImage(image.id(), List.of("busybox:latest", "me/box:1"))), loaded);
        Image again = second.images().resolve("me/box:1");
        assertEquals(image.id(), again.id());
        assertEquals(image.diffIds(), again.diffIds());
        assertEquals(List.of("busybox:latest", "me/box:1"), again.repoTags());
        assertTrue(Files.isSymbolicLink(second.snapshotter().diffDir(again.topChainId()).resolve("bin/sh")));
    }

    @Test
    void saveOfARepositoryNameSavesEveryTagOfThatRepositoryOnly() throws Exception {
        Stores first = open(firstRoot);
        Image image = importBusybox(first, "busybox:latest");
        first.images().tag(image.id(), ImageRef.parse("busybox:v2"));
        first.images().tag(image.id(), ImageRef.parse("busybox_x:1")); // '_' is no wildcard here
        first.images().tag(image.id(), ImageRef.parse("me/busybox:1"));

        Stores second = open(secondRoot);
        List<LoadedImage> loaded = second.images().load(new ByteArrayInputStream(save(first, "busybox")));
        assertEquals(List.of(new LoadedImage(image.id(), List.of("busybox:latest", "busybox:v2"))), loaded);
        assertEquals(List.of("docker.io/library/busybox:latest", "docker.io/library/busybox:v2"),
                first.metadata().tagsInRepository("docker.io/library/busybox"));
    }

    @Test
    void ociLayoutIsLoadedWhenNoManifestJsonIsPresent() throws Exception {
        Stores first = open(firstRoot);
        Image image = importBusybox(first, "busybox");
        byte[] archive = save(first, "busybox");
        ByteArrayOutputStream withoutManifestJson = new ByteArrayOutputStream();
        try (var in = new TarArchiveInputStream(new ByteArrayInputStream(archive));
             var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(withoutManifestJson)) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (!entry.getName().equals("manifest.json")) {
                    out.putArchiveEntry(entry);
                    in.transferTo(out);
                    out.closeArchiveEntry();
                }
            }
        }
        Stores second = open(secondRoot);
        List<LoadedImage> loaded = second.images().load(new ByteArrayInputStream(withoutManifestJson.toByteArray()));
        assertEquals(List.of(new LoadedImage(image.id(), List.of("busybox:latest"))), loaded);
    }

    @Test
    void truncatedArchiveIsRefusedAndStoresNothing() throws Exception {
        byte[] archive = save(prepared(), "busybox");
        Stores second = open(secondRoot);
        assertThrows(InvalidArgument.class,
                () -> second.images().load(new ByteArrayInputStream(Arrays.copyOf(archive, archive.length / 2))));
        assertNothingStored(second);
    }

    @Test
    void archiveWithCorruptBlobIsRefusedAndStoresNothing() throws Exception {
        Stores first = prepared();
        Image image = first.images().resolve("busybox");
        byte[] archive = save(first, "busybox");
        byte[] layerStart = Arrays.copyOf(Files.readAllBytes(first.layout().blob(image.diffIds().getFirst())), 512);
        int at = indexOf(archive, layerStart) + 2000;
        archive[at] ^= 0x55;
        Stores second = open(secondRoot);
        InvalidArgument error = assertThrows(InvalidArgument.class,
                () -> second.images().load(new ByteArrayInputStream(archive)));
        assertTrue(error.getMessage().contains("digest mismatch"), error.getMessage());
        assertNothingStored(second);
    }

    private Stores prepared() throws Exception {
        Stores first = open(firstRoot);
        importBusybox(first, "busybox");
        return first;
    }

    private static void assertNothingStored(Stores stores) throws Exception {
        assertEquals(List.of(), stores.images().list());
        assertEquals(Set.of(), files(stores.layout().blobs()));
        assertEquals(Set.of(), files(stores.layout().ingest()));
        try (var snapshots = Files.list(stores.layout().snapshots())) {
            assertEquals(List.of("l"), snapshots.map(p -> p.getFileName().toString()).toList());
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void sharedLayerIsStoredOnceAndOutlivesTheFirstImageDeleted() throws Exception {
        Stores stores = open(firstRoot);
        Image one = importBusybox(stores, "one");
        Image two = stores.images().importRootfs(new ByteArrayInputStream(busyboxRootfs()), ContainerConfig.EMPTY,
                "second", Optional.of(ImageRef.parse("two")));
        assertEquals(one.topChainId(), two.topChainId());
        stores.images().delete(one.id());
        assertTrue(stores.snapshotter().exists(two.topChainId()));
        assertTrue(stores.content().contains(two.diffIds().getFirst()));
        assertThrows(NotFound.class, () -> stores.images().resolve("one"));
        stores.images().delete(two.id());
        assertNothingStored(stores);
    }

    @Test
    void imageUsedByContainerOrItsSnapshotIsNotDeleted() throws Exception {
        Stores stores = open(firstRoot);
        Image image = importBusybox(stores, "busybox");
        String id = "c".repeat(64);
        stores.metadata().insertContainer(new ContainerRecord(id, "web", image.id(), Instant.now(), "{}".getBytes()));
        assertThrows(Conflict.class, () -> stores.images().delete(image.id()));
        stores.metadata().deleteContainer(id);
        stores.snapshotter().prepare(id, Optional.of(image.topChainId()));
        assertThrows(Conflict.class, () -> stores.images().delete(image.id()));
        assertEquals(image.id(), stores.images().resolve("busybox").id());
        stores.snapshotter().remove(id);
        stores.images().delete(image.id());
        assertEquals(List.of(), stores.images().list());
    }

    @Test
    void untagOfUnknownTagIsNotFound() throws Exception {
        Stores stores = open(firstRoot);
        importBusybox(stores, "busybox");
        stores.images().untag(ImageRef.parse("busybox"));
        assertEquals(List.of(), stores.images().list().getFirst().repoTags());
        assertThrows(NotFound.class, () -> stores.images().untag(ImageRef.parse("busybox")));
    }
}
