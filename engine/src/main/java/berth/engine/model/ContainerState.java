package berth.engine.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** {@code State} of a container's inspect: its status and the facts of its last run. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record ContainerState(
        String status,
        boolean running,
        boolean paused,
        boolean restarting,
        @JsonProperty("OOMKilled") boolean oomKilled,
        boolean dead,
        int pid,
        int exitCode,
        String error,
        String startedAt,
        String finishedAt) {}
