package berth.network;

import berth.oci.container.HostConfig;
import berth.oci.errors.InvalidArgument;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A port a container asks to publish: a container port and protocol, a host address, and the host ports it may
 * take ({@code low..high}; 0..0 means any free one). Read from docker's {@code PortBindings} and, with
 * {@code PublishAllPorts} ({@code -P}), from the exposed ports that have no binding.
 */
public record PortRequest(String hostIp, int hostLow, int hostHigh, int containerPort, String protocol) {

    /** The requests of a container; a malformed key or host port is refused with docker's words. */
    public static List<PortRequest> of(Map<String, List<HostConfig.PortBinding>> bindings, boolean publishAll,
                                       Map<String, Object> exposed) {
        List<PortRequest> requests = new ArrayList<>();
        if (bindings != null) {
            for (var entry : bindings.entrySet()) {
                String[] key = key(entry.getKey());
                int containerPort = port(key[0], entry.getKey());
                List<HostConfig.PortBinding> list = entry.getValue() == null || entry.getValue().isEmpty()
                        ? List.of(new HostConfig.PortBinding("", "")) : entry.getValue();
                for (HostConfig.PortBinding b : list) {
                    String hostPort = b.hostPort() == null ? "" : b.hostPort();
                    int low = 0;
                    int high = 0;
                    if (!hostPort.isEmpty()) {
                        int dash = hostPort.indexOf('-');
                        low = port(dash < 0 ? hostPort : hostPort.substring(0, dash), hostPort, true);
                        high = dash < 0 ? low : port(hostPort.substring(dash + 1), hostPort, true);
                        if (high < low) {
                            throw new InvalidArgument("invalid hostPort: " + hostPort);
                        }
                    }
                    String ip = b.hostIp() == null ? "" : b.hostIp();
                    if (!ip.isEmpty() && !ip.equals("0.0.0.0")) {
                        if (ip.contains(":")) {
                            throw new InvalidArgument("invalid host IP " + ip + ": Berth publishes IPv4 ports only");
                        }
                        Ipv4Subnet.address(ip);
                    }
                    requests.add(new PortRequest(ip, low, high, containerPort, key[1]));
                }
            }
        }
        if (publishAll && exposed != null) {
            for (String k : exposed.keySet()) {
                String[] key = key(k);
                int containerPort = port(key[0], k);
                boolean bound = requests.stream().anyMatch(r -> r.containerPort == containerPort
                        && r.protocol.equals(key[1]));
                if (!bound) {
                    requests.add(new PortRequest("", 0, 0, containerPort, key[1]));
                }
            }
        }
        return requests;
    }

    private static String[] key(String key) {
        int slash = key.indexOf('/');
        String proto = slash < 0 ? "tcp" : key.substring(slash + 1).toLowerCase(java.util.Locale.ROOT);
        if (!proto.equals("tcp") && !proto.equals("udp")) {
            throw new InvalidArgument("invalid proto: " + proto);
        }
        return new String[] {slash < 0 ? key : key.substring(0, slash), proto};
    }

    private static int port(String text, String whole) {
        return port(text, whole, false);
    }

    private static int port(String text, String whole, boolean host) {
        try {
            int p = Integer.parseInt(text);
            if (p < (host ? 0 : 1) || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new InvalidArgument(host ? "invalid hostPort: " + whole : "invalid port specification: \"" + whole + "\"");
        }
    }

    public boolean anyHostPort() {
        return hostLow == 0;
    }
}
