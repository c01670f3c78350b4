package berth.engine.container;

import berth.engine.model.MountView;

/**
 * One mount of a container as resolved at create and kept in its document: a {@code bind} of {@code source}, a
 * {@code volume} {@code name} (its data directory is {@code source}), or a {@code tmpfs} with {@code options}.
 * {@code anonymous} volumes were made for this container and go with it on {@code rm -v} and {@code --rm};
 * {@code copyData} asks for the image's files at the destination to be copied into an empty volume on mount;
 * {@code createSource} makes a missing bind source ({@code -v}), which {@code --mount} refuses at create.
 */
public record MountPoint(String type, String name, String source, String destination, String driver, String mode,
                         boolean rw, String propagation, boolean nonRecursive, boolean anonymous, boolean copyData,
                         boolean createSource, String options) {

    public static final String BIND = "bind";
    public static final String VOLUME = "volume";
    public static final String TMPFS = "tmpfs";

    public boolean isVolume() {
        return type.equals(VOLUME);
    }

    /** The same mount taken by another container through {@code --volumes-from}, read-only when asked. */
    public MountPoint sharedWith(String fromMode) {
        boolean writable = fromMode.equals("ro") ? false : rw;
        return new MountPoint(type, name, source, destination, driver, mode, writable, propagation, nonRecursive,
                false, false, false, options);
    }

    /** This volume after its copy-up: later mounts do not copy again. */
    public MountPoint copied() {
        return new MountPoint(type, name, source, destination, driver, mode, rw, propagation, nonRecursive, anonymous,
                false, createSource, options);
    }

    /** As {@code Mounts} in inspect shows it. */
    public MountView view() {
        return new MountView(type, name, source, destination, driver, mode, rw, propagation);
    }
}
