package berth.engine.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/** The body of {@code POST /containers/{id}/exec}; {@code ConsoleSize} is {@code [height, width]} for a TTY. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record ExecConfig(
        Boolean attachStdin,
        Boolean attachStdout,
        Boolean attachStderr,
        String detachKeys,
        Boolean tty,
        List<String> env,
        List<String> cmd,
        Boolean privileged,
        String user,
        String workingDir,
        List<Integer> consoleSize) {}
