package berth.oci.container;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * How a container joins one network ({@code NetworkingConfig.EndpointsConfig} of a create, the
 * {@code EndpointConfig} of a connect): its extra DNS names, a fixed address and MAC.
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record EndpointConfig(
        @JsonProperty("IPAMConfig") IpamConfig ipamConfig,
        List<String> aliases,
        String macAddress) {

    public static final EndpointConfig EMPTY = new EndpointConfig(null, null, null);

    /** {@code --ip}. */
    public record IpamConfig(@JsonProperty("IPv4Address") String ipv4Address) {}

    public String ipv4() {
        return ipamConfig == null || ipamConfig.ipv4Address() == null ? "" : ipamConfig.ipv4Address();
    }

    public List<String> aliasList() {
        return aliases == null ? List.of() : aliases;
    }

    public String mac() {
        return macAddress == null ? "" : macAddress;
    }
}
