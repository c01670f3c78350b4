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
import berth.oci.container.ContainerConfig;
import berth.oci.container.EndpointConfig;
import berth.oci.container.HostConfig;
import berth.registry.client.AuthConfig;
import berth.registry.client.ProgressListener;
import berth.registry.client.RegistryClient;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The one facade the daemon exposes: everything the Docker Engine API can ask of Berth. Names of containers,
 * images and execs are as a user typed them (full id, unique id prefix, name); a missing object is
 * {@link berth.oci.errors.NotFound}, a clash {@link berth.oci.errors.Conflict}, a bad request
 * {@link berth.oci.errors.InvalidArgument}, a no-op {@link berth.oci.errors.NotModified}.
 * Methods block; the API calls them off its event loop.
 */
public interface Engine {

    // --- system -----------------------------------------------------------------------------------------

    VersionInfo version();

    /** {@code GET /info}, as a map because docker's shape is wide and mostly informational. */
    Map<String, Object> info();

    /** Past events matching the query (from {@code since}), then live ones until {@code until} or close. */
    Subscription events(EventQuery query, Consumer<Event> listener);

    /** {@code since}/{@code until} in unix nanoseconds (null: open), and the event filters. */
    record EventQuery(Long sinceNanos, Long untilNanos, Filters filters) {}

    // --- images -----------------------------------------------------------------------------------------

    /**
     * {@code docker import}: a root filesystem tarball (plain, gzip or zstd) becomes a one-layer image;
     * {@code changes} are Dockerfile lines (CMD, ENV, ENTRYPOINT, WORKDIR, USER, EXPOSE, LABEL).
     * Returns the new image id ({@code sha256:…}).
     */
    String importImage(InputStream rootfs, String repo, String tag, List<String> changes, String message);

    List<ImageSummary> listImages(boolean all, Filters filters, boolean digests);

    ImageInspect inspectImage(String name);

    List<ImageHistoryItem> imageHistory(String name);

    void tagImage(String source, String repo, String tag);

    List<ImageDeleteItem> removeImage(String name, boolean force, boolean noPrune);

    PruneReport pruneImages(Filters filters);

    /** Writes a docker-archive (which is also an OCI layout) of the named images to {@code out}. */
    void saveImages(List<String> names, OutputStream out);

    /** Loads a docker-archive or OCI layout; returns docker's lines, e.g. {@code Loaded image: busybox:latest}. */
    List<String> loadImages(InputStream archive);

    // --- registries -------------------------------------------------------------------------------------

    /**
     * {@code docker pull}: {@code tag} may be a tag, a digest or empty (every tag); progress goes to
     * {@code listener} in docker's words. Failures before the first event leave nothing reported.
     */
    void pullImage(String image, String tag, String platform, AuthConfig auth, ProgressListener listener);

    /** {@code docker push}: one tag, or every local tag of the repository when {@code tag} is empty. */
    List<RegistryClient.PushResult> pushImage(String name, String tag, AuthConfig auth, ProgressListener listener);

    /** {@code POST /auth}: whether the registry takes these credentials ({@link berth.oci.errors.Unauthorized} if not). */
    void login(AuthConfig auth);

    List<RegistryClient.SearchResult> searchImages(String term, int limit, AuthConfig auth);

    // --- containers -------------------------------------------------------------------------------------

    ContainerCreateResponse createContainer(String name, ContainerConfig config, HostConfig hostConfig);

    /** A create with {@code NetworkingConfig.EndpointsConfig}: how the container joins each network (by name). */
    ContainerCreateResponse createContainer(String name, ContainerConfig config, HostConfig hostConfig,
                                            Map<String, EndpointConfig> endpointsConfig);

    void startContainer(String name);

    /** {@code timeoutSeconds} null: the container's own stop timeout; {@code signal} null: its stop signal. */
    void stopContainer(String name, Integer timeoutSeconds, String signal);

    void restartContainer(String name, Integer timeoutSeconds, String signal);

    void killContainer(String name, String signal);

    void pauseContainer(String name);

    void unpauseContainer(String name);

    void removeContainer(String name, boolean force, boolean volumes);

    /** {@code limit} ≤ 0 means no limit; {@code all} includes stopped containers. */
    List<ContainerSummary> listContainers(boolean all, int limit, boolean size, Filters filters);

    ContainerInspect inspectContainer(String name, boolean size);

    /**
     * Registers a waiter now (so a fast exit after a later start is not missed) and completes it when the
     * condition holds: {@code not-running} (default), {@code next-exit} or {@code removed}.
     */
    CompletableFuture<WaitResponse> waitContainer(String name, String condition);

    void renameContainer(String name, String newName);

    ContainerTop topContainer(String name, String psArgs);

    PruneReport pruneContainers(Filters filters);

    void resizeContainer(String name, int height, int width);

    /**
     * Attaches to a container's streams. Output flows to {@code out} until the container stops (or at once,
     * for a stopped container without {@code stream}); the returned session takes stdin when asked for.
     */
    Session attachContainer(String name, AttachOptions options, OutputSink out);

    record AttachOptions(boolean stdin, boolean stdout, boolean stderr, boolean stream, boolean logs, String detachKeys) {}

    /** Writes the container's log to {@code out} and closes it, or keeps following until closed or the container stops. */
    Subscription containerLogs(String name, LogOptions options, OutputSink out);

    /** {@code tail} &lt; 0 means all; {@code since}/{@code until} in unix nanoseconds, 0 meaning open. */
    record LogOptions(boolean stdout, boolean stderr, boolean follow, int tail, long sinceNanos, long untilNanos,
                      boolean timestamps) {}

    // --- volumes ----------------------------------------------------------------------------------------

    /** {@code POST /volumes/create}; a volume of that name that exists already is returned as it is. */
    Volume createVolume(VolumeCreateRequest request);

    /** {@code GET /volumes}: filters {@code dangling}, {@code name}, {@code label}, {@code driver}. */
    VolumeList listVolumes(Filters filters);

    Volume inspectVolume(String name);

    /** A volume a container refers to is a {@link berth.oci.errors.Conflict}; {@code force} ignores a missing one. */
    void removeVolume(String name, boolean force);

    /** Removes the volumes no container refers to: anonymous ones, or all with the filter {@code all=true}. */
    VolumePruneReport pruneVolumes(Filters filters);

    /** Every volume with its {@code UsageData} (size in bytes, containers referring to it), for {@code system df}. */
    List<Volume> volumeUsage();
    // --- the container's files and its state ---------------------------------------------------------

    /** {@code HEAD /containers/{id}/archive}: the stat of a path in the container. */
    berth.engine.files.PathStat statContainerPath(String name, String path);

    /**
     * {@code GET /containers/{id}/archive}: a tar of the path, written to the stream {@code open} returns once the
     * path's stat is known (the API sends the stat as a header before the body).
     */
    void archiveContainerPath(String name, String path,
                              java.util.function.Function<berth.engine.files.PathStat, OutputStream> open);

    /** {@code PUT /containers/{id}/archive}: extracts a tar into the directory {@code path} of the container. */
    void extractToContainer(String name, String path, InputStream tar, boolean noOverwriteDirNonDir,
                            boolean copyUidGid);

    /** {@code GET /containers/{id}/export}: the container's file system as a tar. */
    void exportContainer(String name, OutputStream out);

    /** {@code GET /containers/{id}/changes}: what the container changed in its image's file system. */
    List<berth.engine.model.Change> containerChanges(String name);

    /** {@code POST /commit}: a new image from the container's changes; returns its id. */
    String commitContainer(String name, String repo, String tag, String comment, String author, boolean pause,
                           List<String> changes);

    /**
     * {@code GET /containers/{id}/stats}: docker's stats JSON, once, or every second while {@code stream} and
     * until {@code sink} returns false (the client went away) or the container is removed.
     */
    void containerStats(String name, boolean stream, boolean oneShot,
                        java.util.function.Predicate<Map<String, Object>> sink);

    /** {@code GET /system/df}: LayersSize, Images, Containers, Volumes and BuildCache. */
    Map<String, Object> diskUsage();

    // --- networks ---------------------------------------------------------------------------------------

    /** {@code POST /networks/create}; returns the new network's id. */
    String createNetwork(NetworkCreate request);

    /** The body of a network create, as docker's CLI sends it. */
    record NetworkCreate(String name, String driver, boolean internal, String subnet, String gateway, String ipRange,
                         Map<String, String> labels, Map<String, String> options) {}

    /** {@code GET /networks}: docker's network resources, as maps because the shape is wide. */
    List<Map<String, Object>> listNetworks(Filters filters);

    Map<String, Object> inspectNetwork(String name);

    void removeNetwork(String name);

    /** Removes unused user-defined networks; returns their names. */
    List<String> pruneNetworks(Filters filters);

    void connectNetwork(String network, String container, EndpointConfig config);

    void disconnectNetwork(String network, String container, boolean force);

    // --- exec -------------------------------------------------------------------------------------------

    /** Returns the new exec's id. A stopped container is a {@link berth.oci.errors.Conflict}. */
    String createExec(String container, ExecConfig config);

    /** Starts an exec; with {@code detach} it returns null and output is discarded. */
    Session startExec(String execId, boolean detach, boolean tty, OutputSink out);

    void resizeExec(String execId, int height, int width);

    ExecInspect inspectExec(String execId);
}
