package berth.runtime.spec;

import berth.oci.container.ContainerConfig;
import berth.oci.container.HostConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@link SpecGenerator} needs for one container. The engine has already merged the image's defaults
 * into {@code config} (Env, WorkingDir, User) and resolved Entrypoint + Cmd into {@code args}.
 *
 * @param id           the container id (also its cgroup name and runtime id)
 * @param rootfs       the mounted root filesystem
 * @param args         the command line of the container's process (before any {@code --init})
 * @param config       the effective container configuration
 * @param hostConfig   the host configuration
 * @param hostname     the container's host name
 * @param hostsFile    a file to bind-mount on /etc/hosts, if any
 * @param resolvConf   a file to bind-mount on /etc/resolv.conf, if any
 * @param hostnameFile a file to bind-mount on /etc/hostname, if any
 * @param netnsPath    a network namespace to join (made by the network module); empty: a new one (or the host's
 *                     with {@code --network host})
 * @param mounts       the binds, volumes and {@code --mount} tmpfs the engine resolved ({@code HostConfig.Tmpfs} is
 *                     read by the generator itself)
 */
public record ContainerSpecInput(String id, Path rootfs, List<String> args, ContainerConfig config,
                                 HostConfig hostConfig, String hostname, Optional<Path> hostsFile,
                                 Optional<Path> resolvConf, Optional<Path> hostnameFile, Optional<Path> netnsPath,
                                 List<SpecMount> mounts) {

    public ContainerSpecInput {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(rootfs, "rootfs");
        args = List.copyOf(args);
        config = config == null ? ContainerConfig.EMPTY : config;
        hostConfig = hostConfig == null ? HostConfig.EMPTY : hostConfig;
        mounts = List.copyOf(mounts);
    }

    /** The minimal input: no hosts/resolv/hostname files, no extra mounts. */
    public static ContainerSpecInput of(String id, Path rootfs, List<String> args, ContainerConfig config,
                                        HostConfig hostConfig) {
        return new ContainerSpecInput(id, rootfs, args, config, hostConfig, id.length() > 12 ? id.substring(0, 12) : id,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
    }
}
