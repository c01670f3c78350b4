package berth.engine.network;

import berth.network.PortMapping;

import java.util.ArrayList;
import java.util.List;

/**
 * A running container's network namespace as netavark set it up, kept in the database so that a later daemon
 * (after a crash) can still tear it down: the namespace file, one link per network with the exact request netavark
 * was given, and the host ports published. A spare one was set up ahead on the default network for the next
 * container that needs nothing more (no published port, no fixed address), so its start does not wait for netavark.
 */
public record Sandbox(String netns, List<Link> links, List<PortMapping> ports, boolean spare) {
    public Sandbox {
        links = List.copyOf(links);
        ports = List.copyOf(ports);
    }

    /** The container's interface on one network, and netavark's setup request for it. */
    public record Link(String networkId, String networkName, String interfaceName, String address, int prefixLength,
                       String gateway, String mac, List<String> aliases, byte[] request) {
        /** Whether this link was made for {@code n} as it is now (the default network's subnet may have changed). */
        public boolean subnetMatches(berth.network.Network n) {
            return n.gateway().equals(gateway) && n.ipv4Subnet().prefix() == prefixLength
                    && n.ipv4Subnet().contains(berth.network.Ipv4Subnet.address(address));
        }
    }

    public Sandbox withLink(Link link) {
        List<Link> all = new ArrayList<>(links);
        all.add(link);
        return new Sandbox(netns, all, ports, spare);
    }

    public Sandbox without(String networkId) {
        return new Sandbox(netns, links.stream().filter(l -> !l.networkId().equals(networkId)).toList(), ports, spare);
    }

    public Sandbox asSpare(boolean isSpare) {
        return new Sandbox(netns, links, ports, isSpare);
    }
}
