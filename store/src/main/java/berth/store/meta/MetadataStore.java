package berth.store.meta;

import berth.oci.Digest;
import berth.oci.errors.Conflict;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The daemon's metadata in one SQLite file (WAL, synchronous=NORMAL): images, tags, layers, containers and volumes.
 * One connection serves all threads, one call at a time; every change is one transaction, so a crash leaves
 * each change wholly made or not at all. The schema's version is SQLite's {@code user_version}; opening an
 * older file migrates it, a newer one is refused.
 */
public final class MetadataStore implements AutoCloseable {
    private static final int SCHEMA_VERSION = 3;
    private static final String[] SCHEMA_V1 = {
        """
        CREATE TABLE layers (chain_id TEXT PRIMARY KEY, diff_id TEXT NOT NULL,
            parent TEXT REFERENCES layers(chain_id), size INTEGER NOT NULL)""",
        """
        CREATE TABLE images (id TEXT PRIMARY KEY, manifest TEXT NOT NULL,
            top_chain_id TEXT REFERENCES layers(chain_id), created TEXT NOT NULL, size INTEGER NOT NULL,
            config BLOB NOT NULL)""",
        "CREATE TABLE tags (reference TEXT PRIMARY KEY, image_id TEXT NOT NULL REFERENCES images(id))",
        "CREATE INDEX tags_by_image ON tags(image_id)",
        """
        CREATE TABLE containers (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, image_id TEXT NOT NULL,
            created TEXT NOT NULL, doc BLOB NOT NULL)""",
        "CREATE INDEX containers_by_image ON containers(image_id)",
    };

    /** Networks, the containers attached to them, the addresses leased and each running container's sandbox. */
    private static final String[] SCHEMA_V2 = {
        "CREATE TABLE networks (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, doc BLOB NOT NULL)",
        """
        CREATE TABLE endpoints (container_id TEXT NOT NULL, network_id TEXT NOT NULL REFERENCES networks(id),
            doc BLOB NOT NULL, PRIMARY KEY (container_id, network_id))""",
        """
        CREATE TABLE leases (network_id TEXT NOT NULL REFERENCES networks(id), address TEXT NOT NULL,
            container_id TEXT NOT NULL, PRIMARY KEY (network_id, address))""",
        "CREATE INDEX leases_by_container ON leases(container_id)",
        "CREATE TABLE sandboxes (container_id TEXT PRIMARY KEY, doc BLOB NOT NULL)",
    };

    /** Volumes of the local driver. */
    private static final String[] SCHEMA_V3 = {
        "CREATE TABLE volumes (name TEXT PRIMARY KEY, driver TEXT NOT NULL, created TEXT NOT NULL, doc BLOB NOT NULL)",
    };
    private static final String IMAGE_COLUMNS = "id, manifest, top_chain_id, created, size, config";
    private static final String CONTAINER_COLUMNS = "id, name, image_id, created, doc";

    private final Connection connection;

    private MetadataStore(Connection connection) {
        this.connection = connection;
    }

    /** Opens (creating if need be) the database at {@code file} and brings its schema up to date. */
    public static MetadataStore open(Path file) {
        try {
            Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement pragma = connection.createStatement()) {
                pragma.execute("PRAGMA journal_mode=WAL");
                // NORMAL in WAL mode: a commit is in the WAL before it is acknowledged, so a daemon crash loses nothing;
                // only a power loss may roll back the last commits, which live restore reconciles with conmon's files.
                pragma.execute("PRAGMA synchronous=NORMAL");
                pragma.execute("PRAGMA foreign_keys=ON");
                pragma.execute("PRAGMA busy_timeout=5000");
            }
            MetadataStore store = new MetadataStore(connection);
            store.migrate();
            return store;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open metadata database " + file + ": " + e.getMessage(), e);
        }
    }

    private void migrate() {
        transaction(() -> {
            int version = queryInt("PRAGMA user_version");
            if (version > SCHEMA_VERSION) {
                throw new IllegalStateException("metadata schema version " + version
                        + " is newer than this berth understands (" + SCHEMA_VERSION + ")");
            }
            try (Statement statement = connection.createStatement()) {
                if (version < 1) {
                    for (String sql : SCHEMA_V1) {
                        statement.execute(sql);
                    }
                }
                if (version < 2) {
                    for (String sql : SCHEMA_V2) {
                        statement.execute(sql);
                    }
                }
                if (version < 3) {
                    for (String sql : SCHEMA_V3) {
                        statement.execute(sql);
                    }
                }
                statement.execute("PRAGMA user_version=" + SCHEMA_VERSION);
            }
            return null;
        });
    }

    // ---- images, layers, tags

    /**
     * Records an image with the layers it needs (rows already present are kept) and points {@code references}
     * at it, taking them from any image that had them, as {@code docker load} and {@code docker tag} do.
     */
    public void putImage(ImageRecord image, List<LayerRecord> layers, List<String> references) {
        transaction(() -> {
            for (LayerRecord layer : layers) {
                update("INSERT OR IGNORE INTO layers (chain_id, diff_id, parent, size) VALUES (?, ?, ?, ?)",
                        layer.chainId(), layer.diffId().toString(), layer.parent(), layer.size());
            }
            update("INSERT OR IGNORE INTO images (" + IMAGE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)",
                    image.id().toString(), image.manifest().toString(), image.topChainId(),
                    image.created().toString(), image.size(), image.config());
            for (String reference : references) {
                update("INSERT OR REPLACE INTO tags (reference, image_id) VALUES (?, ?)", reference, image.id().toString());
            }
            return null;
        });
    }

    public Optional<ImageRecord> image(Digest id) {
        return transaction(() -> queryImages("WHERE id = ?", id.toString()).stream().findFirst());
    }

    public List<ImageRecord> images() {
        return transaction(() -> queryImages("ORDER BY created DESC"));
    }

    /** The ids of the images whose hex starts with {@code hexPrefix}. */
    public List<Digest> imageIdsWithPrefix(String hexPrefix) {
        return transaction(() -> queryStrings("SELECT id FROM images WHERE substr(id, 8, ?) = ?",
                hexPrefix.length(), hexPrefix).stream().map(Digest::parse).toList());
    }

    public Optional<Digest> imageOfTag(String reference) {
        return transaction(() -> queryStrings("SELECT image_id FROM tags WHERE reference = ?", reference)
                .stream().map(Digest::parse).findFirst());
    }

    /** The full references (as {@code ImageRef.toString()} writes them) that name {@code imageId}, sorted. */
    public List<String> tagsOf(Digest imageId) {
        return transaction(() -> queryStrings("SELECT reference FROM tags WHERE image_id = ? ORDER BY reference",
                imageId.toString()));
    }

    /**
     * The tags of {@code repository} ({@code docker.io/library/busybox}) as full references, sorted. The prefix is
     * compared with substr, not LIKE, whose '_' would match any character.
     */
    public List<String> tagsInRepository(String repository) {
        String prefix = repository + ":";
        return transaction(() -> queryStrings("SELECT reference FROM tags WHERE substr(reference, 1, ?) = ? "
                + "AND instr(substr(reference, ?), '@') = 0 ORDER BY reference", prefix.length(), prefix,
                prefix.length() + 1));
    }

    /** Points {@code reference} at {@code imageId}, moving it from any other image. */
    public void tag(String reference, Digest imageId) {
        transaction(() -> {
            if (queryStrings("SELECT id FROM images WHERE id = ?", imageId.toString()).isEmpty()) {
                throw new NotFound("No such image: " + imageId);
            }
            update("INSERT OR REPLACE INTO tags (reference, image_id) VALUES (?, ?)", reference, imageId.toString());
            return null;
        });
    }

    /** Removes {@code reference}; false if no image had it. */
    public boolean untag(String reference) {
        return transaction(() -> update("DELETE FROM tags WHERE reference = ?", reference) > 0);
    }

    /** Removes an image, its tags and the layer rows it alone used ({@code chainIds}, top first), as one change. */
    public void deleteImage(Digest id, List<String> chainIds) {
        transaction(() -> {
            update("DELETE FROM tags WHERE image_id = ?", id.toString());
            update("DELETE FROM images WHERE id = ?", id.toString());
            for (String chainId : chainIds) {
                update("DELETE FROM layers WHERE chain_id = ?", chainId);
            }
            return null;
        });
    }

    public Optional<LayerRecord> layer(String chainId) {
        return transaction(() -> {
            try (PreparedStatement select = prepare(
                    "SELECT chain_id, diff_id, parent, size FROM layers WHERE chain_id = ?", chainId);
                 ResultSet rows = select.executeQuery()) {
                return rows.next()
                        ? Optional.of(new LayerRecord(rows.getString(1), Digest.parse(rows.getString(2)),
                                rows.getString(3), rows.getLong(4)))
                        : Optional.empty();
            }
        });
    }

    /** Whether a layer other than {@code except} has {@code chainId} as parent, or an image other than {@code image} tops on it. */
    public boolean layerUsedElsewhere(String chainId, Digest image, String except) {
        return transaction(() -> !queryStrings("SELECT chain_id FROM layers WHERE parent = ? AND chain_id IS NOT ?",
                chainId, except).isEmpty()
                || !queryStrings("SELECT id FROM images WHERE top_chain_id = ? AND id <> ?",
                chainId, image.toString()).isEmpty());
    }

    // ---- containers

    /** Records a new container; a name in use is docker's conflict. */
    public void insertContainer(ContainerRecord container) {
        String name = bareName(container.name());
        transaction(() -> {
            refuseNameInUse(name);
            update("INSERT INTO containers (" + CONTAINER_COLUMNS + ") VALUES (?, ?, ?, ?, ?)", container.id(), name,
                    container.imageId().toString(), container.created().toString(), container.doc());
            return null;
        });
    }

    /** Refuses a name a container has, with docker's conflict: checked before anything is made for a new one. */
    public void refuseContainerNameInUse(String name) {
        transaction(() -> {
            refuseNameInUse(bareName(name));
            return null;
        });
    }

    public void updateContainerDoc(String id, byte[] doc) {
        transaction(() -> {
            if (update("UPDATE containers SET doc = ? WHERE id = ?", doc, id) == 0) {
                throw noSuchContainer(id);
            }
            return null;
        });
    }

    public void renameContainer(String id, String newName) {
        String name = bareName(newName);
        transaction(() -> {
            refuseNameInUse(name);
            if (update("UPDATE containers SET name = ? WHERE id = ?", name, id) == 0) {
                throw noSuchContainer(id);
            }
            return null;
        });
    }

    /** Removes a container's row; false if there was none. */
    public boolean deleteContainer(String id) {
        return transaction(() -> update("DELETE FROM containers WHERE id = ?", id) > 0);
    }

    public Optional<ContainerRecord> container(String id) {
        return transaction(() -> queryContainers("WHERE id = ?", id).stream().findFirst());
    }

    public List<ContainerRecord> containers() {
        return transaction(() -> queryContainers("ORDER BY created DESC"));
    }

    public List<ContainerRecord> containersUsingImage(Digest imageId) {
        return transaction(() -> queryContainers("WHERE image_id = ? ORDER BY created DESC", imageId.toString()));
    }

    /**
     * Finds a container as docker does: by full id, then by name (with or without the leading '/'), then by a
     * unique id prefix. No match is {@code No such container: X}; a prefix of several ids is refused.
     */
    public ContainerRecord resolveContainer(String nameOrIdOrPrefix) {
        if (nameOrIdOrPrefix.isEmpty()) {
            throw noSuchContainer(nameOrIdOrPrefix);
        }
        return transaction(() -> {
            List<ContainerRecord> byId = queryContainers("WHERE id = ?", nameOrIdOrPrefix);
            if (!byId.isEmpty()) {
                return byId.getFirst();
            }
            List<ContainerRecord> byName = queryContainers("WHERE name = ?", bareName(nameOrIdOrPrefix));
            if (!byName.isEmpty()) {
                return byName.getFirst();
            }
            List<ContainerRecord> byPrefix = queryContainers("WHERE substr(id, 1, ?) = ?",
                    nameOrIdOrPrefix.length(), nameOrIdOrPrefix);
            if (byPrefix.size() > 1) {
                throw new InvalidArgument("multiple IDs found with provided prefix: " + nameOrIdOrPrefix);
            }
            if (byPrefix.isEmpty()) {
                throw noSuchContainer(nameOrIdOrPrefix);
            }
            return byPrefix.getFirst();
        });
    }

    // ---- volumes

    /** Records a new volume; false (and nothing changed) when one of that name exists. */
    public boolean insertVolume(VolumeRecord volume) {
        return transaction(() -> update("INSERT OR IGNORE INTO volumes (name, driver, created, doc) VALUES (?, ?, ?, ?)",
                volume.name(), volume.driver(), volume.created().toString(), volume.doc()) > 0);
    }

    public Optional<VolumeRecord> volume(String name) {
        return transaction(() -> queryVolumes("WHERE name = ?", name).stream().findFirst());
    }

    /** Every volume, by name. */
    public List<VolumeRecord> volumes() {
        return transaction(() -> queryVolumes("ORDER BY name"));
    }

    /** Removes a volume's row; false if there was none. */
    public boolean deleteVolume(String name) {
        return transaction(() -> update("DELETE FROM volumes WHERE name = ?", name) > 0);
    }

    private List<VolumeRecord> queryVolumes(String clause, Object... parameters) throws SQLException {
        try (PreparedStatement select = prepare("SELECT name, driver, created, doc FROM volumes " + clause, parameters);
             ResultSet rows = select.executeQuery()) {
            List<VolumeRecord> volumes = new ArrayList<>();
            while (rows.next()) {
                volumes.add(new VolumeRecord(rows.getString(1), rows.getString(2), Instant.parse(rows.getString(3)),
                        rows.getBytes(4)));
            }
            return volumes;
        }
    }

    private void refuseNameInUse(String name) throws SQLException {
        List<String> holder = queryStrings("SELECT id FROM containers WHERE name = ?", name);
        if (!holder.isEmpty()) {
            throw new Conflict("Conflict. The container name \"/" + name + "\" is already in use by container \""
                    + holder.getFirst() + "\". You have to remove (or rename) that container to be able to reuse that name.");
        }
    }

    private static String bareName(String name) {
        return name.startsWith("/") ? name.substring(1) : name;
    }

    private static NotFound noSuchContainer(String name) {
        return new NotFound("No such container: " + name);
    }

    // ---- networks

    /** Records a new network; a name in use is docker's conflict. */
    public void insertNetwork(NetworkRecord network) {
        transaction(() -> {
            if (!queryStrings("SELECT id FROM networks WHERE name = ?", network.name()).isEmpty()) {
                throw new Conflict("network with name " + network.name() + " already exists");
            }
            update("INSERT INTO networks (id, name, doc) VALUES (?, ?, ?)", network.id(), network.name(), network.doc());
            return null;
        });
    }

    /** Removes a network; one that containers are attached to is refused. */
    public void deleteNetwork(String id) {
        transaction(() -> {
            if (!queryStrings("SELECT container_id FROM endpoints WHERE network_id = ? UNION "
                    + "SELECT container_id FROM leases WHERE network_id = ?", id, id).isEmpty()) {
                throw new Conflict("error while removing network: network " + id + " has active endpoints");
            }
            update("DELETE FROM networks WHERE id = ?", id);
            return null;
        });
    }

    public List<NetworkRecord> networks() {
        return transaction(() -> {
            try (PreparedStatement select = prepare("SELECT id, name, doc FROM networks ORDER BY name");
                 ResultSet rows = select.executeQuery()) {
                List<NetworkRecord> networks = new ArrayList<>();
                while (rows.next()) {
                    networks.add(new NetworkRecord(rows.getString(1), rows.getString(2), rows.getBytes(3)));
                }
                return networks;
            }
        });
    }

    /** Attaches a container to a network (its aliases and asked-for address in {@code doc}); replaces any earlier. */
    public void putEndpoint(String containerId, String networkId, byte[] doc) {
        transaction(() -> update("INSERT OR REPLACE INTO endpoints (container_id, network_id, doc) VALUES (?, ?, ?)",
                containerId, networkId, doc));
    }

    public boolean deleteEndpoint(String containerId, String networkId) {
        return transaction(() -> update("DELETE FROM endpoints WHERE container_id = ? AND network_id = ?",
                containerId, networkId) > 0);
    }

    /** Every attachment of every container, in the order they were made. */
    public List<EndpointRecord> endpoints() {
        return transaction(() -> {
            try (PreparedStatement select = prepare("SELECT container_id, network_id, doc FROM endpoints ORDER BY rowid");
                 ResultSet rows = select.executeQuery()) {
                List<EndpointRecord> endpoints = new ArrayList<>();
                while (rows.next()) {
                    endpoints.add(new EndpointRecord(rows.getString(1), rows.getString(2), rows.getBytes(3)));
                }
                return endpoints;
            }
        });
    }

    /** Forgets a container's attachments, keeping its sandbox and leases until they are torn down. */
    public void deleteEndpoints(String containerId) {
        transaction(() -> update("DELETE FROM endpoints WHERE container_id = ?", containerId));
    }

    /** Forgets a removed container's attachments, leases and sandbox. */
    public void deleteContainerNetworking(String containerId) {
        transaction(() -> {
            update("DELETE FROM endpoints WHERE container_id = ?", containerId);
            update("DELETE FROM leases WHERE container_id = ?", containerId);
            update("DELETE FROM sandboxes WHERE container_id = ?", containerId);
            return null;
        });
    }

    /**
     * Records a container's sandbox and leases its addresses ({@code network id → address}) in one change; an
     * address another container holds is a conflict and nothing is recorded.
     */
    public void putSandbox(String containerId, byte[] doc, java.util.Map<String, String> leases) {
        transaction(() -> {
            update("DELETE FROM leases WHERE container_id = ?", containerId);
            for (var lease : leases.entrySet()) {
                List<String> holder = queryStrings("SELECT container_id FROM leases WHERE network_id = ? AND address = ?",
                        lease.getKey(), lease.getValue());
                if (!holder.isEmpty()) {
                    throw new Conflict("Address already in use: " + lease.getValue());
                }
                update("INSERT INTO leases (network_id, address, container_id) VALUES (?, ?, ?)", lease.getKey(),
                        lease.getValue(), containerId);
            }
            update("INSERT OR REPLACE INTO sandboxes (container_id, doc) VALUES (?, ?)", containerId, doc);
            return null;
        });
    }

    /** Hands a sandbox and its leases from one owner to another in one change (a spare given to a container). */
    public void moveSandbox(String from, String to, byte[] doc) {
        transaction(() -> {
            update("UPDATE leases SET container_id = ? WHERE container_id = ?", to, from);
            update("DELETE FROM sandboxes WHERE container_id = ?", from);
            update("INSERT OR REPLACE INTO sandboxes (container_id, doc) VALUES (?, ?)", to, doc);
            return null;
        });
    }

    /** Drops a container's sandbox and releases its leases. */
    public void deleteSandbox(String containerId) {
        transaction(() -> {
            update("DELETE FROM leases WHERE container_id = ?", containerId);
            update("DELETE FROM sandboxes WHERE container_id = ?", containerId);
            return null;
        });
    }

    /** The sandboxes by container id. */
    public java.util.Map<String, byte[]> sandboxes() {
        return transaction(() -> {
            try (PreparedStatement select = prepare("SELECT container_id, doc FROM sandboxes");
                 ResultSet rows = select.executeQuery()) {
                java.util.Map<String, byte[]> sandboxes = new java.util.LinkedHashMap<>();
                while (rows.next()) {
                    sandboxes.put(rows.getString(1), rows.getBytes(2));
                }
                return sandboxes;
            }
        });
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- plumbing

    private interface Work<T> {
        T run() throws SQLException;
    }

    private synchronized <T> T transaction(Work<T> work) {
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.run();
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("metadata database: " + e.getMessage(), e);
        }
    }

    private PreparedStatement prepare(String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }

    private int update(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(sql, parameters)) {
            return statement.executeUpdate();
        }
    }

    private int queryInt(String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            return rows.getInt(1);
        }
    }

    private List<String> queryStrings(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement select = prepare(sql, parameters); ResultSet rows = select.executeQuery()) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }

    private List<ImageRecord> queryImages(String clause, Object... parameters) throws SQLException {
        try (PreparedStatement select = prepare("SELECT " + IMAGE_COLUMNS + " FROM images " + clause, parameters);
             ResultSet rows = select.executeQuery()) {
            List<ImageRecord> images = new ArrayList<>();
            while (rows.next()) {
                images.add(new ImageRecord(Digest.parse(rows.getString(1)), Digest.parse(rows.getString(2)),
                        rows.getString(3), Instant.parse(rows.getString(4)), rows.getLong(5), rows.getBytes(6)));
            }
            return images;
        }
    }

    private List<ContainerRecord> queryContainers(String clause, Object... parameters) throws SQLException {
        try (PreparedStatement select = prepare("SELECT " + CONTAINER_COLUMNS + " FROM containers " + clause, parameters);
             ResultSet rows = select.executeQuery()) {
            List<ContainerRecord> containers = new ArrayList<>();
            while (rows.next()) {
                containers.add(new ContainerRecord(rows.getString(1), rows.getString(2), Digest.parse(rows.getString(3)),
                        Instant.parse(rows.getString(4)), rows.getBytes(5)));
            }
            return containers;
        }
    }
}
