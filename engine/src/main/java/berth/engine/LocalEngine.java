package berth.engine;

import berth.engine.model.ContainerCreateResponse;
import berth.engine.model.ContainerInspect;
import berth.engine.model.ContainerSummary;
import berth.engine.model.ContainerTop;
import berth.engine.model.Event;
import berth.engine.model.ExecConfig;
import berth.engine.model.ExecInspect;
import berth.engine.model.ImageDeleteItem;
import berth.engine.model.ImageHistoryItem;
import berth.engine.model.ImageInspect;
import berth.engine.model.ImageSummary;
import berth.engine.model.PruneReport;
import berth.engine.model.VersionInfo;
import berth.engine.model.Volume;
import berth.engine.model.VolumeCreateRequest;
import berth.engine.model.VolumeList;
import berth.engine.model.VolumePruneReport;
import berth.engine.model.WaitResponse;
import berth.engine.volume.ContainerMounts;
import berth.engine.volume.VolumeService;
import berth.network.NetworkOptions;
import berth.oci.container.ContainerConfig;
import berth.oci.container.EndpointConfig;
import berth.oci.container.HostConfig;
import berth.runtime.Conmon;
import berth.runtime.Host;
import berth.runtime.HostSetup;
import berth.runtime.OciRuntime;
import berth.runtime.SeccompBpfCache;
import berth.registry.client.AuthConfig;
import berth.registry.client.ProgressListener;
import berth.registry.client.RegistryClient;
import berth.registry.client.RegistryConfig;
import berth.store.ContentStore;
import berth.store.Layout;
import berth.store.image.ImageStore;
import berth.store.meta.MetadataStore;
import berth.store.snapshot.OverlaySnapshotter;
import berth.store.snapshot.Snapshotter;
import berth.store.snapshot.VfsSnapshotter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The engine on this host: the store, the runtime and the event log wired together in plain code. Closing it
 * leaves containers running: conmon keeps them, and the next engine on the same root adopts them.
 */
public final class LocalEngine implements Engine, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LocalEngine.class.getName());
    public static final String VERSION = "0.1.0";
    public static final String API_VERSION = "1.51";
    public static final String MIN_API_VERSION = "1.24";

    private final Layout layout;
    private final MetadataStore metadata;
    private final Host host;
    private final String storageDriver;
    private final EventLog events;
    private final ImageService images;
    private final ContainerService containers;
    private final ContainerStreams streams;
    private final ExecService execs;
    private final VolumeService volumes;
    private final ContainerArchive archives;
    private final ContainerChanges changes;
    private final CommitService commits;
    private final ContainerStats stats;
    private final DiskUsage diskUsage;
    private final RegistryService registries;

    private final NetworkService networks;

    private LocalEngine(Layout layout, MetadataStore metadata, Host host, Snapshotter snapshotter,
                        String storageDriver, Conmon conmon, Map<String, OciRuntime> runtimes,
                        SeccompBpfCache seccompFilters, RegistryConfig registryConfig, NetworkService networks,
                        EventLog events) {
        this.layout = layout;
        this.metadata = metadata;
        this.host = host;
        this.storageDriver = storageDriver;
        this.events = events;
        ContentStore content = new ContentStore(layout);
        ImageStore imageStore = new ImageStore(content, metadata, snapshotter);
        this.images = new ImageService(imageStore, metadata, events);
        this.registries = new RegistryService(new RegistryClient(registryConfig, content, imageStore), events);
        this.networks = networks;
        this.volumes = new VolumeService(layout, metadata, events);
        this.containers = new ContainerService(layout, metadata, snapshotter, images, events, host, conmon, runtimes,
                seccompFilters, new ContainerMounts(volumes), networks);
        this.streams = new ContainerStreams(containers);
        this.execs = new ExecService(containers, conmon, host.boundingCaps());
        this.archives = new ContainerArchive(containers, snapshotter);
        this.changes = new ContainerChanges(containers, snapshotter);
        this.commits = new CommitService(containers, images, changes);
        this.stats = new ContainerStats(containers, new berth.engine.stats.StatsReader(memTotal()));
        this.diskUsage = new DiskUsage(containers, images, changes, volumes, networks);
    }

    /** Opens (or creates) the engine whose state is under {@code root} and runtime state under {@code execRoot}. */
    public static LocalEngine open(Path root, Path execRoot) {
        return open(root, execRoot, NetworkOptions.defaults(), RegistryConfig.DEFAULT);
    }

    /**
     * As {@link #open(Path, Path)}, with the default network's bridge and the pool of user networks' subnets, and the
     * daemon's registry settings (insecure registries, mirrors).
     */
    public static LocalEngine open(Path root, Path execRoot, NetworkOptions networkOptions, RegistryConfig registryConfig) {
        Host host = new HostSetup(true).prepare();
        Layout layout = new Layout(root);
        layout.createDirectories();
        try {
            Files.createDirectories(execRoot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        MetadataStore metadata = MetadataStore.open(layout.database());
        boolean overlay = overlayAvailable();
        Snapshotter snapshotter = overlay ? new OverlaySnapshotter(layout) : new VfsSnapshotter(layout);
        if (!overlay) {
            LOG.log(System.Logger.Level.WARNING, "overlayfs is not available: using the vfs (copying) snapshotter");
        }
        Map<String, OciRuntime> runtimes = new LinkedHashMap<>();
        host.runtimes().forEach((name, binary) ->
                runtimes.put(name, new OciRuntime(name, binary, execRoot.resolve("runtime").resolve(name))));
        Conmon conmon = new Conmon(host.conmon(), execRoot);
        EventLog events = new EventLog();
        NetworkService networks = new NetworkService(metadata, events, networkOptions, execRoot);
        networks.load();
        LocalEngine engine = new LocalEngine(layout, metadata, host, snapshotter, overlay ? "overlay" : "vfs", conmon,
                runtimes, new SeccompBpfCache(execRoot.resolve("seccomp")), registryConfig, networks, events);
        engine.containers.restore();
        engine.volumes.sweep();
        networks.sweep(id -> engine.containers.all().stream()
                .anyMatch(c -> c.id().equals(id) && c.doc().state().hasProcess()));
        return engine;
    }

    private static boolean overlayAvailable() {
        try {
            return Files.readString(Path.of("/proc/filesystems")).contains("overlay");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        networks.close();
        metadata.close();
    }

    // --- system ------------------------------------------------------------------------------------------

    @Override
    public VersionInfo version() {
        String kernel = kernelVersion();
        Map<String, Object> engine = new LinkedHashMap<>();
        engine.put("Name", "Engine");
        engine.put("Version", VERSION);
        engine.put("Details", Map.of("ApiVersion", API_VERSION, "MinAPIVersion", MIN_API_VERSION, "Os", "linux",
                "Arch", "amd64", "KernelVersion", kernel, "GitCommit", "", "GoVersion", javaVersion()));
        return new VersionInfo(List.of(engine), VERSION, API_VERSION, MIN_API_VERSION, "", javaVersion(), "linux",
                "amd64", kernel, "");
    }

    private static String javaVersion() {
        return "java" + Runtime.version().feature();
    }

    private static String kernelVersion() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public Map<String, Object> info() {
        Map<String, Integer> counts = containers.counts();
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("ID", hostname());
        info.put("Containers", total);
        info.put("ContainersRunning", counts.get("running"));
        info.put("ContainersPaused", counts.get("paused"));
        info.put("ContainersStopped", counts.get("stopped"));
        info.put("Images", images.count());
        info.put("Driver", storageDriver);
        info.put("DriverStatus", List.of(List.of("Backing Filesystem", "extfs")));
        info.put("Plugins", Map.of("Volume", List.of("local"), "Network", List.of("bridge", "host", "none"), "Log", List.of("k8s-file")));
        info.put("MemoryLimit", true);
        info.put("SwapLimit", host.swapAccounting());
        info.put("CpuCfsPeriod", true);
        info.put("CpuCfsQuota", true);
        info.put("CPUShares", true);
        info.put("PidsLimit", true);
        info.put("OomKillDisable", !host.cgroupMode().isV2());
        info.put("IPv4Forwarding", true);
        info.put("Debug", false);
        info.put("NFd", 0);
        info.put("NGoroutines", Thread.activeCount());
        info.put("SystemTime", HumanTime.rfc3339(java.time.Instant.now()));
        info.put("LoggingDriver", "k8s-file");
        info.put("CgroupDriver", "cgroupfs");
        info.put("CgroupVersion", host.cgroupMode().isV2() ? "2" : "1");
        info.put("NEventsListener", 0);
        info.put("KernelVersion", kernelVersion());
        info.put("OperatingSystem", operatingSystem());
        info.put("OSType", "linux");
        info.put("Architecture", "x86_64");
        info.put("NCPU", Runtime.getRuntime().availableProcessors());
        info.put("MemTotal", memTotal());
        info.put("DockerRootDir", layout.root().toString());
        info.put("Name", hostname());
        info.put("Labels", List.of());
        info.put("ServerVersion", VERSION);
        Map<String, Object> runtimes = new LinkedHashMap<>();
        host.runtimes().forEach((name, path) -> runtimes.put(name, Map.of("path", path.toString())));
        info.put("Runtimes", runtimes);
        info.put("DefaultRuntime", host.defaultRuntime());
        info.put("LiveRestoreEnabled", true);
        info.put("Isolation", "");
        info.put("InitBinary", host.initBinary().map(Path::toString).orElse(""));
        info.put("SecurityOptions", List.of("name=seccomp,profile=builtin"));
        info.put("Warnings", List.of());
        return info;
    }

    private static String operatingSystem() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replace("\"", "");
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "Linux";
    }

    private static long memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return 0;
    }

    private static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public Subscription events(EventQuery query, Consumer<Event> listener) {
        Filters filters = query.filters() == null ? Filters.NONE
                : query.filters().allowOnly(java.util.Set.of("type", "container", "image", "event", "label", "volume",
                        "network"));
        Predicate<Event> keep = event -> eventMatches(event, filters)
                && (query.sinceNanos() == null || event.timeNano() >= query.sinceNanos())
                && (query.untilNanos() == null || event.timeNano() <= query.untilNanos());
        return events.subscribe(keep, query.sinceNanos() != null, listener);
    }

    private static boolean eventMatches(Event event, Filters filters) {
        Map<String, String> attributes = event.actor().attributes();
        return anyOrEmpty(filters.get("type"), event.type()::equals)
                && anyOrEmpty(filters.get("event"), v -> event.action().equals(v) || event.action().startsWith(v + ":"))
                && anyOrEmpty(filters.get("container"), v -> event.type().equals("container")
                        && (event.actor().id().startsWith(v) || v.equals(attributes.get("name"))))
                && anyOrEmpty(filters.get("image"), v -> v.equals(attributes.get("image"))
                        || v.equals(attributes.get("name")) || event.actor().id().equals(v))
                && anyOrEmpty(filters.get("volume"), v -> event.type().equals("volume") && event.actor().id().equals(v))
                && anyOrEmpty(filters.get("network"), v -> event.type().equals("network")
                        && (event.actor().id().startsWith(v) || v.equals(attributes.get("name"))))
                && anyOrEmpty(filters.get("label"), v -> {
                    int eq = v.indexOf('=');
                    return eq < 0 ? attributes.containsKey(v) : v.substring(eq + 1).equals(attributes.get(v.substring(0, eq)));
                });
    }

    private static boolean anyOrEmpty(List<String> values, Predicate<String> test) {
        return values.isEmpty() || values.stream().anyMatch(test);
    }

    // --- images ------------------------------------------------------------------------------------------

    @Override
    public String importImage(InputStream rootfs, String repo, String tag, List<String> changes, String message) {
        return images.importImage(rootfs, repo, tag, changes == null ? List.of() : changes, message);
    }

    @Override
    public List<ImageSummary> listImages(boolean all, Filters filters, boolean digests) {
        return images.list(all, filters, digests);
    }

    @Override
    public ImageInspect inspectImage(String name) {
        return images.inspect(name);
    }

    @Override
    public List<ImageHistoryItem> imageHistory(String name) {
        return images.history(name);
    }

    @Override
    public void tagImage(String source, String repo, String tag) {
        images.tag(source, repo, tag);
    }

    @Override
    public List<ImageDeleteItem> removeImage(String name, boolean force, boolean noPrune) {
        containers.awaitRemovals();
        return images.remove(name, force, noPrune);
    }

    @Override
    public PruneReport pruneImages(Filters filters) {
        containers.awaitRemovals();
        return images.prune(filters);
    }

    @Override
    public void saveImages(List<String> names, OutputStream out) {
        images.save(names, out);
    }

    @Override
    public List<String> loadImages(InputStream archive) {
        return images.load(archive);
    }

    // --- registries ------------------------------------------------------------------------------------

    @Override
    public void pullImage(String image, String tag, String platform, AuthConfig auth, ProgressListener listener) {
        registries.pull(image, tag, platform, auth, listener);
    }

    @Override
    public List<RegistryClient.PushResult> pushImage(String name, String tag, AuthConfig auth, ProgressListener listener) {
        return registries.push(name, tag, auth, listener);
    }

    @Override
    public void login(AuthConfig auth) {
        registries.login(auth);
    }

    @Override
    public List<RegistryClient.SearchResult> searchImages(String term, int limit, AuthConfig auth) {
        return registries.search(term, limit, auth);
    }

    // --- containers --------------------------------------------------------------------------------------

    @Override
    public ContainerCreateResponse createContainer(String name, ContainerConfig config, HostConfig hostConfig) {
        return containers.create(name, config, hostConfig);
    }

    @Override
    public ContainerCreateResponse createContainer(String name, ContainerConfig config, HostConfig hostConfig,
                                                   Map<String, EndpointConfig> endpointsConfig) {
        return containers.create(name, config, hostConfig, endpointsConfig);
    }

    @Override
    public void startContainer(String name) {
        containers.start(name);
    }

    @Override
    public void stopContainer(String name, Integer timeoutSeconds, String signal) {
        containers.stop(name, timeoutSeconds, signal);
    }

    @Override
    public void restartContainer(String name, Integer timeoutSeconds, String signal) {
        containers.restart(name, timeoutSeconds, signal);
    }

    @Override
    public void killContainer(String name, String signal) {
        containers.kill(name, signal);
    }

    @Override
    public void pauseContainer(String name) {
        containers.pause(name);
    }

    @Override
    public void unpauseContainer(String name) {
        containers.unpause(name);
    }

    @Override
    public void removeContainer(String name, boolean force, boolean volumes) {
        containers.remove(name, force, volumes);
    }

    @Override
    public List<ContainerSummary> listContainers(boolean all, int limit, boolean size, Filters filters) {
        return containers.list(all, limit, filters == null ? Filters.NONE : filters);
    }

    @Override
    public ContainerInspect inspectContainer(String name, boolean size) {
        String id = containers.find(name).id();
        return containers.inspect(id, execs.idsOf(id));
    }

    @Override
    public CompletableFuture<WaitResponse> waitContainer(String name, String condition) {
        return containers.await(name, condition);
    }

    @Override
    public void renameContainer(String name, String newName) {
        containers.rename(name, newName);
    }

    @Override
    public ContainerTop topContainer(String name, String psArgs) {
        return containers.top(name, psArgs);
    }

    @Override
    public PruneReport pruneContainers(Filters filters) {
        return containers.prune(filters == null ? Filters.NONE : filters);
    }

    @Override
    public void resizeContainer(String name, int height, int width) {
        streams.resize(name, height, width);
    }

    @Override
    public Session attachContainer(String name, AttachOptions options, OutputSink out) {
        return streams.attach(name, options, out);
    }

    @Override
    public Subscription containerLogs(String name, LogOptions options, OutputSink out) {
        return streams.logs(name, options, out);
    }

    // --- volumes -----------------------------------------------------------------------------------------

    @Override
    public Volume createVolume(VolumeCreateRequest request) {
        return volumes.create(request == null ? new VolumeCreateRequest(null, null, null, null) : request);
    }

    @Override
    public VolumeList listVolumes(Filters filters) {
        return volumes.list(filters);
    }

    @Override
    public Volume inspectVolume(String name) {
        return volumes.inspect(name);
    }

    @Override
    public void removeVolume(String name, boolean force) {
        volumes.remove(name, force);
    }

    @Override
    public VolumePruneReport pruneVolumes(Filters filters) {
        return volumes.prune(filters);
    }

    @Override
    public List<Volume> volumeUsage() {
        return volumes.usage();
    }

    // --- the container's files and its state -------------------------------------------------------------

    @Override
    public berth.engine.files.PathStat statContainerPath(String name, String path) {
        return archives.stat(name, path);
    }

    @Override
    public void archiveContainerPath(String name, String path,
                                     java.util.function.Function<berth.engine.files.PathStat, OutputStream> open) {
        archives.archive(name, path, open);
    }

    @Override
    public void extractToContainer(String name, String path, InputStream tar, boolean noOverwriteDirNonDir,
                                   boolean copyUidGid) {
        archives.extract(name, path, tar, noOverwriteDirNonDir, copyUidGid);
    }

    @Override
    public void exportContainer(String name, OutputStream out) {
        archives.export(name, out);
    }

    @Override
    public List<berth.engine.model.Change> containerChanges(String name) {
        return changes.list(name);
    }

    @Override
    public String commitContainer(String name, String repo, String tag, String comment, String author, boolean pause,
                                  List<String> dockerfileChanges) {
        return commits.commit(name, repo, tag, comment, author, pause, dockerfileChanges);
    }

    @Override
    public void containerStats(String name, boolean stream, boolean oneShot,
                               java.util.function.Predicate<Map<String, Object>> sink) {
        stats.stats(name, stream, oneShot, sink);
    }

    @Override
    public Map<String, Object> diskUsage() {
        return diskUsage.report();
    }

    // --- networks ----------------------------------------------------------------------------------------

    @Override
    public String createNetwork(NetworkCreate r) {
        return networks.create(r.name(), r.driver(), r.internal(), r.subnet(), r.gateway(), r.ipRange(), r.labels(),
                r.options()).id();
    }

    @Override
    public List<Map<String, Object>> listNetworks(Filters filters) {
        return networks.list(filters == null ? Filters.NONE : filters).stream()
                .map(n -> networks.resource(n, this::containerName)).toList();
    }

    @Override
    public Map<String, Object> inspectNetwork(String name) {
        return networks.resource(networks.find(name), this::containerName);
    }

    private String containerName(String id) {
        return containers.all().stream().filter(c -> c.id().equals(id)).findFirst().map(c -> c.doc().name()).orElse("");
    }

    @Override
    public void removeNetwork(String name) {
        networks.remove(name);
    }

    @Override
    public List<String> pruneNetworks(Filters filters) {
        return networks.prune(filters == null ? Filters.NONE : filters);
    }

    @Override
    public void connectNetwork(String network, String container, EndpointConfig config) {
        containers.connect(network, container, config);
    }

    @Override
    public void disconnectNetwork(String network, String container, boolean force) {
        containers.disconnect(network, container);
    }

    // --- exec --------------------------------------------------------------------------------------------

    @Override
    public String createExec(String container, ExecConfig config) {
        return execs.create(container, config);
    }

    @Override
    public Session startExec(String execId, boolean detach, boolean tty, OutputSink out) {
        return execs.start(execId, detach, tty, out);
    }

    @Override
    public void resizeExec(String execId, int height, int width) {
        execs.resize(execId, height, width);
    }

    @Override
    public ExecInspect inspectExec(String execId) {
        return execs.inspect(execId);
    }
}
