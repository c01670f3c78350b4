package berth.oci.mount;

import berth.oci.container.Mount;
import berth.oci.errors.InvalidArgument;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses each mount syntax of the Docker API into {@link MountSpec}s with the daemon's own rules and words:
 * {@code HostConfig.Binds} entries ({@code [source:]target[:mode]}), {@code HostConfig.Mounts} objects,
 * {@code HostConfig.Tmpfs} entries, {@code Config.Volumes} keys and {@code HostConfig.VolumesFrom} entries.
 * Nothing is created here: a spec that parses may still name a volume or container that does not exist.
 */
public final class MountSpecs {
    private static final Pattern VOLUME_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");
    private static final Set<String> RW_MODES = Set.of("ro", "rw");
    private static final Set<String> LABEL_MODES = Set.of("z", "Z");
    public static final Set<String> PROPAGATIONS = Set.of("private", "rprivate", "shared", "rshared", "slave", "rslave");
    private static final Set<String> COPY_MODES = Set.of("nocopy");
    private static final Set<String> CONSISTENCY_MODES = Set.of("consistent", "cached", "delegated", "default");
    public static final String DEFAULT_PROPAGATION = "rprivate";
    public static final String LOCAL_DRIVER = "local";

    private MountSpecs() {}

    /** A {@code --volumes-from} entry: the container and, when given, the mode its mounts are taken in. */
    public record VolumesFrom(String container, String mode) {}

    /** One {@code HostConfig.Binds} entry, as docker's Linux parser reads it: {@code target}, {@code source:target[:mode]}. */
    public static MountSpec parseBind(String raw) {
        if (raw == null || raw.isEmpty() || raw.chars().filter(c -> c == ':').count() > 2 || raw.startsWith(":")) {
            throw invalidSpec(raw);
        }
        String[] parts = raw.split(":", 3);
        String source = "";
        String target;
        String mode = "";
        switch (parts.length) {
            case 1 -> target = parts[0];
            case 2 -> {
                if (validMode(parts[1])) {
                    throw invalidSpec(raw); // a target and a mode: volumes cannot have a mode without a source
                }
                source = parts[0];
                target = parts[1];
            }
            default -> {
                source = parts[0];
                target = parts[1];
                mode = parts[2];
            }
        }
        if (!validMode(mode)) {
            throw new InvalidArgument("invalid mode: " + mode);
        }
        List<String> options = mode.isEmpty() ? List.of() : List.of(mode.split(","));
        boolean readOnly = options.contains("ro");
        String propagation = options.stream().filter(PROPAGATIONS::contains).findFirst().orElse(null);
        boolean nocopy = options.contains("nocopy");
        boolean bind = source.startsWith("/");
        String type = bind ? "bind" : "volume";
        String cleanTarget;
        try {
            cleanTarget = target(target);
        } catch (InvalidArgument e) {
            throw invalidSpec(raw, mountConfig(type, e.getMessage()));
        }
        if (bind) {
            if (nocopy) {
                throw invalidSpec(raw, mountConfig(type, "field VolumeOptions must not be specified"));
            }
            return new MountSpec.Bind(clean(source), cleanTarget, readOnly,
                    propagation == null ? DEFAULT_PROPAGATION : propagation, false, true, mode);
        }
        if (propagation != null) {
            throw invalidSpec(raw, mountConfig(type, "field BindOptions must not be specified"));
        }
        if (source.isEmpty() && readOnly) {
            throw invalidSpec(raw, mountConfig(type, "must not set ReadOnly mode when using anonymous volumes"));
        }
        return new MountSpec.Volume(source.isEmpty() ? null : volumeName(source), cleanTarget, readOnly, nocopy,
                LOCAL_DRIVER, Map.of(), Map.of(), mode);
    }

    /** One {@code HostConfig.Mounts} entry; a bind source's existence is for the caller to check. */
    public static MountSpec fromMount(Mount m) {
        String type = m.type() == null ? "" : m.type();
        String source = m.source() == null ? "" : m.source();
        if (m.target() == null || m.target().isEmpty()) {
            throw mountConfig(type, "field Target must not be empty");
        }
        if (m.target().equals("/")) {
            throw mountConfig(type, "invalid specification: destination can't be '/'");
        }
        if (!m.target().startsWith("/")) {
            throw mountConfig(type, "invalid mount path: '" + m.target() + "' mount path must be absolute");
        }
        String target = clean(m.target());
        return switch (type) {
            case "bind" -> {
                if (source.isEmpty()) {
                    throw mountConfig(type, "field Source must not be empty");
                }
                if (m.volumeOptions() != null) {
                    throw mountConfig(type, "field VolumeOptions must not be specified");
                }
                if (m.tmpfsOptions() != null) {
                    throw mountConfig(type, "field TmpfsOptions must not be specified");
                }
                if (!source.startsWith("/")) {
                    throw mountConfig(type, "invalid mount path: '" + source + "' mount path must be absolute");
                }
                Mount.BindOptions b = m.bindOptions();
                String propagation = b == null || b.propagation() == null || b.propagation().isEmpty()
                        ? DEFAULT_PROPAGATION : b.propagation();
                if (!PROPAGATIONS.contains(propagation)) {
                    throw mountConfig(type, "invalid propagation mode: " + propagation);
                }
                boolean create = b != null && Boolean.TRUE.equals(b.createMountpoint());
                yield new MountSpec.Bind(clean(source), target, m.isReadOnly(), propagation,
                        b != null && Boolean.TRUE.equals(b.nonRecursive()), create, "");
            }
            case "volume" -> {
                if (m.bindOptions() != null) {
                    throw mountConfig(type, "field BindOptions must not be specified");
                }
                if (m.tmpfsOptions() != null) {
                    throw mountConfig(type, "field TmpfsOptions must not be specified");
                }
                if (source.isEmpty() && m.isReadOnly()) {
                    throw mountConfig(type, "must not set ReadOnly mode when using anonymous volumes");
                }
                Mount.VolumeOptions v = m.volumeOptions();
                if (v != null && v.subpath() != null && !v.subpath().isEmpty()) {
                    throw mountConfig(type, "volume subpaths are not supported");
                }
                Mount.Driver driver = v == null ? null : v.driverConfig();
                String driverName = driver == null || driver.name() == null || driver.name().isEmpty()
                        ? LOCAL_DRIVER : driver.name();
                yield new MountSpec.Volume(source.isEmpty() ? null : volumeName(source), target, m.isReadOnly(),
                        v != null && Boolean.TRUE.equals(v.noCopy()), driverName,
                        driver == null ? Map.of() : driver.options(), v == null ? Map.of() : v.labels(), "");
            }
            case "tmpfs" -> {
                if (!source.isEmpty()) {
                    throw mountConfig(type, "field Source must not be specified");
                }
                if (m.bindOptions() != null) {
                    throw mountConfig(type, "field BindOptions must not be specified");
                }
                if (m.volumeOptions() != null) {
                    throw mountConfig(type, "field VolumeOptions must not be specified");
                }
                yield new MountSpec.Tmpfs(target, tmpfsOptions(m.tmpfsOptions(), m.isReadOnly()));
            }
            default -> throw mountConfig(type, "mount type unknown");
        };
    }

    /** A {@code HostConfig.Tmpfs} entry: {@code target} with its option string ({@code size=1m,exec}). */
    public static MountSpec.Tmpfs tmpfs(String target, String options) {
        if (target == null || !target.startsWith("/")) {
            throw new InvalidArgument("invalid tmpfs destination " + target + ": it must be an absolute path");
        }
        if (target.equals("/")) {
            throw new InvalidArgument("invalid tmpfs destination /: destination can't be '/'");
        }
        return new MountSpec.Tmpfs(clean(target), options == null ? "" : options.strip());
    }

    /** A {@code Config.Volumes} key (an image's {@code VOLUME}, or {@code -v /path}): an anonymous volume. */
    public static MountSpec.Volume anonymous(String target) {
        try {
            return new MountSpec.Volume(null, target(target), false, false, LOCAL_DRIVER, Map.of(), Map.of(), "");
        } catch (InvalidArgument e) {
            throw mountConfig("volume", e.getMessage());
        }
    }

    /** A {@code HostConfig.VolumesFrom} entry: {@code container[:ro|rw]}. */
    public static VolumesFrom volumesFrom(String spec) {
        if (spec == null || spec.isEmpty()) {
            throw new InvalidArgument("invalid volumes-from spec: empty");
        }
        int colon = spec.indexOf(':');
        if (colon < 0) {
            return new VolumesFrom(spec, "");
        }
        String mode = spec.substring(colon + 1);
        if (colon == 0 || !RW_MODES.contains(mode)) {
            throw new InvalidArgument("invalid mode for volumes-from: " + mode);
        }
        return new VolumesFrom(spec.substring(0, colon), mode);
    }

    /** Refuses a name the local driver cannot have, in docker's words. */
    public static String volumeName(String name) {
        if (!VOLUME_NAME.matcher(name).matches()) {
            throw new InvalidArgument("create " + name + ": \"" + name + "\" includes invalid characters for a local "
                    + "volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host "
                    + "directory, use absolute path");
        }
        return name;
    }

    /** Refuses two mounts on one target: {@code Duplicate mount point: /data}. */
    public static void refuseDuplicates(List<? extends MountSpec> specs) {
        Map<String, MountSpec> seen = new HashMap<>();
        for (MountSpec s : specs) {
            if (seen.put(s.target(), s) != null) {
                throw new InvalidArgument("Duplicate mount point: " + s.target());
            }
        }
    }

    /** Docker's ConvertTmpfsOptions: {@code ro}, {@code mode=} in octal, {@code size=} with the largest exact unit. */
    static String tmpfsOptions(Mount.TmpfsOptions options, boolean readOnly) {
        StringBuilder out = new StringBuilder();
        if (readOnly) {
            out.append("ro");
        }
        if (options != null && options.mode() != null && options.mode() != 0) {
            if (options.mode() < 0 || options.mode() > 07777) {
                throw mountConfig("tmpfs", "invalid tmpfs mode: " + Long.toOctalString(options.mode()));
            }
            out.append(out.isEmpty() ? "" : ",").append("mode=").append(Long.toOctalString(options.mode()));
        }
        if (options != null && options.sizeBytes() != null && options.sizeBytes() != 0) {
            long size = options.sizeBytes();
            if (size < 0) {
                throw mountConfig("tmpfs", "invalid tmpfs size: " + size);
            }
            String suffix = "";
            for (Object[] unit : new Object[][] {{"g", 1L << 30}, {"m", 1L << 20}, {"k", 1L << 10}}) {
                long divisor = (Long) unit[1];
                if (size % divisor == 0) {
                    size /= divisor;
                    suffix = (String) unit[0];
                    break;
                }
            }
            out.append(out.isEmpty() ? "" : ",").append("size=").append(size).append(suffix);
        }
        return out.toString();
    }

    private static String target(String target) {
        if (target.isEmpty()) {
            throw new InvalidArgument("field Target must not be empty");
        }
        if (target.equals("/")) {
            throw new InvalidArgument("invalid specification: destination can't be '/'");
        }
        if (!target.startsWith("/")) {
            throw new InvalidArgument("invalid mount path: '" + target + "' mount path must be absolute");
        }
        return clean(target);
    }

    private static String clean(String path) {
        return Path.of(path).normalize().toString();
    }

    /** Docker's linuxValidMountMode: each kind at most once, every word known. */
    private static boolean validMode(String mode) {
        if (mode.isEmpty()) {
            return true;
        }
        int rw = 0;
        int label = 0;
        int propagation = 0;
        int copy = 0;
        int consistency = 0;
        for (String o : mode.split(",", -1)) {
            if (RW_MODES.contains(o)) {
                rw++;
            } else if (LABEL_MODES.contains(o)) {
                label++;
            } else if (PROPAGATIONS.contains(o)) {
                propagation++;
            } else if (COPY_MODES.contains(o)) {
                copy++;
            } else if (CONSISTENCY_MODES.contains(o)) {
                consistency++;
            } else {
                return false;
            }
        }
        return rw <= 1 && label <= 1 && propagation <= 1 && copy <= 1 && consistency <= 1;
    }

    private static InvalidArgument invalidSpec(String raw) {
        return new InvalidArgument("invalid volume specification: '" + raw + "'");
    }

    private static InvalidArgument invalidSpec(String raw, InvalidArgument cause) {
        return new InvalidArgument(invalidSpec(raw).getMessage() + ": " + cause.getMessage());
    }

    private static InvalidArgument mountConfig(String type, String message) {
        return new InvalidArgument("invalid mount config for type \"" + type + "\": " + message);
    }
}
