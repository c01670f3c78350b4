package berth.engine.files;

import berth.oci.errors.InvalidArgument;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Container paths as docker's archive endpoints read them. A path is absolute in the container; its directory
 * part is resolved inside the container's root (symlinks followed, {@code ..} stopping at {@code /}), its last
 * element is taken as it is, and a trailing {@code /} or {@code /.} is kept because it changes what a copy
 * means. Pure functions over names; the file system is asked only through the {@code readlink} the caller gives.
 */
public final class ScopedPath {
    private static final int MAX_SYMLINKS = 255;

    /** A path split as docker's {@code ResolvePath}: its directory, resolved in the root, and its last element. */
    public record Split(String dir, String base) {
        /** The base with a trailing dot meaning the directory itself: empty or {@code .}. */
        public boolean isDirectoryItself() {
            return base.isEmpty() || base.equals(".");
        }
    }

    private ScopedPath() {}

    /** {@code path} made absolute and cleaned, keeping a trailing {@code /} or {@code /.} as given. */
    public static String absolute(String path) {
        if (path == null || path.isEmpty()) {
            throw new InvalidArgument("path cannot be empty");
        }
        if (path.indexOf('\0') >= 0) {
            throw new InvalidArgument("path contains a NUL byte");
        }
        String cleaned = clean("/" + path);
        if (cleaned.equals("/")) {
            return path.endsWith("/.") || path.equals(".") ? "/." : "/";
        }
        if (path.endsWith("/.") || path.equals(".")) {
            return cleaned + "/.";
        }
        if (path.endsWith("/")) {
            return cleaned + "/";
        }
        return cleaned;
    }

    /** Splits an {@link #absolute} path into its directory and last element, as Go's {@code filepath.Split}. */
    public static Split split(String absolutePath) {
        int slash = absolutePath.lastIndexOf('/');
        return new Split(absolutePath.substring(0, slash + 1), absolutePath.substring(slash + 1));
    }

    /** The name docker gives a path in archives and stats: the last element, {@code .} or {@code /} kept. */
    public static String baseName(String absolutePath) {
        String trimmed = absolutePath;
        while (trimmed.length() > 1 && trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.equals("/")) {
            return "/";
        }
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }

    /**
     * Go's {@code filepath.Clean} for an absolute path: repeated slashes and {@code .} dropped, {@code ..} applied
     * and stopping at the root.
     */
    public static String clean(String absolutePath) {
        List<String> parts = new ArrayList<>();
        for (String part : absolutePath.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.removeLast();
                }
            } else {
                parts.add(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    /**
     * Resolves every symlink of {@code absolutePath} (the last element too) inside the root and returns the
     * container path it names. {@code readlink} answers, for an already resolved container path, the symlink's
     * target or empty when it is not a symlink (or does not exist). Too many links is an error, as ELOOP.
     */
    public static String resolve(String absolutePath, Function<String, Optional<String>> readlink) {
        Deque<String> pending = new ArrayDeque<>(components(absolutePath));
        List<String> resolved = new ArrayList<>();
        int links = 0;
        while (!pending.isEmpty()) {
            String part = pending.pollFirst();
            if (part.equals("..")) {
                if (!resolved.isEmpty()) {
                    resolved.removeLast();
                }
                continue;
            }
            resolved.add(part);
            Optional<String> target = readlink.apply("/" + String.join("/", resolved));
            if (target.isEmpty()) {
                continue;
            }
            if (++links > MAX_SYMLINKS) {
                throw new InvalidArgument("too many levels of symbolic links: " + absolutePath);
            }
            resolved.removeLast();
            if (target.get().startsWith("/")) {
                resolved.clear();
            }
            List<String> replacement = components(target.get());
            for (int i = replacement.size() - 1; i >= 0; i--) {
                pending.addFirst(replacement.get(i));
            }
        }
        return "/" + String.join("/", resolved);
    }

    private static List<String> components(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return parts;
    }
}
