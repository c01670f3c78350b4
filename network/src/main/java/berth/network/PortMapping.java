package berth.network;

import berth.oci.errors.InvalidArgument;

/**
 * One published port: {@code hostIp:hostPort → containerPort/protocol}, as netavark's {@code port_mappings} take
 * it and docker's {@code NetworkSettings.Ports} show it. An empty host IP means every address.
 */
public record PortMapping(String hostIp, int hostPort, int containerPort, String protocol) {

    public PortMapping {
        if (containerPort < 1 || containerPort > 65535) {
            throw new InvalidArgument("invalid port specification: \"" + containerPort + "\"");
        }
        if (hostPort < 0 || hostPort > 65535) {
            throw new InvalidArgument("invalid hostPort: " + hostPort);
        }
        if (!protocol.equals("tcp") && !protocol.equals("udp")) {
            throw new InvalidArgument("invalid proto: " + protocol);
        }
        hostIp = hostIp == null ? "" : hostIp;
        if (!hostIp.isEmpty() && !hostIp.equals("0.0.0.0")) {
            Ipv4Subnet.address(hostIp);
        }
    }

    /** Docker's key in {@code PortBindings} and {@code Ports}: {@code 80/tcp}. */
    public String key() {
        return containerPort + "/" + protocol;
    }

    /** The host address as docker shows it: {@code 0.0.0.0} for every address. */
    public String shownHostIp() {
        return hostIp.isEmpty() ? "0.0.0.0" : hostIp;
    }

    public PortMapping withHostPort(int port) {
        return new PortMapping(hostIp, port, containerPort, protocol);
    }

    /** Whether two mappings would take the same host port. */
    public boolean clashes(PortMapping other) {
        return hostPort == other.hostPort && protocol.equals(other.protocol)
                && (hostIp.isEmpty() || other.hostIp.isEmpty() || shownHostIp().equals(other.shownHostIp())
                    || hostIp.equals("0.0.0.0") || other.hostIp.equals("0.0.0.0"));
    }
}
