package berth.store;

import berth.oci.Digest;
import berth.oci.errors.InvalidArgument;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Every path under the daemon's root, built in this one class so the on-disk layout is written down once:
 * <pre>
 * /var/lib/berth/                  (the root; {@code --root} moves it)
 * ├── berth.db                     SQLite metadata (WAL: berth.db-wal, berth.db-shm beside it)
 * ├── content/
 * │   ├── blobs/sha256/&lt;hex&gt;       every blob by digest: layers as received, configs, manifests
 * │   └── ingest/                  blobs being written; emptied at start but for <hex>.partial (a download to resume)
 * ├── overlay/
 * │   ├── &lt;key&gt;/                   one snapshot (':' in a key is '_' on disk)
 * │   │   ├── diff/                its files (the upper dir; for vfs, the whole root file system)
 * │   │   ├── work/                overlayfs's work dir
 * │   │   ├── merged/              where the root file system is mounted
 * │   │   ├── parent               the parent snapshot's key, absent for a base layer
 * │   │   ├── link                 the short name of this snapshot under l/
 * │   │   └── committed            present once committed (read-only, shareable)
 * │   └── l/&lt;short&gt;               symlink to ../&lt;key&gt;/diff: keeps overlay mount data under a page
 * ├── containers/&lt;id&gt;/             bundle (config.json), conmon pid/exit files, json-file log
 * └── volumes/&lt;name&gt;/             one volume (local driver)
 *     └── _data/                   its files, or the mount point of its {@code -o type=… device=…} file system
 * </pre>
 */
public final class Layout {
    public static final Path DEFAULT_ROOT = Path.of("/var/lib/berth");
    // Keys are chain ids ("sha256:<hex>"), container ids or names chosen by callers; no '_' so ':' can map to it,
    // and at least two characters so no key is the links directory "l".
    private static final Pattern SNAPSHOT_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:-]{1,199}");
    private static final Pattern VOLUME_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]+");
    private static final Pattern CONTAINER_ID = Pattern.compile("[a-f0-9]{64}");

    private final Path root;

    public Layout(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** Creates the directories the stores expect; safe to call on every start. */
    public void createDirectories() {
        try {
            for (Path dir : new Path[] {blobs(), ingest(), links(), root.resolve("containers"), volumes()}) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path database() {
        return root.resolve("berth.db");
    }

    public Path blobs() {
        return root.resolve("content/blobs/sha256");
    }

    public Path blob(Digest digest) {
        return blobs().resolve(digest.hex());
    }

    public Path ingest() {
        return root.resolve("content/ingest");
    }

    /** The partial download of the blob {@code digest}, kept across failures so a retry resumes it. */
    public Path partial(Digest digest) {
        return ingest().resolve(digest.hex() + ".partial");
    }

    public Path snapshots() {
        return root.resolve("overlay");
    }

    /** The directory of snapshot {@code key}; refuses keys that could name a path outside {@link #snapshots()}. */
    public Path snapshot(String key) {
        if (!SNAPSHOT_KEY.matcher(key).matches()) {
            throw new InvalidArgument("invalid snapshot key: \"" + key + "\"");
        }
        return snapshots().resolve(key.replace(':', '_'));
    }

    /** The snapshot key a directory under {@link #snapshots()} stands for (the inverse of {@link #snapshot}). */
    public String snapshotKey(Path dir) {
        return dir.getFileName().toString().replace('_', ':');
    }

    public Path snapshotDiff(String key) {
        return snapshot(key).resolve("diff");
    }

    public Path snapshotWork(String key) {
        return snapshot(key).resolve("work");
    }

    public Path snapshotMerged(String key) {
        return snapshot(key).resolve("merged");
    }

    public Path links() {
        return snapshots().resolve("l");
    }

    public Path link(String shortName) {
        return links().resolve(shortName);
    }

    /** The directory holding one directory per container. */
    public Path containers() {
        return root.resolve("containers");
    }

    public Path container(String id) {
        if (!CONTAINER_ID.matcher(id).matches()) {
            throw new InvalidArgument("invalid container id: \"" + id + "\"");
        }
        return containers().resolve(id);
    }

    /** The directory holding one directory per volume. */
    public Path volumes() {
        return root.resolve("volumes");
    }

    /** The directory of volume {@code name}; refuses names that could name a path outside {@link #volumes()}. */
    public Path volume(String name) {
        if (!VOLUME_NAME.matcher(name).matches()) {
            throw new InvalidArgument("invalid volume name: \"" + name + "\"");
        }
        return volumes().resolve(name);
    }

    public Path volumeData(String name) {
        return volume(name).resolve("_data");
    }
}
