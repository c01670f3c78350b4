package berth.engine.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** The answer to {@code POST /containers/{id}/wait}: the exit status, and an error when waiting failed. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record WaitResponse(int statusCode, WaitError error) {
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record WaitError(String message) {}
}
