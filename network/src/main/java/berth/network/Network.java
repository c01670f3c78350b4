package berth.network;

import java.util.Map;

/**
 * A bridge network as Berth keeps it: its identity, the Linux bridge that carries it, its IPv4 subnet, gateway
 * and the range containers are given addresses from, and whether it resolves container names (user-defined
 * networks do, docker's default {@code bridge} does not) or reaches the outside ({@code internal} does not).
 */
public record Network(String id, String name, String driver, String created, String interfaceName, String subnet,
                      String gateway, String ipRange, boolean internal, boolean dnsEnabled,
                      Map<String, String> labels, Map<String, String> options) {

    public Network {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public Ipv4Subnet ipv4Subnet() {
        return Ipv4Subnet.parse(subnet);
    }

    public long gatewayAddress() {
        return Ipv4Subnet.address(gateway);
    }

    public java.util.Optional<Ipv4Subnet> range() {
        return ipRange == null || ipRange.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(Ipv4Subnet.parse(ipRange));
    }
}
