package berth.engine.volume;

import berth.engine.container.ContainerDoc;
import berth.engine.container.MountPoint;
import berth.oci.container.ContainerConfig;
import berth.oci.container.HostConfig;
import berth.oci.container.Mount;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;
import berth.oci.mount.MountSpec;
import berth.oci.mount.MountSpecs;
import berth.runtime.spec.SpecMount;
import berth.store.FileTrees;
import berth.sys.MountTable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A container's mounts through its life: resolved once at create from {@code -v}, {@code --mount},
 * {@code --volumes-from} and the image's VOLUMEs into {@link MountPoint}s (every string checked before any volume
 * is made); readied at each start (bind sources made or checked, volumes mounted and filled from the image);
 * released when a run ends; and forgotten, with its anonymous volumes on request, when the container goes.
 */
public final class ContainerMounts {
    private final VolumeService volumes;

    public ContainerMounts(VolumeService volumes) {
        this.volumes = volumes;
    }

    /** What a start mounts: the runtime's mounts, and the container's mount points as they are after it. */
    public record Prepared(List<SpecMount> specMounts, List<MountPoint> mountPoints) {}

    /**
     * Resolves the mounts of a container being created and takes references on its volumes, making those that
     * do not exist. {@code containers} finds a {@code --volumes-from} source (or throws NotFound).
     */
    public List<MountPoint> resolve(String containerId, HostConfig hc, ContainerConfig config,
                                    Function<String, ContainerDoc> containers) {
        List<MountSpec> explicit = new ArrayList<>();
        if (hc.binds() != null) {
            hc.binds().forEach(b -> explicit.add(MountSpecs.parseBind(b)));
        }
        boolean bindsNameVolumes = explicit.stream().anyMatch(MountSpec.Volume.class::isInstance);
        if (hc.mounts() != null) {
            for (Mount m : hc.mounts()) {
                if (m == null) {
                    throw new InvalidArgument("invalid mount config: empty entry in Mounts");
                }
                explicit.add(MountSpecs.fromMount(m));
            }
        }
        List<MountSpec> withTmpfs = new ArrayList<>(explicit);
        if (hc.tmpfs() != null) {
            hc.tmpfs().forEach((target, options) -> withTmpfs.add(MountSpecs.tmpfs(target, options)));
        }
        MountSpecs.refuseDuplicates(withTmpfs);
        for (MountSpec spec : explicit) {
            if (spec instanceof MountSpec.Bind b && !b.createSource() && !Files.exists(Path.of(b.source()))) {
                throw new InvalidArgument("invalid mount config for type \"bind\": bind source path does not exist: "
                        + b.source());
            }
            if (spec instanceof MountSpec.Volume v) {
                if (v.name() != null) {
                    MountSpecs.volumeName(v.name());
                }
                if (!v.driver().equals(MountSpecs.LOCAL_DRIVER)) {
                    // a 400 here, where volume create says 404: the docker CLI pulls on a 404 from create
                    throw new InvalidArgument("error looking up volume plugin " + v.driver() + ": plugin \""
                            + v.driver() + "\" not found");
                }
                LocalDriverOptions.of(v.driverOptions());
            }
        }
        Map<String, MountPoint> inherited = new LinkedHashMap<>();
        if (hc.volumesFrom() != null) {
            for (String entry : hc.volumesFrom()) {
                MountSpecs.VolumesFrom from = MountSpecs.volumesFrom(entry);
                ContainerDoc source;
                try {
                    source = containers.apply(from.container());
                } catch (NotFound e) {
                    // a 400, not a 404: the docker CLI takes a 404 from create for a missing image and pulls
                    throw new InvalidArgument(e.getMessage());
                }
                for (MountPoint mp : source.mountPoints()) {
                    if (!mp.type().equals(MountPoint.TMPFS)) {
                        inherited.put(mp.destination(), mp.sharedWith(from.mode()));
                    }
                }
            }
        }
        List<String> taken = new ArrayList<>(withTmpfs.stream().map(MountSpec::target).toList());
        explicit.forEach(s -> inherited.remove(s.target()));
        taken.addAll(inherited.keySet());
        List<MountSpec.Volume> imageVolumes = new ArrayList<>();
        if (config.volumes() != null) {
            for (String target : config.volumes().keySet()) {
                MountSpec.Volume v = MountSpecs.anonymous(target);
                if (!taken.contains(v.target())) {
                    taken.add(v.target());
                    imageVolumes.add(v);
                }
            }
        }

        List<VolumeService.Request> requests = new ArrayList<>();
        for (MountSpec spec : explicit) {
            if (spec instanceof MountSpec.Volume v) {
                requests.add(new VolumeService.Request(v.name(), v.driver(), v.driverOptions(), v.labels()));
            }
        }
        for (MountPoint mp : inherited.values()) {
            if (mp.isVolume()) {
                requests.add(new VolumeService.Request(mp.name(), mp.driver(), Map.of(), Map.of()));
            }
        }
        imageVolumes.forEach(v -> requests.add(new VolumeService.Request(null, v.driver(), Map.of(), Map.of())));
        String volumeDriver = hc.volumeDriver() == null || hc.volumeDriver().isEmpty()
                ? MountSpecs.LOCAL_DRIVER : hc.volumeDriver();
        if ((bindsNameVolumes || !imageVolumes.isEmpty()) && !volumeDriver.equals(MountSpecs.LOCAL_DRIVER)) {
            // --volume-driver names the driver of -v and image volumes; only the local one is built in
            throw new InvalidArgument("error looking up volume plugin " + volumeDriver + ": plugin \""
                    + volumeDriver + "\" not found");
        }
        List<String> names = volumes.acquire(containerId, requests);

        int next = 0;
        List<MountPoint> points = new ArrayList<>();
        for (MountSpec spec : explicit) {
            points.add(switch (spec) {
                case MountSpec.Bind b -> new MountPoint(MountPoint.BIND, "", b.source(), b.target(), "", b.mode(),
                        !b.readOnly(), b.propagation(), b.nonRecursive(), false, false, b.createSource(), "");
                case MountSpec.Volume v -> volumePoint(names.get(next++), v, v.mode().isEmpty() ? "z" : v.mode());
                case MountSpec.Tmpfs t -> new MountPoint(MountPoint.TMPFS, "", "", t.target(), "", "", !t.readOnly(),
                        "", false, false, false, false, t.options());
            });
        }
        for (MountPoint mp : inherited.values()) {
            if (mp.isVolume()) {
                next++;
            }
            points.add(mp);
        }
        for (MountSpec.Volume v : imageVolumes) {
            points.add(volumePoint(names.get(next++), v, ""));
        }
        return points;
    }

    private MountPoint volumePoint(String name, MountSpec.Volume v, String mode) {
        return new MountPoint(MountPoint.VOLUME, name, volumes.dataDir(name).toString(), v.target(),
                MountSpecs.LOCAL_DRIVER, mode, !v.readOnly(), "", false, v.anonymous(), !v.noCopy(), false, "");
    }

    /**
     * Readies a container's mounts for a start on {@code rootfs} (mounted): makes a missing {@code -v} bind source,
     * checks the propagation a bind asks for, mounts its volumes and copies the image's files into each empty one
     * that asks for it (once: the mount point then stops asking).
     */
    public Prepared prepare(ContainerDoc doc, Path rootfs) {
        List<SpecMount> specMounts = new ArrayList<>();
        List<MountPoint> after = new ArrayList<>();
        for (MountPoint mp : doc.mountPoints()) {
            switch (mp.type()) {
                case MountPoint.BIND -> {
                    Path source = Path.of(mp.source());
                    bindSource(source, mp.createSource());
                    checkPropagation(source, mp.propagation());
                    specMounts.add(SpecMount.bind(source, mp.destination(), !mp.rw(), mp.propagation(),
                            !mp.nonRecursive()));
                    after.add(mp);
                }
                case MountPoint.VOLUME -> {
                    Path data = volumes.mount(mp.name(), doc.id(), Map.of("destination", mp.destination(),
                            "propagation", mp.propagation(), "read/write", Boolean.toString(mp.rw())));
                    boolean copied = mp.copyData() && copyUp(rootfs, mp.destination(), data);
                    specMounts.add(SpecMount.bind(data, mp.destination(), !mp.rw(), MountSpecs.DEFAULT_PROPAGATION, true));
                    after.add(copied ? mp.copied() : mp);
                }
                default -> {
                    specMounts.add(SpecMount.tmpfs(mp.destination(), mp.options()));
                    after.add(mp);
                }
            }
        }
        return new Prepared(specMounts, after);
    }

    /** A run of the container ended: its volumes lose a user. */
    public void release(ContainerDoc doc) {
        for (MountPoint mp : doc.mountPoints()) {
            if (mp.isVolume()) {
                volumes.unmount(mp.name(), doc.id());
            }
        }
    }

    /** The container is gone: its references go, and with {@code removeAnonymous} the volumes made for it. */
    public void forget(ContainerDoc doc, boolean removeAnonymous) {
        List<String> anonymous = removeAnonymous
                ? doc.mountPoints().stream().filter(MountPoint::anonymous).map(MountPoint::name).toList()
                : List.of();
        volumes.release(doc.id(), anonymous);
    }

    /** At start: the references of every container, and the users among those still running. */
    public void restore(ContainerDoc doc) {
        for (MountPoint mp : doc.mountPoints()) {
            if (mp.isVolume()) {
                volumes.reference(mp.name(), doc.id());
                if (doc.state().hasProcess()) {
                    volumes.adoptUser(mp.name(), doc.id());
                }
            }
        }
    }

    private static void bindSource(Path source, boolean create) {
        if (Files.exists(source)) {
            return;
        }
        if (!create) {
            throw new InvalidArgument("invalid mount config for type \"bind\": bind source path does not exist: "
                    + source);
        }
        try {
            Files.createDirectories(source);
        } catch (IOException e) {
            throw new InvalidArgument("error while creating mount source path '" + source + "': " + e.getMessage());
        }
    }

    /** As docker: a shared bind needs a shared source mount; a slave one a shared or slave source mount. */
    private static void checkPropagation(Path source, String propagation) {
        boolean shared = propagation.equals("shared") || propagation.equals("rshared");
        boolean slave = propagation.equals("slave") || propagation.equals("rslave");
        if (!shared && !slave) {
            return;
        }
        List<String> tags;
        try {
            tags = MountTable.propagationOf(source.toRealPath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean isShared = tags.stream().anyMatch(t -> t.startsWith("shared:"));
        boolean isSlave = tags.stream().anyMatch(t -> t.startsWith("master:"));
        if (shared && !isShared) {
            throw new InvalidArgument("path " + source + " is mounted on a mount that is not a shared mount: "
                    + propagation + " propagation needs one");
        }
        if (slave && !isShared && !isSlave) {
            throw new InvalidArgument("path " + source + " is mounted on a mount that is not a shared or slave mount: "
                    + propagation + " propagation needs one");
        }
    }

    /**
     * Copies the image's directory at {@code destination} into the volume at {@code data} when the volume is empty
     * (files, directories, modes, owners, symlinks; the volume's root takes the directory's owner and mode). A
     * destination that is missing, not a directory, or resolves outside the root file system is not copied.
     * Returns whether the volume was empty and so is now the image's.
     */
    private static boolean copyUp(Path rootfs, String destination, Path data) {
        try {
            try (var entries = Files.list(data)) {
                if (entries.findAny().isPresent()) {
                    return false;
                }
            }
            Path source = rootfs.resolve(destination.substring(1));
            if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
            Path real = source.toRealPath();
            if (!real.startsWith(rootfs.toRealPath()) || !Files.isDirectory(real)) {
                return true;
            }
            FileTrees.copyContents(real, data);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + destination + " of the image into its volume", e);
        }
    }
}
