package berth.api;

import berth.engine.Engine;
import berth.engine.Filters;
import berth.engine.OutputSink;
import berth.engine.Session;
import berth.engine.Subscription;
import berth.engine.model.ContainerCreateResponse;
import berth.engine.model.ContainerInspect;
import berth.engine.model.ContainerState;
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
import berth.oci.container.ContainerConfig;
import berth.oci.container.HostConfig;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;
import berth.oci.errors.NotModified;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import berth.registry.client.AuthConfig;
import berth.registry.client.ProgressListener;
import berth.registry.client.RegistryClient;

/**
 * A test double of {@link Engine} for the protocol layer: it records each call as a line ("start c1"), knows a few
 * containers, and plays canned output. The real engine is tested end to end elsewhere.
 */
final class ScriptedEngine implements Engine {
    static final String RUN_ID = "d".repeat(64);
    static final String WEB_ID = "a".repeat(64);

    final List<String> calls = new CopyOnWriteArrayList<>();
    /** Known containers: name or id → TTY. */
    final Map<String, Boolean> containers = new ConcurrentHashMap<>(Map.of("web", false, WEB_ID, false,
            RUN_ID, false, "c1", false, "tty1", true, "stopped", false));
    final Map<String, OutputSink> attached = new ConcurrentHashMap<>();
    final Map<String, CompletableFuture<WaitResponse>> waiters = new ConcurrentHashMap<>();
    final ByteArrayOutputStream stdin = new ByteArrayOutputStream();
    final CountDownLatch stdinClosed = new CountDownLatch(1);
    final CountDownLatch detached = new CountDownLatch(1);
    final CountDownLatch subscriptionClosed = new CountDownLatch(1);
    volatile long importedBytes = -1;
    /** What a start writes to the attached client before the waiters get {@link #exitCode}; null: nothing, ever. */
    volatile String runOutput = "hi\n";
    volatile int exitCode = 3;

    private void call(String line) {
        calls.add(line);
    }

    private boolean tty(String name) {
        Boolean tty = containers.get(name);
        if (tty == null) {
            throw new NotFound("No such container: " + name);
        }
        return tty;
    }

    @Override
    public VersionInfo version() {
        call("version");
        return new VersionInfo(List.of(Map.of("Name", "Engine", "Version", "0.1.0-test")), "0.1.0-test", "1.51",
                "1.24", "abcdef", "java25", "linux", "amd64", "6.1.0", "2025-01-01T00:00:00Z");
    }

    @Override
    public Map<String, Object> info() {
        call("info");
        return Map.of("ID", "berth", "Containers", 2, "Driver", "overlay2", "OperatingSystem", "Debian");
    }

    @Override
    public Subscription events(EventQuery query, Consumer<Event> listener) {
        call("events since=" + query.sinceNanos() + " until=" + query.untilNanos() + " filters=" + query.filters().values());
        listener.accept(new Event("start", WEB_ID, "img", "container", "start",
                new Event.Actor(WEB_ID, Map.of("name", "web")), "local", 1_700_000_000L, 1_700_000_000_000_000_000L));
        return subscriptionClosed::countDown;
    }

    @Override
    public String importImage(InputStream rootfs, String repo, String tag, List<String> changes, String message) {
        call("import repo=" + repo + " tag=" + tag + " changes=" + changes + " message=" + message);
        try {
            importedBytes = rootfs.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "sha256:" + "1".repeat(64);
    }

    @Override
    public List<ImageSummary> listImages(boolean all, Filters filters, boolean digests) {
        call("images all=" + all + " digests=" + digests);
        return List.of(new ImageSummary("sha256:" + "2".repeat(64), "", List.of("img:latest"), List.of(),
                1_700_000_000L, 1234, 0, Map.of(), 0));
    }

    @Override
    public ImageInspect inspectImage(String name) {
        call("inspectImage " + name);
        if (!name.equals("localhost:5000/a/b:tag")) {
            throw new NotFound("No such image: " + name);
        }
        return new ImageInspect("sha256:" + "2".repeat(64), List.of(name), List.of(), "", "", "2025-01-01T00:00:00Z",
                "", ContainerConfig.EMPTY, "amd64", "linux", 1234, null, new ImageInspect.RootFs("layers", List.of()),
                Map.of());
    }

    @Override
    public List<ImageHistoryItem> imageHistory(String name) {
        call("history " + name);
        return List.of();
    }

    @Override
    public void tagImage(String source, String repo, String tag) {
        call("tag " + source + " " + repo + " " + tag);
    }

    @Override
    public List<ImageDeleteItem> removeImage(String name, boolean force, boolean noPrune) {
        call("rmi " + name + " force=" + force + " noprune=" + noPrune);
        return List.of(new ImageDeleteItem("img:latest", null));
    }

    @Override
    public PruneReport pruneImages(Filters filters) {
        call("pruneImages");
        return new PruneReport(null, List.of(), 0);
    }

    @Override
    public void saveImages(List<String> names, OutputStream out) {
        call("save " + names);
        if (names.contains("missing")) {
            throw new NotFound("No such image: missing");
        }
        try {
            out.write(new byte[100_000]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void pullImage(String image, String tag, String platform, AuthConfig auth, ProgressListener listener) {
        call("pull " + image + " tag=" + tag + " platform=" + platform + " user=" + auth.username());
        if (image.equals("missing")) {
            throw new NotFound("manifest for missing:latest not found: manifest unknown: manifest unknown");
        }
        listener.layer(tag, "Pulling from library/" + image);
        listener.layer("a3ed95caeb02", "Pulling fs layer");
        listener.bytes("a3ed95caeb02", "Downloading", 512, 1024);
        if (image.equals("broken")) {
            throw new InvalidArgument("filesystem layer verification failed for digest sha256:" + "a".repeat(64));
        }
        listener.layer("a3ed95caeb02", "Pull complete");
        listener.status("Status: Downloaded newer image for " + image + ":" + tag);
    }

    @Override
    public List<RegistryClient.PushResult> pushImage(String name, String tag, AuthConfig auth, ProgressListener listener) {
        call("push " + name + " tag=" + tag);
        listener.status("The push refers to repository [docker.io/library/" + name + "]");
        listener.layer("a3ed95caeb02", "Pushed");
        return List.of(new RegistryClient.PushResult(tag, berth.oci.Digest.parse("sha256:" + "b".repeat(64)), 527));
    }

    @Override
    public void login(AuthConfig auth) {
        call("login " + auth.username() + " " + auth.serveraddress());
        if (!"secret".equals(auth.password())) {
            throw new berth.oci.errors.Unauthorized("unauthorized: incorrect username or password");
        }
    }

    @Override
    public List<RegistryClient.SearchResult> searchImages(String term, int limit, AuthConfig auth) {
        call("search " + term + " " + limit);
        return List.of(new RegistryClient.SearchResult("localhost:5000/busybox", "", 0, false, false));
    }

    @Override
    public List<String> loadImages(InputStream archive) {
        try {
            long n = archive.transferTo(OutputStream.nullOutputStream());
            call("load " + n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.of("Loaded image: img:latest");
    }

    @Override
    public ContainerCreateResponse createContainer(String name, ContainerConfig config, HostConfig hostConfig) {
        call("create name=" + name + " image=" + config.image() + " cmd=" + config.cmd() + " autoRemove="
                + hostConfig.isAutoRemove());
        return new ContainerCreateResponse(RUN_ID, List.of());
    }

    @Override
    public void startContainer(String name) {
        call("start " + name);
        if (name.equals("c1")) {
            throw new NotModified("container already started");
        }
        tty(name);
        if (runOutput == null) {
            return; // interactive: the session ends when stdin closes
        }
        OutputSink sink = attached.remove(name);
        CompletableFuture<WaitResponse> waiter = waiters.remove(name);
        Thread.ofVirtual().start(() -> {
            if (sink != null) {
                byte[] out = runOutput.getBytes(StandardCharsets.UTF_8);
                sink.write(OutputSink.StdStream.STDOUT, out, 0, out.length);
                sink.close();
            }
            if (waiter != null) {
                waiter.complete(new WaitResponse(exitCode, null));
            }
        });
    }

    @Override
    public void stopContainer(String name, Integer timeoutSeconds, String signal) {
        call("stop " + name + " t=" + timeoutSeconds + " signal=" + signal);
        tty(name);
    }

    @Override
    public void restartContainer(String name, Integer timeoutSeconds, String signal) {
        call("restart " + name);
    }

    @Override
    public void killContainer(String name, String signal) {
        call("kill " + name + " " + signal);
    }

    @Override
    public void pauseContainer(String name) {
        call("pause " + name);
    }

    @Override
    public void unpauseContainer(String name) {
        call("unpause " + name);
    }

    @Override
    public void removeContainer(String name, boolean force, boolean volumes) {
        call("rm " + name + " force=" + force + " v=" + volumes);
        tty(name);
    }

    @Override
    public List<ContainerSummary> listContainers(boolean all, int limit, boolean size, Filters filters) {
        call("ps all=" + all + " limit=" + limit + " filters=" + filters.values());
        long created = System.currentTimeMillis() / 1000 - 60;
        return List.of(new ContainerSummary(WEB_ID, List.of("/web"), "nginx:latest", "sha256:" + "2".repeat(64),
                "nginx -g daemon off;", created, List.of(), null, null, Map.of(), "running", "Up About a minute",
                new ContainerSummary.HostConfigSummary("host"), null, List.of()));
    }

    @Override
    public ContainerInspect inspectContainer(String name, boolean size) {
        call("inspect " + name);
        boolean tty = tty(name);
        ContainerConfig config = new ContainerConfig(null, null, null, null, null, null, null, tty, null, null, null,
                List.of("sh"), "img", null, null, null, null, null, null, null, null);
        return new ContainerInspect(WEB_ID, "2025-01-01T00:00:00Z", "sh", List.of(),
                new ContainerState("running", true, false, false, false, false, 42, 0, "", "2025-01-01T00:00:00Z",
                        "0001-01-01T00:00:00Z"),
                "sha256:" + "2".repeat(64), null, null, null, null, "/" + name, 0, "overlay2", "linux", null,
                HostConfig.EMPTY, null, null, null, List.of(), config, null);
    }

    @Override
    public CompletableFuture<WaitResponse> waitContainer(String name, String condition) {
        call("wait " + name + " " + condition);
        tty(name);
        CompletableFuture<WaitResponse> future = new CompletableFuture<>();
        waiters.put(name, future);
        return future;
    }

    @Override
    public void renameContainer(String name, String newName) {
        call("rename " + name + " " + newName);
    }

    @Override
    public ContainerTop topContainer(String name, String psArgs) {
        call("top " + name + " " + psArgs);
        return new ContainerTop(List.of("PID", "CMD"), List.of(List.of("1", "sh")));
    }

    @Override
    public PruneReport pruneContainers(Filters filters) {
        call("pruneContainers");
        return new PruneReport(List.of(), null, 0);
    }

    @Override
    public void resizeContainer(String name, int height, int width) {
        call("resize " + name + " " + height + "x" + width);
    }

    @Override
    public Session attachContainer(String name, AttachOptions options, OutputSink out) {
        call("attach " + name + " stdin=" + options.stdin() + " stdout=" + options.stdout() + " stream="
                + options.stream());
        tty(name);
        attached.put(name, out);
        return recordingSession(out);
    }

    /** Stdin is recorded; when it closes, the session answers "bye" on stdout and ends, as `cat` would. */
    private Session recordingSession(OutputSink out) {
        return new Session() {
            @Override
            public void writeStdin(byte[] data, int offset, int length) {
                synchronized (stdin) {
                    stdin.write(data, offset, length);
                }
            }

            @Override
            public void closeStdin() {
                call("closeStdin");
                stdinClosed.countDown();
                byte[] bye = "bye".getBytes(StandardCharsets.UTF_8);
                out.write(OutputSink.StdStream.STDERR, bye, 0, bye.length);
                out.close();
            }

            @Override
            public void detach() {
                call("detach");
                detached.countDown();
            }
        };
    }

    @Override
    public Subscription containerLogs(String name, LogOptions options, OutputSink out) {
        call("logs " + name + " follow=" + options.follow() + " tail=" + options.tail() + " since="
                + options.sinceNanos() + " timestamps=" + options.timestamps());
        tty(name);
        byte[] o = "out line\n".getBytes(StandardCharsets.UTF_8);
        byte[] e = "err line\n".getBytes(StandardCharsets.UTF_8);
        out.write(OutputSink.StdStream.STDOUT, o, 0, o.length);
        out.write(OutputSink.StdStream.STDERR, e, 0, e.length);
        if (!options.follow()) {
            out.close();
        }
        return subscriptionClosed::countDown;
    }

    @Override
    public String createExec(String container, ExecConfig config) {
        call("exec " + container + " " + config.cmd());
        tty(container);
        return "e".repeat(64);
    }

    @Override
    public Session startExec(String execId, boolean detach, boolean tty, OutputSink out) {
        call("startExec " + execId + " detach=" + detach + " tty=" + tty);
        if (detach) {
            return null;
        }
        byte[] o = "exec out\n".getBytes(StandardCharsets.UTF_8);
        out.write(OutputSink.StdStream.STDOUT, o, 0, o.length);
        return recordingSession(out);
    }

    @Override
    public void resizeExec(String execId, int height, int width) {
        call("resizeExec " + execId);
    }

    @Override
    public ExecInspect inspectExec(String execId) {
        call("inspectExec " + execId);
        if (!execId.equals("e".repeat(64))) {
            throw new NotFound("No such exec instance: " + execId);
        }
        return new ExecInspect(execId, false, 0, true, true, true, WEB_ID, 0,
                new ExecInspect.ProcessConfig(false, "sh", List.of(), false, ""));
    }

    @Override
    public Volume createVolume(VolumeCreateRequest request) {
        call("createVolume " + (request == null ? null : request.name()));
        return new Volume("2026-01-01T00:00:00Z", "local", null, "/v/_data", request == null ? "gen" : request.name(),
                null, "local", null);
    }

    @Override
    public VolumeList listVolumes(Filters filters) {
        call("listVolumes " + filters.values());
        return new VolumeList(List.of(), List.of());
    }

    @Override
    public Volume inspectVolume(String name) {
        call("inspectVolume " + name);
        throw new NotFound("get " + name + ": no such volume");
    }

    @Override
    public void removeVolume(String name, boolean force) {
        call("removeVolume " + name + " force=" + force);
    }

    @Override
    public VolumePruneReport pruneVolumes(Filters filters) {
        call("pruneVolumes " + filters.values());
        return new VolumePruneReport(List.of(), 0);
    }

    @Override
    public List<Volume> volumeUsage() {
        call("volumeUsage");
        return List.of();
    }

    public berth.engine.files.PathStat statContainerPath(String name, String path) {
        call("statContainerPath " + name + " " + path);
        return new berth.engine.files.PathStat("x", 2, 0644, "2026-01-01T00:00:00Z", "");
    }

    @Override
    public void archiveContainerPath(String name, String path,
                                     java.util.function.Function<berth.engine.files.PathStat, java.io.OutputStream> open) {
        call("archiveContainerPath " + name + " " + path);
    }

    @Override
    public void extractToContainer(String name, String path, InputStream tar, boolean noOverwriteDirNonDir,
                                   boolean copyUidGid) {
        call("extractToContainer " + name + " " + path);
    }

    @Override
    public void exportContainer(String name, java.io.OutputStream out) {
        call("exportContainer " + name);
    }

    @Override
    public List<berth.engine.model.Change> containerChanges(String name) {
        call("containerChanges " + name);
        return List.of();
    }

    @Override
    public String commitContainer(String name, String repo, String tag, String comment, String author, boolean pause,
                                  List<String> changes) {
        call("commitContainer " + name);
        return "sha256:" + "c".repeat(64);
    }

    @Override
    public void containerStats(String name, boolean stream, boolean oneShot,
                               java.util.function.Predicate<Map<String, Object>> sink) {
        call("containerStats " + name);
    }

    @Override
    public Map<String, Object> diskUsage() {
        call("diskUsage");
        return Map.of();
    }

    String stdinText() {
        synchronized (stdin) {
            return stdin.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public ContainerCreateResponse createContainer(String name, ContainerConfig config, HostConfig hostConfig,
                                                   Map<String, berth.oci.container.EndpointConfig> endpoints) {
        return createContainer(name, config, hostConfig);
    }

    @Override
    public String createNetwork(NetworkCreate request) {
        calls.add("network create " + request.name());
        return "n".repeat(64);
    }

    @Override
    public List<Map<String, Object>> listNetworks(Filters filters) {
        calls.add("network ls");
        return List.of();
    }

    @Override
    public Map<String, Object> inspectNetwork(String name) {
        throw new NotFound("network " + name + " not found");
    }

    @Override
    public void removeNetwork(String name) {
        calls.add("network rm " + name);
    }

    @Override
    public List<String> pruneNetworks(Filters filters) {
        calls.add("network prune");
        return List.of();
    }

    @Override
    public void connectNetwork(String network, String container, berth.oci.container.EndpointConfig config) {
        calls.add("network connect " + network + " " + container);
    }

    @Override
    public void disconnectNetwork(String network, String container, boolean force) {
        calls.add("network disconnect " + network + " " + container);
    }
}
