package berth.engine;

import berth.engine.container.ContainerDoc;
import berth.engine.container.ContainerFilter;
import berth.engine.container.ContainerViews;
import berth.engine.container.HostConfigCheck;
import berth.engine.container.LiveContainer;
import berth.engine.container.MountPoint;
import berth.engine.container.NameGenerator;
import berth.engine.model.ContainerCreateResponse;
import berth.engine.model.ContainerInspect;
import berth.engine.model.ContainerSummary;
import berth.engine.model.ContainerTop;
import berth.engine.model.PruneReport;
import berth.engine.model.WaitResponse;
import berth.engine.volume.ContainerMounts;
import berth.oci.Ids;
import berth.oci.Json;
import berth.oci.container.ContainerConfig;
import berth.oci.container.EndpointConfig;
import berth.oci.container.HostConfig;
import berth.oci.errors.CannotInvoke;
import berth.oci.errors.Conflict;
import berth.oci.errors.EngineException;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;
import berth.oci.errors.NotModified;
import berth.runtime.Conmon;
import berth.runtime.ExitWatcher;
import berth.runtime.Host;
import berth.runtime.OciRuntime;
import berth.runtime.SeccompBpfCache;
import berth.runtime.spec.ContainerSpecInput;
import berth.runtime.spec.SpecGenerator;
import berth.store.Layout;
import berth.store.image.Image;
import berth.store.meta.ContainerRecord;
import berth.store.meta.MetadataStore;
import berth.store.snapshot.Snapshotter;
import berth.sys.Signals;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The container half of the engine: create, start, stop, kill, pause, remove, wait, rename, list, inspect and
 * prune; exits reported by conmon; restart policies; and live restore of containers that outlived a daemon.
 */
final class ContainerService {
    private static final System.Logger LOG = System.getLogger(ContainerService.class.getName());
    private static final Pattern CONTAINER_ID = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern VALID_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");
    private static final int DEFAULT_STOP_TIMEOUT = 10;

    private final Layout layout;
    private final MetadataStore metadata;
    private final Snapshotter snapshotter;
    private final ImageService images;
    private final EventLog events;
    private final Host host;
    private final Conmon conmon;
    private final SpecGenerator specs;
    private final Map<String, OciRuntime> runtimes;
    private final SeccompBpfCache seccompFilters;
    private final ContainerMounts mounts;
    private final NetworkService networks;
    private final Map<String, LiveContainer> live = new ConcurrentHashMap<>();
    /** Auto-removed containers whose snapshots are still being deleted, each with the end of its clean-up. */
    private final Map<String, CompletableFuture<Void>> removing = new ConcurrentHashMap<>();
    private ExitWatcher exits;

    ContainerService(Layout layout, MetadataStore metadata, Snapshotter snapshotter, ImageService images,
                     EventLog events, Host host, Conmon conmon, Map<String, OciRuntime> runtimes,
                     SeccompBpfCache seccompFilters, ContainerMounts mounts, NetworkService networks) {
        this.layout = layout;
        this.metadata = metadata;
        this.snapshotter = snapshotter;
        this.images = images;
        this.events = events;
        this.host = host;
        this.conmon = conmon;
        this.specs = new SpecGenerator(host);
        this.runtimes = runtimes;
        this.seccompFilters = seccompFilters;
        this.mounts = mounts;
        this.networks = networks;
    }

    /**
     * Loads every container, adopts those whose conmon outlived the last daemon, records the exits that happened
     * while none ran, and starts watching for new exits.
     */
    void restore() {
        for (ContainerRecord record : metadata.containers()) {
            ContainerDoc doc = Json.read(record.doc(), ContainerDoc.class);
            live.put(doc.id(), new LiveContainer(doc));
            // before any exit is recorded: a volume keeps its mount while another adopted container uses it
            mounts.restore(doc);
        }
        sweepOrphans();
        exits = new ExitWatcher(conmon, this::onExit);
        for (ExitWatcher.Exit exit : exits.scan()) {
            LiveContainer c = live.get(exit.id());
            if (c != null) {
                synchronized (c) {
                    if (c.doc().state().hasProcess()) {
                        recordExit(c, exit);
                    }
                }
            }
        }
        for (LiveContainer c : live.values()) {
            ContainerDoc doc = c.doc();
            if (!doc.state().hasProcess()) {
                continue;
            }
            int conmonPid = conmon.conmonPid(doc.id());
            if (conmonPid > 0 && Files.exists(Path.of("/proc/" + conmonPid))) {
                LOG.log(System.Logger.Level.INFO, "adopted running container {0}", Ids.shortId(doc.id()));
                c.runStarted();
            } else {
                LOG.log(System.Logger.Level.WARNING, "container {0} ended while no daemon ran and left no exit code",
                        Ids.shortId(doc.id()));
                recordExit(c, new ExitWatcher.Exit(doc.id(), 255, false, Instant.now()));
            }
        }
        for (LiveContainer c : live.values()) {
            if (restartsWithDaemon(c.doc())) {
                synchronized (c) {
                    // A policy restart forgets the manual stop, as docker's does.
                    save(c, c.doc().withRestart(c.doc().restartCount(), false));
                }
                Thread.ofVirtual().start(() -> restartQuietly(c));
            }
        }
    }

    /**
     * Deletes the snapshots and directories of containers that have no row: a create that crashed before its row
     * was written, or a removal that crashed after it was deleted.
     */
    private void sweepOrphans() {
        for (Path dir : List.of(layout.snapshots(), layout.containers())) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (var entries = Files.list(dir)) {
                for (Path entry : entries.toList()) {
                    String id = entry.getFileName().toString();
                    if (CONTAINER_ID.matcher(id).matches() && !live.containsKey(id)) {
                        LOG.log(System.Logger.Level.INFO, "removing leftovers of container {0}", Ids.shortId(id));
                        deleteFiles(id);
                    }
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot sweep {0}: {1}", dir, e.getMessage());
            }
        }
    }

    /**
     * Docker's rule when the daemon comes back: {@code always} restarts an exited container even one stopped by
     * hand, {@code unless-stopped} only one that was not; a container never started stays created.
     */
    private boolean restartsWithDaemon(ContainerDoc doc) {
        if (doc.state().status().equals("restarting")) {
            return true; // the last daemon ended during the back-off
        }
        if (!doc.state().status().equals("exited")) {
            return false;
        }
        return switch (policyName(doc)) {
            case "always" -> true;
            case "unless-stopped" -> !doc.stoppedByUser();
            default -> false;
        };
    }

    // --- create ------------------------------------------------------------------------------------------

    ContainerCreateResponse create(String requestedName, ContainerConfig config, HostConfig hostConfig) {
        return create(requestedName, config, hostConfig, Map.of());
    }

    ContainerCreateResponse create(String requestedName, ContainerConfig config, HostConfig hostConfig,
                                   Map<String, EndpointConfig> endpointsConfig) {
        ContainerConfig requested = config == null ? ContainerConfig.EMPTY : config;
        HostConfig hc = hostConfig == null ? HostConfig.EMPTY : hostConfig;
        if (requested.image() == null || requested.image().isBlank()) {
            throw new InvalidArgument("Config cannot be empty in order to create a container");
        }
        String name = requestedName == null ? "" : requestedName.startsWith("/") ? requestedName.substring(1) : requestedName;
        if (!name.isEmpty() && !VALID_NAME.matcher(name).matches()) {
            throw new InvalidArgument("Invalid container name (" + name + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
        HostConfigCheck.check(hc, host.runtimes().keySet(), Runtime.getRuntime().availableProcessors());
        Image image = images.resolve(requested.image());
        ContainerConfig merged = ConfigMerge.merge(image.config().config(), requested);
        networks.check(merged, hc, endpointsConfig == null ? Map.of() : endpointsConfig);
        List<String> args = ConfigMerge.args(merged);
        if (args.isEmpty()) {
            throw new InvalidArgument("no command specified");
        }
        String id = Ids.newId();
        if (name.isEmpty()) {
            name = NameGenerator.generate(this::nameTaken);
        }
        if (merged.hostname() == null || merged.hostname().isEmpty()) {
            merged = ConfigMerge.withHostname(merged, id.substring(0, 12));
        }
        String runtime = hc.runtime() == null || hc.runtime().isEmpty() ? host.defaultRuntime() : hc.runtime();
        metadata.refuseContainerNameInUse(name); // before volumes are made for this container
        List<MountPoint> mountPoints = mounts.resolve(id, hc, merged, n -> find(n).doc());
        ContainerDoc doc = new ContainerDoc(id, name, image.id().toString(), requested.image(),
                HumanTime.rfc3339(Instant.now()), args.getFirst(), args.subList(1, args.size()), merged, hc, runtime,
                snapshotter.diffDir(id).getParent().resolve("merged").toString(), ContainerDoc.RunState.CREATED, 0, false,
                mountPoints);
        try {
            snapshotter.prepare(id, Optional.ofNullable(image.topChainId()));
            Files.createDirectories(layout.container(id));
            metadata.insertContainer(new ContainerRecord(id, name, image.id(), Instant.now(), Json.write(doc)));
            networks.created(id, hc, endpointsConfig == null ? Map.of() : endpointsConfig);
        } catch (IOException | RuntimeException e) {
            if (snapshotter.exists(id)) {
                snapshotter.remove(id);
            }
            deleteTree(layout.container(id));
            mounts.forget(doc, true);
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new UncheckedIOException((IOException) e);
        }
        live.put(id, new LiveContainer(doc));
        publish(doc, "create", Map.of());
        return new ContainerCreateResponse(id, List.of());
    }

    private boolean nameTaken(String name) {
        return live.values().stream().anyMatch(c -> c.doc().name().equals(name));
    }

    // --- lookup ------------------------------------------------------------------------------------------

    LiveContainer find(String name) {
        ContainerRecord record = metadata.resolveContainer(name);
        LiveContainer c = live.get(record.id());
        if (c == null) {
            throw new NotFound("No such container: " + name);
        }
        return c;
    }

    OciRuntime runtimeOf(ContainerDoc doc) {
        OciRuntime runtime = runtimes.get(doc.runtime());
        if (runtime == null) {
            throw new berth.oci.errors.Unavailable("runtime " + doc.runtime() + " is not available on this host");
        }
        return runtime;
    }

    Path bundle(String id) {
        return layout.container(id);
    }

    Path logPath(String id) {
        return layout.container(id).resolve("ctr.log");
    }

    // --- start -------------------------------------------------------------------------------------------

    void start(String name) {
        LiveContainer c = find(name);
        synchronized (c) {
            String status = c.doc().state().status();
            if (status.equals("running") || status.equals("paused")) {
                throw new NotModified("container already started");
            }
            if (status.equals("removing") || status.equals("dead")) {
                throw new Conflict("cannot start container " + c.id() + ": container is marked for removal");
            }
            c.setDoc(c.doc().withRestart(c.doc().restartCount(), false));
            doStart(c);
        }
    }

    /** Mounts the root fs, writes the bundle, creates through conmon, joins early attachers, starts. */
    private void doStart(LiveContainer c) {
        ContainerDoc doc = c.doc();
        String id = doc.id();
        OciRuntime runtime = runtimeOf(doc);
        try {
            Path rootfs = snapshotter.mount(id);
            Path bundle = bundle(id);
            ContainerMounts.Prepared prepared = mounts.prepare(doc, rootfs);
            c.setDoc(doc.withMountPoints(prepared.mountPoints()));
            NetworkService.Started net = networks.setUp(doc, this::runningId);
            HostConfig hc = doc.hostConfig();
            HostFiles files = HostFiles.write(bundle, new HostFiles.Content(doc.config().hostname(), net.address(),
                    orEmpty(hc.extraHosts()), net.nameservers(), orEmpty(hc.dns()), orEmpty(hc.dnsSearch()),
                    orEmpty(hc.dnsOptions())));
            ContainerSpecInput input = new ContainerSpecInput(id, rootfs, ConfigMerge.args(doc.config()), doc.config(),
                    doc.hostConfig(), doc.config().hostname(), Optional.of(files.hosts()),
                    Optional.of(files.resolvConf()), Optional.of(files.hostname()), net.netns(),
                    prepared.specMounts());
            ObjectNode spec = specs.generate(input);
            boolean crun = runtime.name().equals("crun");
            boolean precompiled = crun && seccompFilters.applyTo(spec);
            SpecGenerator.write(spec, bundle);
            c.runStarted();
            Conmon.Created created = conmon.create(new Conmon.Request(id, doc.name(), bundle, logPath(id),
                    doc.config().isTty(), doc.config().isOpenStdin(), runtime, -1));
            if (crun && !precompiled) {
                seccompFilters.learn(spec, runtime.stateRoot().resolve(id));
            }
            for (Runnable action : c.takeBeforeStart()) {
                action.run();
            }
            runtime.start(id);
            ContainerDoc.RunState running = new ContainerDoc.RunState("running", created.containerPid(), 0, "",
                    HumanTime.rfc3339(Instant.now()), doc.state().finishedAt(), false);
            save(c, c.doc().withState(running));
            publish(c.doc(), "start", Map.of());
        } catch (CannotInvoke e) {
            // The docker CLI picks exit 127 or 126 by matching runc's wording; say it the same way.
            String reason = e.notFound() ? "executable file not found in $PATH" : "permission denied";
            CannotInvoke docker = new CannotInvoke("failed to create task for container: OCI runtime create failed: "
                    + "exec: \"" + doc.path() + "\": " + reason + ": " + e.getMessage(), e.notFound());
            failStart(c, runtime, docker);
            throw docker;
        } catch (EngineException | UncheckedIOException e) {
            failStart(c, runtime, e);
            throw e;
        }
    }

    /** A start that failed leaves the container created, with docker's exit code for the failure. */
    private void failStart(LiveContainer c, OciRuntime runtime, RuntimeException e) {
        String id = c.id();
        try {
            runtime.delete(id, true);
        } catch (RuntimeException ignored) {
            // nothing was created
        }
        conmon.cleanup(id);
        mounts.release(c.doc());
        snapshotter.unmount(id);
        networks.tearDown(id);
        int code = e instanceof CannotInvoke ci ? (ci.notFound() ? 127 : 126) : 128;
        ContainerDoc.RunState failed = new ContainerDoc.RunState("created", 0, code, e.getMessage(),
                c.doc().state().startedAt(), c.doc().state().finishedAt(), false);
        save(c, c.doc().withState(failed));
        c.runFinished();
        c.exited(code);
        if (c.doc().hostConfig().isAutoRemove()) {
            removeNow(c, true);
        }
    }

    // --- exits -------------------------------------------------------------------------------------------

    private void onExit(ExitWatcher.Exit exit) {
        LiveContainer c = live.get(exit.id());
        if (c == null) {
            return;
        }
        Thread.ofVirtual().start(() -> {
            synchronized (c) {
                // Only a run in progress can end: the restore may have recorded this exit already.
                if (c.doc().state().hasProcess()) {
                    recordExit(c, exit);
                } else {
                    c.runFinished();
                }
            }
        });
    }

    /**
     * Records an exit. Waiters hear of it (and an auto-removed container is gone from the list) before the runtime
     * record and mounts are cleaned up, so a client's {@code run --rm} does not wait for that clean-up; the lock
     * held throughout keeps any later call on this container behind it.
     */
    private void recordExit(LiveContainer c, ExitWatcher.Exit exit) {
        String id = c.id();
        ContainerDoc.RunState s = c.doc().state();
        ContainerDoc exited = c.doc().withState(new ContainerDoc.RunState("exited", 0, exit.exitCode(), "",
                s.startedAt(), HumanTime.rfc3339(exit.finishedAt()), exit.oomKilled()));
        boolean autoRemove = exited.hostConfig().isAutoRemove();
        if (autoRemove) {
            // its row is deleted just below: writing it first would only delay the waiters of run --rm
            c.setDoc(exited);
        } else {
            save(c, exited);
        }
        if (exit.oomKilled()) {
            publish(c.doc(), "oom", Map.of());
        }
        publish(c.doc(), "die", Map.of("exitCode", Integer.toString(exit.exitCode())));
        CompletableFuture<Void> removal = new CompletableFuture<>();
        if (autoRemove) {
            removing.put(id, removal);
            mounts.release(c.doc()); // volumes unmount before they lose this container's reference
            forget(c, true);
        } else {
            c.exited(exit.exitCode());
        }
        try {
            releaseRun(c.doc());
            c.runFinished();
            if (autoRemove) {
                deleteFiles(id);
            } else if (shouldRestart(c.doc())) {
                int delay = c.nextBackoffMillis();
                save(c, c.doc().withState(new ContainerDoc.RunState("restarting", 0, exit.exitCode(), "",
                        c.doc().state().startedAt(), c.doc().state().finishedAt(), exit.oomKilled())));
                Thread.ofVirtual().start(() -> {
                    sleep(delay);
                    restartQuietly(c);
                });
            }
        } finally {
            removing.remove(id, removal);
            removal.complete(null);
        }
    }

    /**
     * Waits for the snapshots of auto-removed containers to be deleted. Their waiters were answered first, so a
     * {@code run --rm} followed at once by {@code rmi} would otherwise find the image's layer still in use.
     */
    void awaitRemovals() {
        CompletableFuture.allOf(removing.values().toArray(CompletableFuture[]::new)).join();
    }

    /** Frees what one run of a container held: the runtime's record and cgroups, conmon's files, the root mount. */
    private void releaseRun(ContainerDoc doc) {
        String id = doc.id();
        try {
            runtimeOf(doc).delete(id, true);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "runtime delete of {0}: {1}", Ids.shortId(id), e.getMessage());
        }
        conmon.cleanup(id);
        exits.acknowledge(id);
        mounts.release(doc);
        snapshotter.unmount(id);
        networks.release(id, networkReusable(doc));
    }

    /**
     * Whether a container's network namespace is as netavark left it once the container is gone: it could not
     * change it (no privilege, no NET_ADMIN, no sysctl) and no other container shares it.
     */
    private boolean networkReusable(ContainerDoc doc) {
        HostConfig hc = doc.hostConfig();
        boolean netAdmin = hc.capAdd() != null && hc.capAdd().stream()
                .anyMatch(cap -> cap.toUpperCase(java.util.Locale.ROOT).matches("(CAP_)?(NET_ADMIN|ALL)"));
        boolean shared = live.values().stream().anyMatch(o -> o.doc().state().hasProcess()
                && String.valueOf(o.doc().hostConfig().networkMode()).startsWith("container:"));
        return !hc.isPrivileged() && !netAdmin && (hc.sysctls() == null || hc.sysctls().isEmpty()) && !shared;
    }

    /** The id of a running container, for {@code --network container:NAME}. */
    private String runningId(String name) {
        LiveContainer other = find(name);
        if (!other.doc().state().hasProcess()) {
            throw new Conflict("cannot join network of a non running container: " + other.id());
        }
        return other.id();
    }

    private static List<String> orEmpty(List<String> list) {
        return list == null ? List.of() : list;
    }

    // --- networks ----------------------------------------------------------------------------------------

    void connect(String network, String name, EndpointConfig config) {
        LiveContainer c = find(name);
        synchronized (c) {
            networks.connect(c.doc(), c.doc().state().hasProcess(), network, config);
        }
    }

    void disconnect(String network, String name) {
        LiveContainer c = find(name);
        synchronized (c) {
            networks.disconnect(c.doc(), network);
        }
    }

    private boolean shouldRestart(ContainerDoc doc) {
        if (doc.stoppedByUser()) {
            return false;
        }
        return switch (policyName(doc)) {
            case "always", "unless-stopped" -> true;
            case "on-failure" -> {
                Integer max = doc.hostConfig().restartPolicy().maximumRetryCount();
                yield doc.state().exitCode() != 0 && (max == null || max == 0 || doc.restartCount() < max);
            }
            default -> false;
        };
    }

    private static String policyName(ContainerDoc doc) {
        HostConfig.RestartPolicy p = doc.hostConfig().restartPolicy();
        return p == null || p.name() == null ? "no" : p.name();
    }

    private void restartQuietly(LiveContainer c) {
        synchronized (c) {
            if (!live.containsKey(c.id()) || c.doc().stoppedByUser() || c.doc().state().status().equals("running")) {
                return;
            }
            c.setDoc(c.doc().withRestart(c.doc().restartCount() + 1, false));
            try {
                doStart(c);
                publish(c.doc(), "restart", Map.of());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "restart of {0} failed: {1}", Ids.shortId(c.id()), e.getMessage());
            }
        }
    }

    // --- stop, kill, pause -------------------------------------------------------------------------------

    void stop(String name, Integer timeoutSeconds, String signal) {
        LiveContainer c = find(name);
        CompletableFuture<Void> ended;
        String stopSignal;
        int timeout;
        synchronized (c) {
            ContainerDoc doc = c.doc();
            if (doc.state().status().equals("restarting")) {
                save(c, doc.withRestart(doc.restartCount(), true).withState(new ContainerDoc.RunState("exited", 0,
                        doc.state().exitCode(), "", doc.state().startedAt(), doc.state().finishedAt(), false)));
                return;
            }
            if (!doc.state().isRunning()) {
                throw new NotModified("container already stopped");
            }
            save(c, doc.withRestart(doc.restartCount(), true));
            stopSignal = signal != null && !signal.isEmpty() ? signal
                    : doc.config().stopSignal() != null ? doc.config().stopSignal() : "SIGTERM";
            timeout = timeoutSeconds != null ? timeoutSeconds
                    : doc.config().stopTimeout() != null ? doc.config().stopTimeout() : DEFAULT_STOP_TIMEOUT;
            ended = c.runEnded();
            OciRuntime runtime = runtimeOf(doc);
            if (doc.state().status().equals("paused")) {
                runtime.resume(c.id());
            }
            signal(runtime, c.id(), stopSignal);
            publishKill(doc, stopSignal);
        }
        if (!awaitEnd(ended, timeout < 0 ? Long.MAX_VALUE : timeout)) {
            synchronized (c) {
                if (c.doc().state().isRunning()) {
                    signal(runtimeOf(c.doc()), c.id(), "SIGKILL");
                    publishKill(c.doc(), "SIGKILL");
                }
            }
            if (!awaitEnd(ended, 30)) {
                throw new berth.oci.errors.Unavailable("container " + c.id() + " did not exit after SIGKILL");
            }
        }
        publish(c.doc(), "stop", Map.of());
    }

    /** Docker reports every signal it sends, a stop's included, as a {@code kill} event. */
    private void publishKill(ContainerDoc doc, String signal) {
        publish(doc, "kill", Map.of("signal", Integer.toString(Signals.parse(signal).getAsInt())));
    }

    private void signal(OciRuntime runtime, String id, String signal) {
        int number = Signals.parse(signal).orElseThrow(() -> new InvalidArgument("Invalid signal: " + signal));
        try {
            runtime.kill(id, number);
        } catch (EngineException e) {
            if (!runtime.state(id).map(s -> s.status().equals("running") || s.status().equals("paused")).orElse(false)) {
                return; // it exited between our check and the signal
            }
            throw e;
        }
    }

    private static boolean awaitEnd(CompletableFuture<Void> ended, long seconds) {
        try {
            ended.get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }

    void restart(String name, Integer timeoutSeconds, String signal) {
        LiveContainer c = find(name);
        if (c.doc().state().isRunning()) {
            stop(name, timeoutSeconds, signal);
        }
        synchronized (c) {
            c.setDoc(c.doc().withRestart(c.doc().restartCount(), false));
            if (!c.doc().state().isRunning()) {
                doStart(c);
            }
        }
        publish(c.doc(), "restart", Map.of());
    }

    void kill(String name, String signal) {
        LiveContainer c = find(name);
        synchronized (c) {
            if (!c.doc().state().isRunning() || c.doc().state().status().equals("restarting")) {
                throw new Conflict("Cannot kill container: " + name + ": Container " + c.id() + " is not running");
            }
            String sig = signal == null || signal.isEmpty() ? "SIGKILL" : signal;
            signal(runtimeOf(c.doc()), c.id(), sig);
            publishKill(c.doc(), sig);
        }
    }

    void pause(String name) {
        LiveContainer c = find(name);
        synchronized (c) {
            String status = c.doc().state().status();
            if (status.equals("paused")) {
                throw new Conflict("Container " + c.id() + " is already paused");
            }
            if (!status.equals("running")) {
                throw new Conflict("Container " + c.id() + " is not running");
            }
            runtimeOf(c.doc()).pause(c.id());
            save(c, c.doc().withState(withStatus(c.doc().state(), "paused")));
            publish(c.doc(), "pause", Map.of());
        }
    }

    void unpause(String name) {
        LiveContainer c = find(name);
        synchronized (c) {
            if (!c.doc().state().status().equals("paused")) {
                throw new Conflict("Container " + c.id() + " is not paused");
            }
            runtimeOf(c.doc()).resume(c.id());
            save(c, c.doc().withState(withStatus(c.doc().state(), "running")));
            publish(c.doc(), "unpause", Map.of());
        }
    }

    private static ContainerDoc.RunState withStatus(ContainerDoc.RunState s, String status) {
        return new ContainerDoc.RunState(status, s.pid(), s.exitCode(), s.error(), s.startedAt(), s.finishedAt(),
                s.oomKilled());
    }

    // --- remove ------------------------------------------------------------------------------------------

    /** Removes a container; {@code volumes} takes its anonymous volumes along ({@code rm -v}). */
    void remove(String name, boolean force, boolean volumes) {
        LiveContainer c = find(name);
        CompletableFuture<Void> ended;
        synchronized (c) {
            ContainerDoc doc = c.doc();
            if (doc.state().isRunning() && !doc.state().status().equals("restarting")) {
                if (!force) {
                    throw new Conflict("cannot remove container \"/" + doc.name() + "\": container is running: stop the "
                            + "container before removing or force remove");
                }
                save(c, doc.withRestart(doc.restartCount(), true));
                OciRuntime runtime = runtimeOf(doc);
                if (doc.state().status().equals("paused")) {
                    runtime.resume(c.id());
                }
                signal(runtime, c.id(), "SIGKILL");
            } else {
                removeNow(c, volumes);
                return;
            }
            ended = c.runEnded();
        }
        if (!awaitEnd(ended, 30)) {
            throw new berth.oci.errors.Unavailable("container " + c.id() + " did not exit after SIGKILL");
        }
        synchronized (c) {
            if (live.containsKey(c.id())) {
                removeNow(c, volumes);
            }
        }
    }

    /** Removes a stopped container (its run already released): row, then files; its anonymous volumes if asked. */
    private void removeNow(LiveContainer c, boolean removeVolumes) {
        forget(c, removeVolumes);
        deleteFiles(c.id());
    }

    /**
     * Drops the container's row and its volume references (and anonymous volumes if asked) and tells its waiters;
     * from here on it is gone for every client.
     */
    private void forget(LiveContainer c, boolean removeVolumes) {
        metadata.deleteContainer(c.id());
        networks.forget(c.id());
        live.remove(c.id());
        mounts.forget(c.doc(), removeVolumes);
        publish(c.doc(), "destroy", Map.of());
        c.gone(c.doc().state().exitCode());
    }

    /** Deletes a forgotten container's snapshot and directory; a crash before this is swept at start. */
    private void deleteFiles(String id) {
        networks.removed(id);
        snapshotter.unmount(id);
        if (snapshotter.exists(id)) {
            snapshotter.remove(id);
        }
        deleteTree(layout.container(id));
    }

    // --- wait, rename, list, inspect, top, prune ---------------------------------------------------------

    CompletableFuture<WaitResponse> await(String name, String condition) {
        LiveContainer c = find(name);
        String cond = condition == null || condition.isEmpty() ? "not-running" : condition;
        synchronized (c) {
            if (!live.containsKey(c.id())) {
                // removed while this call waited for the lock: every condition already holds
                return CompletableFuture.completedFuture(new WaitResponse(c.doc().state().exitCode(), null));
            }
            return switch (cond) {
                case "not-running" -> c.doc().state().isRunning() && !c.doc().state().status().equals("restarting")
                        ? c.waitNextExit()
                        : CompletableFuture.completedFuture(new WaitResponse(c.doc().state().exitCode(), null));
                case "next-exit" -> c.waitNextExit();
                case "removed" -> c.waitRemoved();
                default -> throw new InvalidArgument("invalid condition: \"" + cond + "\"");
            };
        }
    }

    void rename(String name, String newName) {
        LiveContainer c = find(name);
        String target = newName == null ? "" : newName.startsWith("/") ? newName.substring(1) : newName;
        if (target.isEmpty()) {
            throw new InvalidArgument("Neither old nor new names may be empty");
        }
        if (!VALID_NAME.matcher(target).matches()) {
            throw new InvalidArgument("Invalid container name (" + target + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
        synchronized (c) {
            String old = c.doc().name();
            if (old.equals(target)) {
                throw new InvalidArgument("Renaming a container with the same name as its current name");
            }
            metadata.renameContainer(c.id(), target);
            save(c, c.doc().withName(target));
            publish(c.doc(), "rename", Map.of("oldName", "/" + old));
        }
    }

    List<ContainerSummary> list(boolean all, int limit, Filters filters) {
        Predicate<ContainerDoc> keep = ContainerFilter.of(filters, images::matches);
        Instant now = Instant.now();
        List<ContainerDoc> docs = live.values().stream()
                .map(LiveContainer::doc)
                .filter(d -> all || limit > 0 || d.state().isRunning())
                .filter(keep)
                .sorted(Comparator.comparing(ContainerDoc::created).reversed())
                .toList();
        if (limit > 0 && docs.size() > limit) {
            docs = docs.subList(0, limit);
        }
        return docs.stream().map(d -> ContainerViews.summary(d, now, networks.settings(d))).toList();
    }

    ContainerInspect inspect(String name, List<String> execIds) {
        LiveContainer c = find(name);
        return ContainerViews.inspect(c.doc(), logPath(c.id()).toString(), execIds, networks.settings(c.doc()));
    }

    ContainerTop top(String name, String psArgs) {
        LiveContainer c = find(name);
        if (!c.doc().state().isRunning()) {
            throw new Conflict("Container " + c.id() + " is not running");
        }
        return ProcessTable.of(c.id(), psArgs == null || psArgs.isBlank() ? "-ef" : psArgs);
    }

    PruneReport prune(Filters filters) {
        Predicate<ContainerDoc> keep = ContainerFilter.of(filters, images::matches);
        List<String> deleted = new ArrayList<>();
        for (LiveContainer c : List.copyOf(live.values())) {
            synchronized (c) {
                ContainerDoc doc = c.doc();
                String status = doc.state().status();
                if ((status.equals("exited") || status.equals("created") || status.equals("dead")) && keep.test(doc)) {
                    removeNow(c, false); // as docker: prune leaves the anonymous volumes, dangling
                    deleted.add(doc.id());
                }
            }
        }
        return new PruneReport(deleted, null, 0);
    }

    Map<String, Integer> counts() {
        Map<String, Integer> counts = new LinkedHashMap<>(Map.of("running", 0, "paused", 0, "stopped", 0));
        for (LiveContainer c : live.values()) {
            String status = c.doc().state().status();
            String key = status.equals("running") || status.equals("paused") ? status : "stopped";
            counts.merge(key, 1, Integer::sum);
        }
        return counts;
    }

    Collection<LiveContainer> all() {
        return live.values();
    }

    // --- helpers -----------------------------------------------------------------------------------------

    private void save(LiveContainer c, ContainerDoc doc) {
        metadata.updateContainerDoc(doc.id(), Json.write(doc));
        c.setDoc(doc);
    }

    void publish(ContainerDoc doc, String action, Map<String, String> extra) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("image", doc.imageName());
        attributes.put("name", doc.name());
        if (doc.config().labels() != null) {
            attributes.putAll(doc.config().labels());
        }
        attributes.putAll(extra);
        events.publish("container", action, doc.id(), attributes);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete {0}: {1}", dir, e.getMessage());
        }
    }

    private static void sleep(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
