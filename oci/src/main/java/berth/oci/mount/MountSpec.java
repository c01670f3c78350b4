package berth.oci.mount;

import java.util.Map;

/**
 * What a container asked to have mounted, whatever the syntax it came in: {@code -v} ({@code HostConfig.Binds}),
 * {@code --mount} ({@code HostConfig.Mounts}), {@code --tmpfs} ({@code HostConfig.Tmpfs}) or an image's
 * {@code VOLUME}. {@link MountSpecs} parses each syntax into this one family; targets are absolute and clean.
 */
public sealed interface MountSpec {

    /** The path inside the container. */
    String target();

    boolean readOnly();

    /**
     * A host path bound into the container. A missing source is made when {@code createSource} (the {@code -v}
     * syntax, as docker does) and refused otherwise ({@code --mount}). {@code mode} is the {@code -v} mode as
     * written, "" from {@code --mount}; {@code propagation} is never empty (docker's default is rprivate).
     */
    record Bind(String source, String target, boolean readOnly, String propagation, boolean nonRecursive,
                boolean createSource, String mode) implements MountSpec {}

    /**
     * A volume: named, or anonymous when {@code name} is null (a fresh one is made for the container).
     * {@code driverOptions} and {@code labels} apply when the volume does not exist yet.
     */
    record Volume(String name, String target, boolean readOnly, boolean noCopy, String driver,
                  Map<String, String> driverOptions, Map<String, String> labels, String mode) implements MountSpec {
        public Volume {
            driverOptions = driverOptions == null ? Map.of() : Map.copyOf(driverOptions);
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }

        public boolean anonymous() {
            return name == null;
        }
    }

    /**
     * A fresh tmpfs. {@code options} is the comma-separated option string as {@code --tmpfs} takes it
     * ({@code size=64m,mode=1777,exec,ro}); {@code --mount type=tmpfs} is written in the same words.
     */
    record Tmpfs(String target, String options) implements MountSpec {
        @Override
        public boolean readOnly() {
            return java.util.Arrays.asList(options.split(",")).contains("ro");
        }
    }
}
