package berth.engine.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** One item of a container's {@code Mounts} in inspect and list; a bind has no Name nor Driver. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record MountView(
        String type,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String name,
        String source,
        String destination,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String driver,
        String mode,
        @JsonProperty("RW") boolean rw,
        String propagation) {}
