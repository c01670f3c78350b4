package berth.runtime.spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A mount a container asked for beyond the fixed ones (/proc, /dev, /sys, …): a bind of a host path or volume, or
 * a fresh tmpfs, as it goes into the runtime spec. Built only by its factories, so each kind is spelled once
 * whether it came from {@code -v}, {@code --mount}, {@code --tmpfs} or an image's VOLUME.
 */
public record SpecMount(String destination, String type, String source, List<String> options) {
    private static final List<String> SHARED = List.of("shared", "rshared");
    private static final List<String> SLAVE = List.of("slave", "rslave");

    public SpecMount {
        options = List.copyOf(options);
    }

    /** A bind of {@code source}; {@code recursive} takes the mounts under it along (docker's default). */
    public static SpecMount bind(Path source, String destination, boolean readOnly, String propagation,
                                 boolean recursive) {
        return new SpecMount(destination, "bind", source.toString(),
                List.of(recursive ? "rbind" : "bind", propagation, readOnly ? "ro" : "rw"));
    }

    /**
     * A tmpfs with docker's defaults (nosuid, nodev, noexec) and {@code options} as {@code --tmpfs} takes them:
     * {@code exec}, {@code suid} and {@code dev} lift a default, anything else ({@code size=}, {@code mode=},
     * {@code ro}) is the kernel's.
     */
    public static SpecMount tmpfs(String destination, String options) {
        List<String> opts = new ArrayList<>(List.of("nosuid", "nodev", "noexec"));
        if (options != null && !options.isBlank()) {
            for (String o : options.split(",")) {
                switch (o.strip()) {
                    case "exec" -> opts.remove("noexec");
                    case "suid" -> opts.remove("nosuid");
                    case "dev" -> opts.remove("nodev");
                    case "" -> { }
                    default -> opts.add(o.strip());
                }
            }
        }
        return new SpecMount(destination, "tmpfs", "tmpfs", opts);
    }

    /** How many path components the destination has: parents are mounted before what is mounted inside them. */
    int depth() {
        return Path.of(destination).getNameCount();
    }

    boolean isShared() {
        return options.stream().anyMatch(SHARED::contains);
    }

    boolean isSlave() {
        return options.stream().anyMatch(SLAVE::contains);
    }
}
