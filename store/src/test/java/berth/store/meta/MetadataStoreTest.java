package berth.store.meta;

import berth.oci.Digest;
import berth.oci.errors.Conflict;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetadataStoreTest {
    private static final String ID_A = "a".repeat(64);
    private static final String ID_AB = "ab" + "c".repeat(62);
    private static final Digest IMAGE = Digest.sha256("image".getBytes());

    @TempDir
    Path root;
    MetadataStore store;

    @BeforeEach
    void open() {
        store = MetadataStore.open(root.resolve("berth.db"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private ContainerRecord container(String id, String name) {
        return new ContainerRecord(id, name, IMAGE, Instant.now(), "{}".getBytes());
    }

    @Test
    void nameInUseIsConflictWithDockersMessage() {
        store.insertContainer(container(ID_A, "web"));
        Conflict conflict = assertThrows(Conflict.class, () -> store.insertContainer(container(ID_AB, "/web")));
        assertEquals("Conflict. The container name \"/web\" is already in use by container \"" + ID_A
                + "\". You have to remove (or rename) that container to be able to reuse that name.", conflict.getMessage());
        assertEquals(1, store.containers().size());
    }

    @Test
    void renameToNameInUseIsConflict() {
        store.insertContainer(container(ID_A, "web"));
        store.insertContainer(container(ID_AB, "db"));
        assertThrows(Conflict.class, () -> store.renameContainer(ID_AB, "web"));
        store.renameContainer(ID_AB, "/cache");
        assertEquals("cache", store.container(ID_AB).orElseThrow().name());
    }

    @Test
    void resolveTriesIdThenNameThenUniquePrefix() {
        store.insertContainer(container(ID_A, "web"));
        store.insertContainer(container(ID_AB, ID_A.substring(0, 12)));
        assertEquals(ID_A, store.resolveContainer(ID_A).id());
        assertEquals(ID_A, store.resolveContainer("/web").id());
        assertEquals(ID_A, store.resolveContainer("web").id());
        // a name wins over an id prefix, as in docker
        assertEquals(ID_AB, store.resolveContainer(ID_A.substring(0, 12)).id());
        assertEquals(ID_AB, store.resolveContainer("abc").id());
    }

    @Test
    void ambiguousPrefixIsRefusedAndUnknownIsNotFound() {
        store.insertContainer(container(ID_A, "web"));
        store.insertContainer(container(ID_AB, "db"));
        assertThrows(InvalidArgument.class, () -> store.resolveContainer("a"));
        NotFound notFound = assertThrows(NotFound.class, () -> store.resolveContainer("nope"));
        assertEquals("No such container: nope", notFound.getMessage());
    }

    @Test
    void containerDocIsUpdatedAndDeleted() {
        store.insertContainer(container(ID_A, "web"));
        store.updateContainerDoc(ID_A, "{\"State\":1}".getBytes());
        assertArrayEquals("{\"State\":1}".getBytes(), store.container(ID_A).orElseThrow().doc());
        assertEquals(List.of(ID_A), store.containersUsingImage(IMAGE).stream().map(ContainerRecord::id).toList());
        assertTrue(store.deleteContainer(ID_A));
        assertThrows(NotFound.class, () -> store.updateContainerDoc(ID_A, new byte[0]));
    }

    @Test
    void imagesTagsAndLayersSurviveReopening() throws Exception {
        Digest diff = Digest.sha256("layer".getBytes());
        store.putImage(new ImageRecord(IMAGE, Digest.sha256("manifest".getBytes()), diff.toString(), Instant.EPOCH, 5,
                "{}".getBytes()), List.of(new LayerRecord(diff.toString(), diff, null, 5)),
                List.of("docker.io/library/busybox:latest"));
        store.close();
        store = MetadataStore.open(root.resolve("berth.db"));
        assertEquals(IMAGE, store.imageOfTag("docker.io/library/busybox:latest").orElseThrow());
        assertEquals(List.of(IMAGE), store.imageIdsWithPrefix(IMAGE.hex().substring(0, 3)));
        assertEquals(diff, store.layer(diff.toString()).orElseThrow().diffId());
        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + root.resolve("berth.db"));
             var rows = connection.createStatement().executeQuery("PRAGMA user_version")) {
            assertEquals(3, rows.getInt(1));
        }
        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + root.resolve("berth.db"));
             var rows = connection.createStatement().executeQuery("PRAGMA journal_mode")) {
            assertEquals("wal", rows.getString(1));
        }
    }

    @Test
    void volumesAreUniqueByNameAndSurviveReopening() {
        assertTrue(store.insertVolume(new VolumeRecord("data", "local", Instant.EPOCH, "{}".getBytes())));
        assertFalse(store.insertVolume(new VolumeRecord("data", "local", Instant.EPOCH, "{\"x\":1}".getBytes())),
                "a second volume of the same name is refused and changes nothing");
        store.close();
        store = MetadataStore.open(root.resolve("berth.db"));
        VolumeRecord data = store.volume("data").orElseThrow();
        assertEquals("{}", new String(data.doc()));
        assertEquals(List.of("data"), store.volumes().stream().map(VolumeRecord::name).toList());
        assertTrue(store.deleteVolume("data"));
        assertFalse(store.deleteVolume("data"));
        assertTrue(store.volume("data").isEmpty());
    }

    @Test
    void aVersionOneDatabaseGainsTheNetworkAndVolumeTables() throws Exception {
        store.close();
        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + root.resolve("berth.db"));
             var statement = connection.createStatement()) {
            for (String table : List.of("volumes", "sandboxes", "leases", "endpoints", "networks")) {
                statement.execute("DROP TABLE " + table);
            }
            statement.execute("PRAGMA user_version=1");
        }
        store = MetadataStore.open(root.resolve("berth.db"));
        assertTrue(store.insertVolume(new VolumeRecord("v", "local", Instant.EPOCH, "{}".getBytes())));
        store.insertNetwork(new NetworkRecord("n".repeat(64), "front", "{}".getBytes()));
        assertEquals(List.of("front"), store.networks().stream().map(NetworkRecord::name).toList());
    }

    @Test
    void leasesAreUniquePerNetworkAndNetworksInUseStay() {
        String net = "n".repeat(64);
        store.insertNetwork(new NetworkRecord(net, "front", "{}".getBytes()));
        assertThrows(Conflict.class,
                () -> store.insertNetwork(new NetworkRecord("m".repeat(64), "front", "{}".getBytes())));
        store.putSandbox("a".repeat(64), "{}".getBytes(), java.util.Map.of(net, "10.0.0.2"));
        var taken = assertThrows(Conflict.class,
                () -> store.putSandbox("b".repeat(64), "{}".getBytes(), java.util.Map.of(net, "10.0.0.2")));
        assertTrue(taken.getMessage().contains("10.0.0.2"), taken.getMessage());
        assertEquals(List.of("a".repeat(64)), List.copyOf(store.sandboxes().keySet()), "the refused one left nothing");
        assertThrows(Conflict.class, () -> store.deleteNetwork(net));
        store.deleteSandbox("a".repeat(64));
        store.putEndpoint("b".repeat(64), net, "{}".getBytes());
        assertThrows(Conflict.class, () -> store.deleteNetwork(net));
        store.deleteContainerNetworking("b".repeat(64));
        store.deleteNetwork(net);
        assertTrue(store.networks().isEmpty());
    }
}
