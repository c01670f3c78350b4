package berth.cli.command;

import berth.cli.UserException;
import berth.cli.format.HumanUnits;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code -v} and {@code --mount} as the docker CLI reads them before calling the daemon: {@code -v} entries with a
 * source go to {@code HostConfig.Binds} (a {@code ./relative} source made absolute), those without to
 * {@code Config.Volumes}; each {@code --mount} becomes one {@code HostConfig.Mounts} object. Malformed strings fail
 * here with the docker CLI's words and exit 125, so nothing reaches the daemon.
 */
final class MountFlags {
    private static final Set<String> PROPAGATIONS = Set.of("private", "rprivate", "shared", "rshared", "slave", "rslave");

    private MountFlags() {}

    /** Sorts the {@code -v} entries into {@code binds} and {@code anonymous} (Config.Volumes). */
    static void volumes(List<String> specs, List<String> binds, Map<String, Object> anonymous) {
        for (String spec : specs) {
            String source = volumeSource(spec);
            if (source.isEmpty()) {
                anonymous.put(spec, Map.of());
            } else if (source.startsWith(".")) {
                binds.add(Path.of(source).toAbsolutePath().normalize() + spec.substring(source.length()));
            } else {
                binds.add(spec);
            }
        }
    }

    /** The compose loader's ParseVolume: the source of {@code spec}, "" for a target alone. */
    static String volumeSource(String spec) {
        if (spec.isEmpty()) {
            throw new UserException("invalid empty volume spec", 125);
        }
        if (spec.length() <= 2) {
            return "";
        }
        String[] sections = spec.split(":", -1);
        for (int i = 0; i < sections.length; i++) {
            if (sections[i].isEmpty()) {
                throw new UserException("invalid spec: " + spec + ": empty section between colons", 125);
            }
            if (i > 2) {
                throw new UserException("invalid spec: " + spec + ": too many colons", 125);
            }
        }
        return sections.length == 1 ? "" : sections[0];
    }

    /** One {@code --mount} value ({@code type=bind,source=/a,target=/b,readonly}) as a {@code Mounts} entry. */
    static Map<String, Object> mount(String value) {
        String prefix = "invalid argument \"" + value + "\" for \"--mount\" flag: ";
        String type = "volume";
        String source = null;
        String target = null;
        Boolean readOnly = null;
        Map<String, Object> bind = null;
        Map<String, Object> volume = null;
        Map<String, Object> tmpfs = null;
        for (String field : csvFields(value, prefix)) {
            int eq = field.indexOf('=');
            String key = (eq < 0 ? field : field.substring(0, eq)).toLowerCase(Locale.ROOT);
            String val = eq < 0 ? null : field.substring(eq + 1);
            if (val == null) {
                switch (key) {
                    case "readonly", "ro" -> readOnly = true;
                    case "volume-nocopy" -> (volume = orNew(volume)).put("NoCopy", true);
                    case "bind-nonrecursive" -> (bind = orNew(bind)).put("NonRecursive", true);
                    default -> throw new UserException(prefix + "invalid field '" + field + "' must be a key=value pair", 125);
                }
                continue;
            }
            switch (key) {
                case "type" -> type = val.toLowerCase(Locale.ROOT);
                case "source", "src" -> source = val.equals(".") || val.startsWith("./")
                        ? Path.of(val).toAbsolutePath().normalize().toString() : val;
                case "target", "dst", "destination" -> target = val;
                case "readonly", "ro" -> readOnly = bool(val, key, prefix);
                case "consistency" -> { } // macOS only; docker ignores it on Linux
                case "bind-propagation" -> {
                    String p = val.toLowerCase(Locale.ROOT);
                    if (!PROPAGATIONS.contains(p)) {
                        throw new UserException(prefix + "invalid value for bind-propagation: " + val, 125);
                    }
                    (bind = orNew(bind)).put("Propagation", p);
                }
                case "bind-nonrecursive" -> (bind = orNew(bind)).put("NonRecursive", bool(val, key, prefix));
                case "volume-nocopy" -> (volume = orNew(volume)).put("NoCopy", bool(val, key, prefix));
                case "volume-label" -> putKeyValue(labels(volume = orNew(volume)), val);
                case "volume-driver" -> driver(volume = orNew(volume)).put("Name", val);
                case "volume-opt" -> putKeyValue(driverOptions(volume = orNew(volume)), val);
                case "volume-subpath" -> (volume = orNew(volume)).put("Subpath", val);
                case "tmpfs-size" -> {
                    try {
                        (tmpfs = orNew(tmpfs)).put("SizeBytes", HumanUnits.ramInBytes(val));
                    } catch (IllegalArgumentException e) {
                        throw new UserException(prefix + "invalid value for " + key + ": " + val, 125);
                    }
                }
                case "tmpfs-mode" -> {
                    try {
                        (tmpfs = orNew(tmpfs)).put("Mode", Long.parseLong(val, 8));
                    } catch (NumberFormatException e) {
                        throw new UserException(prefix + "invalid value for " + key + ": " + val, 125);
                    }
                }
                default -> throw new UserException(prefix + "unexpected key '" + key + "' in '" + field + "'", 125);
            }
        }
        if (type.isEmpty()) {
            throw new UserException(prefix + "type is required", 125);
        }
        if (target == null || target.isEmpty()) {
            throw new UserException(prefix + "target is required", 125);
        }
        if (volume != null && !type.equals("volume")) {
            throw new UserException(prefix + "cannot mix 'volume-*' options with mount type '" + type + "'", 125);
        }
        if (bind != null && !type.equals("bind")) {
            throw new UserException(prefix + "cannot mix 'bind-*' options with mount type '" + type + "'", 125);
        }
        if (tmpfs != null && !type.equals("tmpfs")) {
            throw new UserException(prefix + "cannot mix 'tmpfs-*' options with mount type '" + type + "'", 125);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Type", type);
        if (source != null) {
            m.put("Source", source);
        }
        m.put("Target", target);
        if (readOnly != null && readOnly) {
            m.put("ReadOnly", true);
        }
        if (bind != null) {
            m.put("BindOptions", bind);
        }
        if (volume != null) {
            m.put("VolumeOptions", volume);
        }
        if (tmpfs != null) {
            m.put("TmpfsOptions", tmpfs);
        }
        return m;
    }

    /** The fields of one CSV record, as Go's encoding/csv reads the flag: double quotes group, {@code ""} escapes. */
    static List<String> csvFields(String value, String prefix) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean fieldStart = true;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < value.length() && value.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                fieldStart = true;
                continue;
            } else if (c == '"' && fieldStart) {
                quoted = true;
            } else if (c == '"') {
                throw new UserException(prefix + "parse error on line 1, column " + (i + 1) + ": bare \" in non-quoted-field", 125);
            } else {
                field.append(c);
            }
            fieldStart = false;
        }
        if (quoted) {
            throw new UserException(prefix + "extraneous or missing \" in quoted-field", 125);
        }
        fields.add(field.toString());
        return fields;
    }

    private static boolean bool(String value, String key, String prefix) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "1", "t", "true" -> true;
            case "0", "f", "false" -> false;
            default -> throw new UserException(prefix + "invalid value for " + key + ": " + value, 125);
        };
    }

    private static Map<String, Object> orNew(Map<String, Object> m) {
        return m == null ? new LinkedHashMap<>() : m;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> labels(Map<String, Object> volume) {
        return (Map<String, Object>) volume.computeIfAbsent("Labels", k -> new LinkedHashMap<>());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> driver(Map<String, Object> volume) {
        return (Map<String, Object>) volume.computeIfAbsent("DriverConfig", k -> new LinkedHashMap<>());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> driverOptions(Map<String, Object> volume) {
        return (Map<String, Object>) driver(volume).computeIfAbsent("Options", k -> new LinkedHashMap<>());
    }

    private static void putKeyValue(Map<String, Object> m, String kv) {
        int eq = kv.indexOf('=');
        m.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
    }
}
