package berth.store.snapshot;

import berth.oci.errors.Conflict;
import berth.oci.errors.NotFound;
import berth.store.layer.WhiteoutMode;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Layers stacked into root filesystems. A snapshot is <em>active</em> (writable) after {@link #prepare}: a layer
 * is unpacked into its {@link #diffDir}, or a container's root file system is {@link #mount}ed from it. After
 * {@link #commit} it is <em>committed</em> (read-only, shareable) under a new name and may be the parent of
 * other snapshots. Only leaves may be removed. Keys are chain ids ({@code sha256:...}) for layers and container
 * ids for containers. Unknown keys are {@link NotFound}; state clashes are {@link Conflict}.
 */
public interface Snapshotter {
    /** Creates active snapshot {@code key} on top of committed {@code parent}; returns its {@link #diffDir}. */
    Path prepare(String key, Optional<String> parent);

    /** Makes active snapshot {@code key} the committed snapshot {@code name}; {@code key} is gone afterwards. */
    void commit(String name, String key);

    /** Removes a snapshot (unmounting it first); refused with {@link Conflict} while it has children. */
    void remove(String key);

    /** Mounts the root file system of active snapshot {@code key} and returns where; does nothing more if mounted. */
    Path mount(String key);

    /** Unmounts what {@link #mount} mounted; nothing happens if it is not mounted. */
    void unmount(String key);

    /** The directory that holds what this snapshot adds: where a layer being prepared is unpacked. */
    Path diffDir(String key);

    boolean exists(String key);

    boolean isCommitted(String key);

    Optional<String> parent(String key);

    /** The snapshots whose parent is {@code key}. */
    List<String> children(String key);

    /** How a layer unpacked into {@link #diffDir} must write its whiteouts for this snapshotter. */
    WhiteoutMode whiteoutMode();

    /**
     * Whether a layer's {@link #diffDir} holds the same files whatever its parent is (overlay: only the layer's
     * own files and whiteouts), so layers may be unpacked side by side into snapshots prepared without a parent
     * and stacked afterwards with {@link #reparent}. Not so where a snapshot starts as a copy of its parent (vfs).
     */
    default boolean unpacksIndependently() {
        return false;
    }

    /** Puts active snapshot {@code key}, prepared without a parent, on top of committed {@code parent}. */
    void reparent(String key, Optional<String> parent);
}
