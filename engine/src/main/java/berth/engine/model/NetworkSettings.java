package berth.engine.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.Map;

/** A container's network view; with {@code none} and {@code host} networks (the only ones so far) it is nearly empty. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record NetworkSettings(Map<String, EndpointSettings> networks, Map<String, Object> ports) {

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record EndpointSettings(
            @JsonProperty("NetworkID") String networkId,
            @JsonProperty("EndpointID") String endpointId,
            String gateway,
            @JsonProperty("IPAddress") String ipAddress,
            @JsonProperty("IPPrefixLen") int ipPrefixLen,
            String macAddress) {}
}
