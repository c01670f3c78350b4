package berth.oci.container;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.Map;

/**
 * One entry of {@code HostConfig.Mounts} as the Docker API names it: what {@code --mount} sends. Fields a client
 * leaves out are null.
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Mount(String type, String source, String target, Boolean readOnly, String consistency,
                    BindOptions bindOptions, VolumeOptions volumeOptions, TmpfsOptions tmpfsOptions) {

    public boolean isReadOnly() {
        return Boolean.TRUE.equals(readOnly);
    }

    /** {@code bind-propagation}, {@code bind-nonrecursive}. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BindOptions(String propagation, Boolean nonRecursive, Boolean createMountpoint) {}

    /** {@code volume-nocopy}, {@code volume-label}, {@code volume-driver}, {@code volume-opt}, {@code volume-subpath}. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VolumeOptions(Boolean noCopy, Map<String, String> labels, Driver driverConfig, String subpath) {}

    /** A volume driver and its options. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Driver(String name, Map<String, String> options) {}

    /** {@code tmpfs-size} in bytes and {@code tmpfs-mode} as a number (0 or null: the kernel's defaults). */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TmpfsOptions(Long sizeBytes, Long mode, List<List<String>> options) {}
}
