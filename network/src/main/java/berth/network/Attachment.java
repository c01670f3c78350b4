package berth.network;

import java.util.List;

/** One container interface on one network as netavark sets it up: {@code eth0} with its address and DNS names. */
public record Attachment(Network network, String interfaceName, String address, List<String> aliases, String mac) {
    public Attachment {
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        mac = mac == null ? "" : mac;
    }
}
