package berth.engine.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** {@code GET /exec/{id}/json}: the CLI polls it after the stream ends for the exit code. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record ExecInspect(
        @JsonProperty("ID") String id,
        boolean running,
        Integer exitCode,
        boolean openStdin,
        boolean openStderr,
        boolean openStdout,
        @JsonProperty("ContainerID") String containerId,
        int pid,
        ProcessConfig processConfig) {

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record ProcessConfig(boolean tty, String entrypoint, java.util.List<String> arguments, boolean privileged, String user) {}
}
