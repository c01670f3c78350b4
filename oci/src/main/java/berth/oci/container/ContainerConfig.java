package berth.oci.container;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.Map;

/**
 * A container's configuration as the Docker API names it ({@code Config} in create and inspect), and the
 * {@code config} of an image. Fields a client leaves out are null; the engine fills image defaults.
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record ContainerConfig(
        String hostname,
        String domainname,
        String user,
        Boolean attachStdin,
        Boolean attachStdout,
        Boolean attachStderr,
        Map<String, Object> exposedPorts,
        Boolean tty,
        Boolean openStdin,
        Boolean stdinOnce,
        List<String> env,
        List<String> cmd,
        String image,
        Map<String, Object> volumes,
        String workingDir,
        List<String> entrypoint,
        List<String> onBuild,
        Map<String, String> labels,
        String stopSignal,
        Integer stopTimeout,
        List<String> shell) {

    public static final ContainerConfig EMPTY = new ContainerConfig(null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null, null);

    public boolean isTty() {
        return Boolean.TRUE.equals(tty);
    }

    public boolean isOpenStdin() {
        return Boolean.TRUE.equals(openStdin);
    }
}
