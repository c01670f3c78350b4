package berth.network;

import berth.oci.errors.Conflict;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.Unavailable;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * Address management: which subnet a new network gets and which address a container gets on it. Pure functions
 * over what is taken; the engine keeps the leases in its database and hands them in.
 */
public final class Ipam {
    private Ipam() {}

    /**
     * The first subnet of {@code size} bits in {@code pool} that overlaps none of {@code taken} (the daemon's other
     * networks and the host's own routes and addresses).
     */
    public static Ipv4Subnet freeSubnet(Ipv4Subnet pool, int size, Collection<Ipv4Subnet> taken) {
        if (size < pool.prefix() || size > 30) {
            throw new InvalidArgument("invalid address pool size /" + size + " for " + pool);
        }
        long step = 1L << (32 - size);
        for (long base = pool.base(); base + step - 1 <= pool.last(); base += step) {
            Ipv4Subnet candidate = new Ipv4Subnet(base, size);
            if (taken.stream().noneMatch(candidate::overlaps)) {
                return candidate;
            }
        }
        throw new Unavailable("could not find an available, non-overlapping IPv4 address pool among the defaults to "
                + "assign to the network");
    }

    /** Refuses a subnet that overlaps one of {@code taken}, with docker's words. */
    public static void refuseOverlap(Ipv4Subnet subnet, Collection<Ipv4Subnet> taken) {
        for (Ipv4Subnet other : taken) {
            if (subnet.overlaps(other)) {
                throw new Conflict("Pool overlaps with other one on this address space: " + subnet + " overlaps "
                        + other);
            }
        }
    }

    /**
     * The lowest free host address in {@code range} (or the whole subnet), skipping the network, broadcast and
     * gateway addresses and those {@code used}.
     */
    public static long freeAddress(Ipv4Subnet subnet, Optional<Ipv4Subnet> range, long gateway, Set<Long> used) {
        Ipv4Subnet within = range.orElse(subnet);
        for (long a = Math.max(within.base(), subnet.base() + 1); a <= Math.min(within.last(), subnet.last() - 1); a++) {
            if (a != gateway && !used.contains(a)) {
                return a;
            }
        }
        throw new Unavailable("no available IPv4 addresses on this network's address pools: " + within);
    }

    /** Checks a static address asked for with {@code --ip}: inside the subnet, not special, not taken. */
    public static long staticAddress(String text, Ipv4Subnet subnet, long gateway, Set<Long> used) {
        long a = Ipv4Subnet.address(text);
        if (!subnet.contains(a) || a == subnet.base() || a == subnet.last()) {
            throw new InvalidArgument("invalid IPv4 address " + text + ": not a host address of subnet " + subnet);
        }
        if (a == gateway || used.contains(a)) {
            throw new Conflict("Address already in use: " + text);
        }
        return a;
    }
}
