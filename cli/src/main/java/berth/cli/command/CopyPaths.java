package berth.cli.command;

import berth.cli.UserException;

import java.util.ArrayList;
import java.util.List;

/**
 * The path rules of {@code docker cp}, from the docker CLI's archive package: how a path splits into the directory
 * to extract into and the name to give, what a trailing {@code /} or {@code /.} asserts, and how archive entries
 * are renamed from the source's name to the destination's.
 */
final class CopyPaths {
    private CopyPaths() {}

    /** Go's filepath.Clean. */
    static String clean(String path) {
        boolean absolute = path.startsWith("/");
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..") && !parts.isEmpty() && !parts.getLast().equals("..")) {
                parts.removeLast();
            } else if (!(part.equals("..") && absolute)) {
                parts.add(part);
            }
        }
        String joined = String.join("/", parts);
        return absolute ? "/" + joined : joined.isEmpty() ? "." : joined;
    }

    static boolean specifiesCurrentDir(String path) {
        return path.equals(".") || path.endsWith("/.");
    }

    /** Whether the path says it must be a directory: a trailing {@code /} or {@code /.}. */
    static boolean assertsDirectory(String path) {
        return path.endsWith("/") || specifiesCurrentDir(path);
    }

    /** docker's SplitPathDirEntry: the directory part. */
    static String splitDir(String path) {
        String cleaned = splitClean(path);
        int slash = cleaned.lastIndexOf('/');
        return slash < 0 ? "." : slash == 0 ? "/" : cleaned.substring(0, slash);
    }

    /** docker's SplitPathDirEntry: the base part ({@code .} for a path ending in {@code /.}). */
    static String splitBase(String path) {
        String cleaned = splitClean(path);
        if (cleaned.equals("/")) {
            return "/";
        }
        return cleaned.substring(cleaned.lastIndexOf('/') + 1);
    }

    private static String splitClean(String path) {
        String cleaned = clean(path);
        if (specifiesCurrentDir(path)) {
            cleaned = cleaned.equals("/") ? "/." : cleaned + "/.";
        }
        return cleaned;
    }

    /**
     * docker's GetRebaseName: a symlink {@code path} followed to {@code resolved} keeps a trailing {@code /} or
     * {@code /.}, and the archive's entries take the link's own name. Returns the path to copy and that name (or null).
     */
    static String[] rebaseName(String path, String resolved) {
        String target = resolved;
        if (specifiesCurrentDir(path) && !specifiesCurrentDir(target)) {
            target = target + "/.";
        } else if (path.endsWith("/") && !target.endsWith("/")) {
            target = target + "/";
        }
        String linkBase = splitBase(path);
        String targetBase = splitBase(target);
        return new String[] {target, linkBase.equals(targetBase) ? null : linkBase};
    }

    /** An entry name with its first element renamed from {@code oldBase} to {@code newBase}. */
    static String rebase(String name, String oldBase, String newBase) {
        if (name.equals(oldBase)) {
            return newBase;
        }
        if (name.startsWith(oldBase + "/")) {
            return newBase + name.substring(oldBase.length());
        }
        return name;
    }

    /** An entry name as components below the destination; one that climbs out of it is refused. */
    static List<String> safeParts(String name) {
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    throw new UserException("invalid archive entry \"" + name + "\": it points outside the destination", 1);
                }
                parts.removeLast();
            } else {
                parts.add(part);
            }
        }
        return parts;
    }
}
