package berth.store.layer;

import berth.oci.errors.InvalidArgument;

import java.util.ArrayList;
import java.util.List;

/**
 * A tar entry's name made safe to join to a root (a layer's, or a directory a copy extracts into): cleaned as Go's {@code filepath.Clean} would, a
 * leading '/' dropped (docker reads {@code /etc/x} as {@code etc/x}), and refused if {@code ..} climbs above the
 * root. The empty path is the root itself.
 */
public record EntryPath(List<String> components) {

    public static EntryPath of(String name) {
        if (name.indexOf('\0') >= 0) {
            throw new InvalidArgument("invalid tar entry \"" + name.replace('\0', '?') + "\": NUL in name");
        }
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    throw new InvalidArgument("invalid tar entry \"" + name + "\": path escapes the root");
                }
                parts.removeLast();
            } else {
                parts.add(part);
            }
        }
        return new EntryPath(List.copyOf(parts));
    }

    boolean isRoot() {
        return components.isEmpty();
    }

    String base() {
        return components.getLast();
    }

    EntryPath parent() {
        return new EntryPath(components.subList(0, components.size() - 1));
    }

    EntryPath child(String name) {
        List<String> parts = new ArrayList<>(components);
        parts.add(name);
        return new EntryPath(List.copyOf(parts));
    }

    @Override
    public String toString() {
        return String.join("/", components);
    }
}
