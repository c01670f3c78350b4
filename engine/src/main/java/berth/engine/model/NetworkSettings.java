package berth.engine.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.Map;

/**
 * A container's network view, as docker's {@code NetworkSettings}: one endpoint per network, the published ports
 * ({@code "80/tcp" → [{HostIp, HostPort}]}, null for a port only exposed) and, as docker still sends them, the
 * first network's address fields at the top level.
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkSettings(
        String bridge,
        @JsonProperty("SandboxID") String sandboxId,
        String sandboxKey,
        Map<String, List<PortBinding>> ports,
        String gateway,
        @JsonProperty("IPAddress") String ipAddress,
        @JsonProperty("IPPrefixLen") int ipPrefixLen,
        String macAddress,
        Map<String, EndpointSettings> networks) {

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record PortBinding(String hostIp, String hostPort) {}

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record EndpointSettings(
            @JsonProperty("IPAMConfig") Map<String, String> ipamConfig,
            List<String> aliases,
            String macAddress,
            @JsonProperty("NetworkID") String networkId,
            @JsonProperty("EndpointID") String endpointId,
            String gateway,
            @JsonProperty("IPAddress") String ipAddress,
            @JsonProperty("IPPrefixLen") int ipPrefixLen,
            @JsonProperty("DNSNames") List<String> dnsNames) {}
}
