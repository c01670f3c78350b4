package berth.engine.network;

import berth.network.PortMapping;

import java.util.ArrayList;
import java.util.List;

/**
 * A running container's network namespace as netavark set it up, kept in the database so that a later daemon
 * (after a crash) can still tear it down: the namespace file, one link per network with the exact request netavark
 * was given, and the host ports published.
 */
public record Sandbox(String netns, List<Link> links, List<PortMapping> ports) {
    public Sandbox {
        links = List.copyOf(links);
        ports = List.copyOf(ports);
    }

    /** The container's interface on one network, and netavark's setup request for it. */
    public record Link(String networkId, String networkName, String interfaceName, String address, int prefixLength,
                       String gateway, String mac, List<String> aliases, byte[] request) {}

    public Sandbox withLink(Link link) {
        List<Link> all = new ArrayList<>(links);
        all.add(link);
        return new Sandbox(netns, all, ports);
    }

    public Sandbox without(String networkId) {
        return new Sandbox(netns, links.stream().filter(l -> !l.networkId().equals(networkId)).toList(), ports);
    }
}
