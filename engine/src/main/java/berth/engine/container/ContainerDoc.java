package berth.engine.container;

import berth.oci.container.ContainerConfig;
import berth.oci.container.HostConfig;

import java.util.List;

/**
 * What Berth keeps of one container, persisted as JSON in the metadata database: its configuration as created
 * and the facts of its current or last run. Immutable; each change makes a new document that is written in one
 * transaction.
 */
public record ContainerDoc(
        String id,
        String name,
        String imageId,
        String imageName,
        String created,
        String path,
        List<String> args,
        ContainerConfig config,
        HostConfig hostConfig,
        String runtime,
        String rootfs,
        RunState state,
        int restartCount,
        boolean stoppedByUser,
        List<MountPoint> mountPoints) {

    public ContainerDoc {
        mountPoints = mountPoints == null ? List.of() : List.copyOf(mountPoints);
    }

    public ContainerDoc withState(RunState newState) {
        return new ContainerDoc(id, name, imageId, imageName, created, path, args, config, hostConfig, runtime, rootfs,
                newState, restartCount, stoppedByUser, mountPoints);
    }

    public ContainerDoc withName(String newName) {
        return new ContainerDoc(id, newName, imageId, imageName, created, path, args, config, hostConfig, runtime,
                rootfs, state, restartCount, stoppedByUser, mountPoints);
    }

    public ContainerDoc withRestart(int count, boolean byUser) {
        return new ContainerDoc(id, name, imageId, imageName, created, path, args, config, hostConfig, runtime, rootfs,
                state, count, byUser, mountPoints);
    }

    public ContainerDoc withMountPoints(List<MountPoint> newMountPoints) {
        return new ContainerDoc(id, name, imageId, imageName, created, path, args, config, hostConfig, runtime, rootfs,
                state, restartCount, stoppedByUser, newMountPoints);
    }

    /**
     * The state of a container's process: {@code created}, {@code running}, {@code paused}, {@code restarting},
     * {@code exited} or {@code dead}, with the pid while it runs and the exit code after.
     */
    public record RunState(String status, int pid, int exitCode, String error, String startedAt, String finishedAt,
                           boolean oomKilled) {
        public static final RunState CREATED = new RunState("created", 0, 0, "", null, null, false);

        public boolean isRunning() {
            return status.equals("running") || status.equals("paused") || status.equals("restarting");
        }

        /** Whether a process of this run may still be alive; a restarting container waits out its back-off. */
        public boolean hasProcess() {
            return status.equals("running") || status.equals("paused");
        }
    }
}
