package berth.sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * This process's view of the mount table, {@code /proc/self/mountinfo}: the kernel's word on whether a
 * directory is a mount point, so that mounting twice or unmounting what is not mounted can be avoided.
 */
public final class MountTable {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private MountTable() {}

    /** Whether {@code dir} (absolute, normalised) is the mount point of some mount. */
    public static boolean isMountPoint(Path dir) {
        String wanted = dir.toAbsolutePath().normalize().toString();
        try (var lines = Files.lines(MOUNTINFO)) {
            // Field 5 is the mount point, with space, tab, newline and backslash written as octal escapes.
            return lines.map(line -> line.split(" "))
                    .filter(fields -> fields.length > 4)
                    .anyMatch(fields -> unescape(fields[4]).equals(wanted));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The propagation tags ({@code shared:N}, {@code master:N}) of the mount that holds {@code path} (absolute,
     * with no symlinks): empty for a private mount. The last matching line wins, as the kernel stacks mounts.
     */
    public static List<String> propagationOf(Path path) {
        String wanted = path.toAbsolutePath().normalize().toString();
        String best = null;
        List<String> tags = List.of();
        try {
            for (String line : Files.readAllLines(MOUNTINFO)) {
                String[] fields = line.split(" ");
                if (fields.length < 7) {
                    continue;
                }
                String mountPoint = unescape(fields[4]);
                boolean holds = wanted.equals(mountPoint) || mountPoint.equals("/")
                        || wanted.startsWith(mountPoint + "/");
                if (holds && (best == null || mountPoint.length() >= best.length())) {
                    best = mountPoint;
                    List<String> optional = new ArrayList<>();
                    for (int i = 6; i < fields.length && !fields[i].equals("-"); i++) {
                        optional.add(fields[i]);
                    }
                    tags = optional;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tags;
    }

    private static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
