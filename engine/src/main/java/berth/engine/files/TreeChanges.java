package berth.engine.files;

import berth.engine.model.Change;
import berth.sys.FileNodes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a container changed in its image's file system, as {@code docker diff} reports it: paths added, modified
 * and deleted, a directory counted as modified only when its own size, mode or time differ (or something in it was
 * added or deleted), in the order of a walk of the tree. Read from an overlay upper directory (whiteouts are
 * deletions, an opaque directory hides everything below it) or, for full copies, by comparing two trees.
 */
public final class TreeChanges {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final String ATTRIBUTES = "unix:mode,uid,gid,size,rdev,lastModifiedTime";

    /**
     * The files the runtime creates as mount points for the bind mounts of {@code /etc}: docker keeps them in an
     * init layer below the container's, so they are never a change of the container; nor is their directory,
     * when nothing else in it changed.
     */
    public static final java.util.Set<String> MOUNT_STUBS = java.util.Set.of("/etc/hostname", "/etc/hosts",
            "/etc/resolv.conf");

    /** Paths in walk order: component by component, so {@code /a/b} comes before {@code /a-b}. */
    public static final Comparator<String> WALK_ORDER = (a, b) -> Arrays.compare(a.split("/"), b.split("/"));

    private final Map<String, Integer> changes = new LinkedHashMap<>();

    private TreeChanges() {}

    /** The changes of an overlay upper directory over its lower directories, the top one first. */
    public static List<Change> overlay(Path upper, List<Path> lowersTopFirst) {
        TreeChanges result = new TreeChanges();
        result.walkUpper(upper, "", lowersTopFirst, false);
        return result.ordered(false);
    }

    /** The changes of full copy {@code container} over full copy {@code image} (none: every path is added). */
    public static List<Change> compare(Path container, Optional<Path> image) {
        TreeChanges result = new TreeChanges();
        result.walkCopy(container, image, "");
        image.ifPresent(i -> result.walkDeleted(container, i, ""));
        return result.ordered(true);
    }

    private void walkUpper(Path upper, String dir, List<Path> lowers, boolean hidden) {
        for (String name : list(upper.resolve(relative(dir)))) {
            String path = dir + "/" + name;
            Map<String, Object> a = attributes(upper.resolve(relative(path))).orElse(null);
            if (a == null) {
                continue;
            }
            if (isWhiteout(a)) {
                changes.put(path, Change.DELETED);
                continue;
            }
            boolean isDir = isDirectory(a);
            boolean opaque = isDir && isOpaque(upper.resolve(relative(path)));
            Optional<Map<String, Object>> lower = hidden ? Optional.empty() : lowerAttributes(lowers, path);
            if (lower.isEmpty()) {
                changes.put(path, Change.ADDED);
            } else if (!(isDir && isDirectory(lower.get()) && sameDirectory(a, lower.get()) && !opaque)) {
                changes.put(path, Change.MODIFIED);
            }
            if (isDir) {
                if (opaque && lower.isPresent()) {
                    // what the image had here is gone: each name of it the container did not make again
                    for (String old : lowerNames(lowers, path)) {
                        if (attributes(upper.resolve(relative(path + "/" + old))).isEmpty()) {
                            changes.put(path + "/" + old, Change.DELETED);
                        }
                    }
                }
                walkUpper(upper, path, lowers, hidden || opaque);
            }
        }
    }

    private void walkCopy(Path container, Optional<Path> image, String dir) {
        for (String name : list(container.resolve(relative(dir)))) {
            String path = dir + "/" + name;
            Map<String, Object> a = attributes(container.resolve(relative(path))).orElse(null);
            if (a == null) {
                continue;
            }
            Optional<Map<String, Object>> old = image.flatMap(i -> attributes(i.resolve(relative(path))));
            boolean isDir = isDirectory(a);
            if (old.isEmpty()) {
                changes.put(path, Change.ADDED);
            } else if (isDir && isDirectory(old.get())) {
                if (!sameDirectory(a, old.get())) {
                    changes.put(path, Change.MODIFIED);
                }
            } else if (!sameFile(a, old.get(), container.resolve(relative(path)), image.get().resolve(relative(path)))) {
                changes.put(path, Change.MODIFIED);
            }
            if (isDir) {
                walkCopy(container, old.isPresent() && isDirectory(old.get()) ? image : Optional.empty(), path);
            }
        }
    }

    private void walkDeleted(Path container, Path image, String dir) {
        for (String name : list(image.resolve(relative(dir)))) {
            String path = dir + "/" + name;
            Optional<Map<String, Object>> now = attributes(container.resolve(relative(path)));
            if (now.isEmpty()) {
                changes.put(path, Change.DELETED);
            } else if (isDirectory(now.get()) && attributes(image.resolve(relative(path))).map(TreeChanges::isDirectory).orElse(false)) {
                walkDeleted(container, image, path);
            }
        }
    }

    /**
     * The changes in walk order, with the directories docker reports as modified because of what changed in them:
     * from an overlay upper directory, the parent of each added or deleted path; from a comparison of copies,
     * every directory above any change (docker's naive differ), except those added.
     */
    private List<Change> ordered(boolean allAncestors) {
        for (String stub : MOUNT_STUBS) {
            if (changes.get(stub) != null && changes.get(stub) == Change.ADDED) {
                changes.remove(stub);
                String dir = stub.substring(0, stub.lastIndexOf('/'));
                boolean more = changes.keySet().stream().anyMatch(p -> p.startsWith(dir + "/"));
                if (!more && changes.get(dir) != null && changes.get(dir) == Change.MODIFIED) {
                    changes.remove(dir);
                }
            }
        }
        Map<String, Integer> all = new LinkedHashMap<>(changes);
        for (Map.Entry<String, Integer> change : changes.entrySet()) {
            if (change.getValue() != Change.MODIFIED || allAncestors) {
                String parent = change.getKey().substring(0, change.getKey().lastIndexOf('/'));
                while (!parent.isEmpty()) {
                    all.putIfAbsent(parent, Change.MODIFIED);
                    if (!allAncestors) {
                        break;
                    }
                    parent = parent.substring(0, parent.lastIndexOf('/'));
                }
            }
        }
        List<Change> out = new ArrayList<>();
        all.keySet().stream().sorted(WALK_ORDER).forEach(path -> out.add(new Change(path, all.get(path))));
        return out;
    }

    // The attributes of a path in the image seen through its layers: a whiteout, or an opaque directory above
    // it in a higher layer, hides what lower layers have.
    private static Optional<Map<String, Object>> lowerAttributes(List<Path> lowers, String path) {
        String[] parts = relative(path).split("/");
        for (Path layer : lowers) {
            boolean opaqueAbove = false;
            boolean parentsHere = true;
            Path at = layer;
            for (int i = 0; i < parts.length - 1; i++) {
                at = at.resolve(parts[i]);
                Optional<Map<String, Object>> a = attributes(at);
                if (a.isEmpty()) {
                    parentsHere = false;
                    break;
                }
                if (isWhiteout(a.get()) || !isDirectory(a.get())) {
                    return Optional.empty();
                }
                opaqueAbove |= isOpaque(at);
            }
            if (parentsHere) {
                Optional<Map<String, Object>> a = attributes(layer.resolve(relative(path)));
                if (a.isPresent()) {
                    return isWhiteout(a.get()) ? Optional.empty() : a;
                }
            }
            if (opaqueAbove) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static List<String> lowerNames(List<Path> lowers, String dir) {
        List<String> names = new ArrayList<>();
        for (Path layer : lowers) {
            for (String name : list(layer.resolve(relative(dir)))) {
                if (!names.contains(name) && lowerAttributes(lowers, dir + "/" + name).isPresent()) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private static boolean sameDirectory(Map<String, Object> a, Map<String, Object> b) {
        return a.get("size").equals(b.get("size")) && a.get("mode").equals(b.get("mode"))
                && sameTime((FileTime) a.get("lastModifiedTime"), (FileTime) b.get("lastModifiedTime"));
    }

    private static boolean sameFile(Map<String, Object> a, Map<String, Object> b, Path fileA, Path fileB) {
        if (!a.get("mode").equals(b.get("mode")) || !a.get("uid").equals(b.get("uid"))
                || !a.get("gid").equals(b.get("gid")) || !a.get("size").equals(b.get("size"))
                || !a.get("rdev").equals(b.get("rdev"))
                || !sameTime((FileTime) a.get("lastModifiedTime"), (FileTime) b.get("lastModifiedTime"))) {
            return false;
        }
        if (((Integer) a.get("mode") & 0170000) == 0120000) {
            try {
                return Files.readSymbolicLink(fileA).equals(Files.readSymbolicLink(fileB));
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    // Docker compares to the second when either side has no sub-second part (a tar keeps whole seconds).
    private static boolean sameTime(FileTime a, FileTime b) {
        var x = a.toInstant();
        var y = b.toInstant();
        return x.equals(y) || ((x.getNano() == 0 || y.getNano() == 0) && x.getEpochSecond() == y.getEpochSecond());
    }

    private static boolean isDirectory(Map<String, Object> a) {
        return ((Integer) a.get("mode") & 0170000) == 0040000;
    }

    private static boolean isWhiteout(Map<String, Object> a) {
        return ((Integer) a.get("mode") & 0170000) == 0020000 && (Long) a.get("rdev") == 0;
    }

    private static boolean isOpaque(Path dir) {
        try {
            byte[] value = FileNodes.lgetxattr(dir, "trusted.overlay.opaque");
            return value != null && value.length == 1 && value[0] == 'y';
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Optional<Map<String, Object>> attributes(Path path) {
        try {
            return Optional.of(Files.readAttributes(path, ATTRIBUTES, NOFOLLOW));
        } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> list(Path dir) {
        if (!Files.isDirectory(dir, NOFOLLOW)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String relative(String path) {
        return path.isEmpty() ? "." : path.substring(1);
    }
}
