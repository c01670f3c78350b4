package berth.engine.volume;

import berth.engine.EventLog;
import berth.engine.Filters;
import berth.engine.model.Volume;
import berth.engine.model.VolumeCreateRequest;
import berth.engine.model.VolumeList;
import berth.engine.model.VolumePruneReport;
import berth.oci.Ids;
import berth.oci.Json;
import berth.oci.errors.Conflict;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;
import berth.oci.errors.Unavailable;
import berth.oci.mount.MountSpecs;
import berth.store.FileTrees;
import berth.store.Layout;
import berth.store.meta.MetadataStore;
import berth.store.meta.VolumeRecord;
import berth.sys.MountTable;
import berth.sys.Mounts;
import berth.sys.SysException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Volumes of the {@code local} driver: a row in the metadata database and a directory {@code volumes/<name>/_data}
 * under the root, made in that order (the directory first, so a volume is visible only once whole; a directory
 * without a row is a create cut short and is swept at start). Each volume keeps two sets of containers:
 * those that refer to it (a volume in use cannot be removed; {@code RefCount}) and those running with it mounted
 * (a volume with {@code -o type=… device=…} is mounted on its directory while the second set is not empty).
 * One lock guards both sets and every change of the volume table.
 */
public final class VolumeService {
    private static final System.Logger LOG = System.getLogger(VolumeService.class.getName());
    /** The label docker (23 and later) puts on the volumes it makes for a container; prune takes only these. */
    public static final String ANONYMOUS_LABEL = "com.docker.volume.anonymous";
    private static final Set<String> LIST_FILTERS = Set.of("dangling", "name", "label", "driver");
    private static final Set<String> PRUNE_FILTERS = Set.of("label", "label!", "all");

    private final Layout layout;
    private final MetadataStore metadata;
    private final EventLog events;
    private final Map<String, Set<String>> references = new HashMap<>();
    private final Map<String, Set<String>> users = new HashMap<>();

    /** What Berth keeps of a volume besides its row: labels and driver options. */
    public record VolumeDoc(Map<String, String> labels, Map<String, String> options) {}

    /** A volume a container asks for: named (made when missing, with these options and labels) or anonymous (name null). */
    public record Request(String name, String driver, Map<String, String> driverOptions, Map<String, String> labels) {}

    public VolumeService(Layout layout, MetadataStore metadata, EventLog events) {
        this.layout = layout;
        this.metadata = metadata;
        this.events = events;
    }

    // --- the volume verbs ------------------------------------------------------------------------------

    /** {@code volume create}: an existing volume of that name is returned as it is, as docker does. */
    public synchronized Volume create(VolumeCreateRequest request) {
        String name = request.name() == null || request.name().isEmpty() ? Ids.newId() : request.name();
        VolumeRecord record = ensure(new Request(name, request.driver(), request.driverOpts(), request.labels()));
        return view(record, null);
    }

    public synchronized VolumeList list(Filters filters) {
        Predicate<VolumeRecord> keep = listFilter(filters == null ? Filters.NONE : filters);
        List<Volume> volumes = metadata.volumes().stream().filter(keep).map(r -> view(r, null)).toList();
        return new VolumeList(volumes, List.of());
    }

    public Volume inspect(String name) {
        return view(find(name), null);
    }

    /** Every volume with its size and how many containers refer to it, for {@code system df -v}. */
    public List<Volume> usage() {
        List<VolumeRecord> records;
        Map<String, Integer> counts = new HashMap<>();
        synchronized (this) {
            records = metadata.volumes();
            references.forEach((name, ids) -> counts.put(name, ids.size()));
        }
        return records.stream().map(r -> view(r, new Volume.UsageData(size(dataDir(r.name())),
                counts.getOrDefault(r.name(), 0)))).toList();
    }

    /**
     * {@code volume rm}: a volume that a container refers to is docker's 409 {@code volume is in use - [ids]};
     * {@code force} makes a missing volume no error.
     */
    public synchronized void remove(String name, boolean force) {
        if (metadata.volume(name).isEmpty()) {
            if (force) {
                return;
            }
            throw noSuchVolume(name);
        }
        Set<String> holders = references.getOrDefault(name, Set.of());
        if (!holders.isEmpty()) {
            throw new Conflict("remove " + name + ": volume is in use - [" + String.join(", ", holders) + "]");
        }
        destroy(name);
    }

    /**
     * {@code volume prune}: volumes no container refers to; only anonymous ones unless the filter {@code all}
     * is true (docker 23 and later), then {@code label} / {@code label!} filters.
     */
    public synchronized VolumePruneReport prune(Filters filters) {
        Filters f = (filters == null ? Filters.NONE : filters).allowOnly(PRUNE_FILTERS);
        boolean all = f.get("all").stream().anyMatch(v -> parseBool("all", v));
        List<String> deleted = new ArrayList<>();
        long reclaimed = 0;
        for (VolumeRecord r : metadata.volumes()) {
            Map<String, String> labels = doc(r).labels();
            if (!references.getOrDefault(r.name(), Set.of()).isEmpty()
                    || !all && !labels.containsKey(ANONYMOUS_LABEL)
                    || !f.get("label").stream().allMatch(v -> hasLabel(labels, v))
                    || f.get("label!").stream().anyMatch(v -> hasLabel(labels, v))) {
                continue;
            }
            long size = size(dataDir(r.name()));
            destroy(r.name());
            deleted.add(r.name());
            reclaimed += size;
        }
        return new VolumePruneReport(deleted, reclaimed);
    }

    // --- what containers do with volumes ---------------------------------------------------------------

    /**
     * Makes the volumes {@code requests} name that do not exist yet (a fresh name for each anonymous one) and
     * records that {@code containerId} refers to each; returns their names in order. All or nothing: on a failure
     * the volumes made here are removed again.
     */
    public synchronized List<String> acquire(String containerId, List<Request> requests) {
        List<String> names = new ArrayList<>();
        List<String> made = new ArrayList<>();
        try {
            for (Request request : requests) {
                Request named = request.name() == null
                        ? new Request(Ids.newId(), request.driver(), request.driverOptions(), anonymousLabels(request))
                        : request;
                if (metadata.volume(named.name()).isEmpty()) {
                    made.add(named.name());
                }
                ensure(named);
                names.add(named.name());
            }
        } catch (RuntimeException e) {
            made.forEach(this::destroyQuietly);
            throw e;
        }
        names.forEach(name -> references.computeIfAbsent(name, k -> new LinkedHashSet<>()).add(containerId));
        return names;
    }

    /** Records that {@code containerId} refers to volume {@code name} (a container loaded at start). */
    public synchronized void reference(String name, String containerId) {
        references.computeIfAbsent(name, k -> new LinkedHashSet<>()).add(containerId);
    }

    /**
     * Forgets {@code containerId}'s references, then removes those of {@code remove} that no container refers to
     * any more (anonymous volumes on {@code rm -v} and {@code --rm}); a failure there is logged, as docker does.
     */
    public synchronized void release(String containerId, List<String> remove) {
        references.values().forEach(ids -> ids.remove(containerId));
        references.values().removeIf(Set::isEmpty);
        for (String name : remove) {
            if (!references.containsKey(name) && metadata.volume(name).isPresent()) {
                destroyQuietly(name);
            }
        }
    }

    /**
     * Readies volume {@code name} for a starting container and returns its data directory: mounts a volume with
     * driver options when it is the first user. {@code attributes} describe the mount for the event.
     */
    public synchronized Path mount(String name, String containerId, Map<String, String> attributes) {
        VolumeRecord record = find(name);
        Path data = dataDir(name);
        Set<String> running = users.computeIfAbsent(name, k -> new LinkedHashSet<>());
        LocalDriverOptions options = LocalDriverOptions.of(doc(record).options());
        if (options != null && running.isEmpty() && !MountTable.isMountPoint(data)) {
            try {
                options.mount(data);
            } catch (SysException e) {
                users.remove(name);
                throw new Unavailable("error while mounting volume '" + data + "': failed to mount local volume: "
                        + e.getMessage());
            }
        }
        running.add(containerId);
        Map<String, String> event = new LinkedHashMap<>(attributes);
        event.put("container", containerId);
        event.put("driver", record.driver());
        events.publish("volume", "mount", name, event);
        return data;
    }

    /** A running container that uses volume {@code name} (adopted at start): it keeps the volume mounted. */
    public synchronized void adoptUser(String name, String containerId) {
        users.computeIfAbsent(name, k -> new LinkedHashSet<>()).add(containerId);
    }

    /** The run of {@code containerId} ended: the last user of a volume with driver options unmounts it. */
    public synchronized void unmount(String name, String containerId) {
        Set<String> running = users.get(name);
        if (running == null || !running.remove(containerId)) {
            return;
        }
        if (running.isEmpty()) {
            users.remove(name);
            unmountIfMounted(name);
        }
        events.publish("volume", "unmount", name, Map.of("container", containerId, "driver", MountSpecs.LOCAL_DRIVER));
    }

    /**
     * At start, after containers are loaded: removes volume directories that have no row (a create or removal cut
     * short) and unmounts volumes that no running container uses any more.
     */
    public synchronized void sweep() {
        Set<String> known = new HashSet<>();
        for (VolumeRecord r : metadata.volumes()) {
            known.add(r.name());
            if (!users.containsKey(r.name())) {
                unmountIfMounted(r.name());
            }
        }
        try (var entries = Files.list(layout.volumes())) {
            for (Path dir : entries.toList()) {
                String name = dir.getFileName().toString();
                if (!known.contains(name)) {
                    LOG.log(System.Logger.Level.INFO, "removing leftovers of volume {0}", name);
                    deleteFiles(dir);
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot sweep {0}: {1}", layout.volumes(), e.getMessage());
        }
    }

    public Path dataDir(String name) {
        return layout.volumeData(name);
    }

    // --- helpers ---------------------------------------------------------------------------------------

    /** The row of {@code request}'s volume, made first (directory, then row, then the event) when missing. */
    private VolumeRecord ensure(Request request) {
        String name = MountSpecs.volumeName(request.name());
        String driver = request.driver() == null || request.driver().isEmpty() ? MountSpecs.LOCAL_DRIVER : request.driver();
        if (!driver.equals(MountSpecs.LOCAL_DRIVER)) {
            throw new NotFound("error looking up volume plugin " + driver + ": plugin \"" + driver + "\" not found");
        }
        var existing = metadata.volume(name);
        if (existing.isPresent()) {
            return existing.get();
        }
        Map<String, String> options = request.driverOptions() == null ? Map.of() : request.driverOptions();
        LocalDriverOptions.of(options);
        VolumeDoc doc = new VolumeDoc(request.labels() == null ? Map.of() : request.labels(), options);
        VolumeRecord record = new VolumeRecord(name, driver, Instant.now().truncatedTo(ChronoUnit.SECONDS),
                Json.write(doc));
        Path dir = layout.volume(name);
        try {
            Files.createDirectories(dir.resolve("_data"));
            metadata.insertVolume(record);
        } catch (IOException | RuntimeException e) {
            deleteFiles(dir);
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
        events.publish("volume", "create", name, Map.of("driver", driver));
        return record;
    }

    private static Map<String, String> anonymousLabels(Request request) {
        Map<String, String> labels = new LinkedHashMap<>(request.labels() == null ? Map.of() : request.labels());
        labels.put(ANONYMOUS_LABEL, "");
        return labels;
    }

    /** Row first, then files: once the row is gone the volume is gone for every client. */
    private void destroy(String name) {
        unmountIfMounted(name);
        metadata.deleteVolume(name);
        references.remove(name);
        deleteFiles(layout.volume(name));
        events.publish("volume", "destroy", name, Map.of("driver", MountSpecs.LOCAL_DRIVER));
    }

    private void destroyQuietly(String name) {
        try {
            destroy(name);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove volume {0}: {1}", name, e.getMessage());
        }
    }

    private void unmountIfMounted(String name) {
        Path data = dataDir(name);
        if (MountTable.isMountPoint(data)) {
            Mounts.unmount(data, 0);
        }
    }

    /** Deletes a volume's directory, never through a mount (a bind-typed volume's device is the user's own data). */
    private static void deleteFiles(Path dir) {
        Path data = dir.resolve("_data");
        if (MountTable.isMountPoint(data)) {
            try {
                Mounts.unmount(data, 0);
            } catch (SysException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot unmount {0}, its files stay: {1}", data, e.getMessage());
                return;
            }
        }
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete {0}: {1}", dir, e.getMessage());
        }
    }

    private VolumeRecord find(String name) {
        return metadata.volume(name).orElseThrow(() -> noSuchVolume(name));
    }

    private static NotFound noSuchVolume(String name) {
        return new NotFound("get " + name + ": no such volume");
    }

    private static VolumeDoc doc(VolumeRecord r) {
        VolumeDoc doc = Json.read(r.doc(), VolumeDoc.class);
        return new VolumeDoc(doc.labels() == null ? Map.of() : doc.labels(),
                doc.options() == null ? Map.of() : doc.options());
    }

    private Volume view(VolumeRecord r, Volume.UsageData usage) {
        VolumeDoc doc = doc(r);
        return new Volume(r.created().toString(), r.driver(), doc.labels().isEmpty() ? null : doc.labels(),
                dataDir(r.name()).toString(), r.name(), doc.options().isEmpty() ? null : doc.options(), "local", usage);
    }

    private Predicate<VolumeRecord> listFilter(Filters filters) {
        filters.allowOnly(LIST_FILTERS);
        Predicate<VolumeRecord> keep = r -> true;
        for (String v : filters.get("dangling")) {
            boolean dangling = parseBool("dangling", v);
            keep = keep.and(r -> references.getOrDefault(r.name(), Set.of()).isEmpty() == dangling);
        }
        List<Pattern> names = new ArrayList<>();
        for (String v : filters.get("name")) {
            try {
                names.add(Pattern.compile(v));
            } catch (PatternSyntaxException e) {
                throw new InvalidArgument("invalid filter 'name=" + v + "': " + e.getDescription());
            }
        }
        if (!names.isEmpty()) {
            keep = keep.and(r -> names.stream().anyMatch(p -> p.matcher(r.name()).find()));
        }
        List<String> drivers = filters.get("driver");
        if (!drivers.isEmpty()) {
            keep = keep.and(r -> drivers.contains(r.driver()));
        }
        for (String v : filters.get("label")) {
            keep = keep.and(r -> hasLabel(doc(r).labels(), v));
        }
        return keep;
    }

    private static boolean parseBool(String filter, String value) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new InvalidArgument("invalid filter '" + filter + "=" + value + "'");
        };
    }

    private static boolean hasLabel(Map<String, String> labels, String filter) {
        int eq = filter.indexOf('=');
        return eq < 0 ? labels.containsKey(filter) : filter.substring(eq + 1).equals(labels.get(filter.substring(0, eq)));
    }

    /** The bytes of a directory's files, each inode counted once, never following a symlink. */
    static long size(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long[] total = {0};
        Set<Object> seen = new HashSet<>();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile() && (attributes.fileKey() == null || seen.add(attributes.fileKey()))) {
                        total[0] += attributes.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot size {0}: {1}", dir, e.getMessage());
        }
        return total[0];
    }
}
