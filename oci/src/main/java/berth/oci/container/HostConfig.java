package berth.oci.container;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.Map;

/** The host side of a container's configuration ({@code HostConfig} in the Docker API): limits, security, restart. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record HostConfig(
        List<String> binds,
        String networkMode,
        RestartPolicy restartPolicy,
        Boolean autoRemove,
        List<String> capAdd,
        List<String> capDrop,
        List<String> dns,
        List<String> dnsOptions,
        List<String> dnsSearch,
        List<String> extraHosts,
        List<String> groupAdd,
        String ipcMode,
        String pidMode,
        Boolean privileged,
        Boolean readonlyRootfs,
        List<String> securityOpt,
        Map<String, String> tmpfs,
        @JsonProperty("UTSMode") String utsMode,
        Long shmSize,
        Map<String, String> sysctls,
        String runtime,
        Long cpuShares,
        Long memory,
        Long nanoCpus,
        String cgroupParent,
        Long cpuPeriod,
        Long cpuQuota,
        String cpusetCpus,
        String cpusetMems,
        Long memoryReservation,
        Long memorySwap,
        Long pidsLimit,
        List<Ulimit> ulimits,
        Boolean init,
        Boolean oomKillDisable,
        LogConfig logConfig,
        List<Integer> consoleSize,
        List<Mount> mounts,
        List<String> volumesFrom,
        String volumeDriver,
        Map<String, List<PortBinding>> portBindings,
        Boolean publishAllPorts) {

    public static final HostConfig EMPTY = new HostConfig(null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null, null, null);

    public boolean isPublishAllPorts() {
        return Boolean.TRUE.equals(publishAllPorts);
    }

    /** {@code -p}: a host address (empty: all) and port (empty or 0: any free one; {@code 8000-8010}: one of those). */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record PortBinding(String hostIp, String hostPort) {}

    public boolean isPrivileged() {
        return Boolean.TRUE.equals(privileged);
    }

    /** The client's terminal size, {@code [height, width]}, that a TTY container starts with; null when unknown. */
    public int[] initialTerminalSize() {
        if (consoleSize == null || consoleSize.size() != 2 || consoleSize.get(0) == null || consoleSize.get(1) == null
                || consoleSize.get(0) <= 0 || consoleSize.get(1) <= 0) {
            return null;
        }
        return new int[] {consoleSize.get(0), consoleSize.get(1)};
    }

    public boolean isAutoRemove() {
        return Boolean.TRUE.equals(autoRemove);
    }

    /** {@code --restart}: {@code no}, {@code on-failure} (with a retry bound), {@code always}, {@code unless-stopped}. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record RestartPolicy(String name, Integer maximumRetryCount) {}

    /** {@code --ulimit name=soft:hard}. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record Ulimit(String name, long soft, long hard) {}

    /** {@code --log-driver} and its options; Berth writes json-file style logs through conmon. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record LogConfig(String type, Map<String, String> config) {}
}
