package berth.network;

import java.nio.file.Path;

/**
 * The daemon's network settings, as dockerd's {@code --bridge}, {@code --bip} and {@code --default-address-pool}:
 * the default network's bridge interface and subnet, and the pool user-defined networks take their subnets from.
 * Several engines on one host need different values here; the defaults avoid docker's and podman's.
 */
public record NetworkOptions(String bridgeName, Ipv4Subnet bridgeSubnet, long bridgeGateway, Ipv4Subnet pool,
                             int poolSize, Path netavark, int spares) {
    /** How many sandboxes on the default network are kept set up ahead for the next containers. */
    public static final int SPARES = 4;

    public static final Path NETAVARK = Path.of("/usr/lib/podman/netavark");

    public NetworkOptions {
        if (bridgeName.isEmpty() || bridgeName.length() > 15 || !bridgeName.matches("[a-zA-Z0-9_.-]+")) {
            throw new berth.oci.errors.InvalidArgument("invalid bridge name \"" + bridgeName
                    + "\": at most 15 letters, digits, '_', '.' or '-'");
        }
        if (!bridgeSubnet.contains(bridgeGateway) || bridgeGateway == bridgeSubnet.base()
                || bridgeGateway == bridgeSubnet.last()) {
            throw new berth.oci.errors.InvalidArgument("bridge address " + Ipv4Subnet.format(bridgeGateway)
                    + " is not a host address of " + bridgeSubnet);
        }
    }

    public static NetworkOptions defaults() {
        return new NetworkOptions("berth0", Ipv4Subnet.parse("10.66.0.0/16"), Ipv4Subnet.address("10.66.0.1"),
                Ipv4Subnet.parse("10.67.0.0/16"), 24, NETAVARK, SPARES);
    }

    /** {@code --bip 10.66.0.1/16}: the bridge's address and, by its prefix, the subnet. */
    public NetworkOptions withBip(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new berth.oci.errors.InvalidArgument("invalid --bip " + cidr + ": want ADDRESS/PREFIX");
        }
        long address = Ipv4Subnet.address(cidr.substring(0, slash));
        int prefix = Integer.parseInt(cidr.substring(slash + 1));
        return new NetworkOptions(bridgeName, Ipv4Subnet.containing(address, prefix), address, pool, poolSize, netavark,
                spares);
    }

    public NetworkOptions withBridge(String name) {
        return new NetworkOptions(name, bridgeSubnet, bridgeGateway, pool, poolSize, netavark, spares);
    }

    /** {@code --network-spares N}: 0 sets every sandbox up when its container starts. */
    public NetworkOptions withSpares(String text) {
        int count = text.matches("\\d{1,2}") ? Integer.parseInt(text) : -1;
        if (count < 0 || count > 64) {
            throw new berth.oci.errors.InvalidArgument("invalid --network-spares " + text + ": between 0 and 64");
        }
        return new NetworkOptions(bridgeName, bridgeSubnet, bridgeGateway, pool, poolSize, netavark, count);
    }

    /** {@code --default-address-pool base=10.67.0.0/16,size=24}. */
    public NetworkOptions withPool(String spec) {
        Ipv4Subnet base = null;
        int size = poolSize;
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? "" : part.substring(0, eq);
            String value = part.substring(eq + 1);
            switch (key) {
                case "base" -> base = Ipv4Subnet.parse(value);
                case "size" -> size = Integer.parseInt(value);
                default -> throw new berth.oci.errors.InvalidArgument("invalid --default-address-pool " + spec);
            }
        }
        if (base == null || size < base.prefix() || size > 30) {
            throw new berth.oci.errors.InvalidArgument("invalid --default-address-pool " + spec);
        }
        return new NetworkOptions(bridgeName, bridgeSubnet, bridgeGateway, base, size, netavark, spares);
    }
}
