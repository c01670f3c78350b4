package berth.engine.volume;

import berth.oci.errors.InvalidArgument;
import berth.sys.Mounts;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of docker's {@code local} volume driver: {@code type} (a file system type, or {@code none} with
 * {@code o=bind}, or {@code bind}), {@code device} (its source) and {@code o} (mount(8) options, comma-separated).
 * A volume with them is a mount on its {@code _data} directory while a container uses it; without, a plain
 * directory.
 */
public record LocalDriverOptions(String type, String device, String options) {
    private static final Set<String> VALID = Set.of("type", "device", "o", "size");
    private static final Map<String, List<String>> REQUIRES = Map.of("device", List.of("type"), "type",
            List.of("device"), "o", List.of("device", "type"));
    /** mount(8) words that are flags of mount(2) rather than data for the file system; a true value sets them. */
    private static final Map<String, Long> SETS = Map.ofEntries(Map.entry("ro", Mounts.MS_RDONLY),
            Map.entry("nosuid", Mounts.MS_NOSUID), Map.entry("nodev", Mounts.MS_NODEV), Map.entry("noexec", 8L),
            Map.entry("sync", 16L), Map.entry("dirsync", 128L), Map.entry("noatime", 1024L),
            Map.entry("nodiratime", 2048L), Map.entry("bind", Mounts.MS_BIND),
            Map.entry("rbind", Mounts.MS_BIND | Mounts.MS_REC), Map.entry("relatime", 1L << 21),
            Map.entry("strictatime", 1L << 24));
    private static final Set<String> CLEARS = Set.of("rw", "suid", "dev", "exec", "async", "atime", "diratime",
            "norelatime", "defaults");

    /**
     * Checks a volume's options as docker's local driver does ({@code invalid option: "x"},
     * {@code missing required option: "type"}); empty options are a plain directory.
     */
    public static LocalDriverOptions of(Map<String, String> opts) {
        if (opts == null || opts.isEmpty()) {
            return null;
        }
        for (String key : opts.keySet()) {
            if (!VALID.contains(key)) {
                throw new InvalidArgument("invalid option: \"" + key + "\"");
            }
        }
        if (opts.containsKey("size")) {
            throw new InvalidArgument("quota size requested but no quota support");
        }
        for (Map.Entry<String, List<String>> rule : REQUIRES.entrySet()) {
            if (opts.containsKey(rule.getKey())) {
                for (String required : rule.getValue()) {
                    if (!opts.containsKey(required)) {
                        throw new InvalidArgument("missing required option: \"" + required + "\"");
                    }
                }
            }
        }
        return new LocalDriverOptions(opts.get("type"), opts.get("device"), opts.getOrDefault("o", ""));
    }

    /** Mounts the file system these options describe on {@code target}. */
    public void mount(Path target) {
        long flags = 0;
        List<String> data = new ArrayList<>();
        for (String word : options.split(",")) {
            if (word.isBlank()) {
                continue;
            }
            Long flag = SETS.get(word);
            if (flag != null) {
                flags |= flag;
            } else if (!CLEARS.contains(word)) {
                data.add(word);
            }
        }
        if (type.equals("bind")) {
            flags |= Mounts.MS_BIND;
        }
        if ((flags & Mounts.MS_BIND) == 0) {
            Mounts.mount(device, target, type, flags, data.isEmpty() ? null : String.join(",", data));
            return;
        }
        Mounts.mount(device, target, null, flags & ~Mounts.MS_RDONLY, null);
        if ((flags & Mounts.MS_RDONLY) != 0) {
            // a bind is made read-only only by a remount
            Mounts.mount(device, target, null, Mounts.MS_BIND | Mounts.MS_REMOUNT | Mounts.MS_RDONLY, null);
        }
    }
}
