package berth.network;

import berth.oci.errors.InvalidArgument;

/**
 * An IPv4 network in CIDR form ({@code 10.89.0.0/16}); addresses are held as unsigned ints in a long. Parsing
 * refuses host bits set after the prefix, as docker does ({@code invalid subnet 10.1.2.3/16}).
 */
public record Ipv4Subnet(long base, int prefix) {

    public Ipv4Subnet {
        if (prefix < 1 || prefix > 30) {
            throw new InvalidArgument("invalid subnet prefix /" + prefix + ": Berth needs between /1 and /30");
        }
        if ((base & ~mask(prefix)) != 0) {
            throw new InvalidArgument("invalid subnet " + format(base) + "/" + prefix + ": host bits set");
        }
    }

    /** {@code a.b.c.d/n}; an address with host bits ({@code 10.1.2.3/16}) is refused. */
    public static Ipv4Subnet parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new InvalidArgument("invalid CIDR address: " + cidr);
        }
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new InvalidArgument("invalid CIDR address: " + cidr);
        }
        return new Ipv4Subnet(address(cidr.substring(0, slash)), prefix);
    }

    /** The subnet of prefix {@code prefix} that holds {@code address}. */
    public static Ipv4Subnet containing(long address, int prefix) {
        return new Ipv4Subnet(address & mask(prefix), prefix);
    }

    /** A dotted quad as an unsigned int; anything else is refused. */
    public static long address(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new InvalidArgument("invalid IPv4 address: " + text);
        }
        long value = 0;
        for (String part : parts) {
            if (!part.matches("\\d{1,3}")) {
                throw new InvalidArgument("invalid IPv4 address: " + text);
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new InvalidArgument("invalid IPv4 address: " + text);
            }
            value = value << 8 | octet;
        }
        return value;
    }

    public static String format(long address) {
        return (address >> 24 & 255) + "." + (address >> 16 & 255) + "." + (address >> 8 & 255) + "." + (address & 255);
    }

    static long mask(int prefix) {
        return (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    }

    public long size() {
        return 1L << (32 - prefix);
    }

    /** The broadcast address, the last of the subnet. */
    public long last() {
        return base + size() - 1;
    }

    public boolean contains(long address) {
        return address >= base && address <= last();
    }

    public boolean contains(Ipv4Subnet other) {
        return contains(other.base) && contains(other.last());
    }

    public boolean overlaps(Ipv4Subnet other) {
        return base <= other.last() && other.base <= last();
    }

    /** The first host address, which Berth makes the gateway unless told otherwise. */
    public long firstHost() {
        return base + 1;
    }

    @Override
    public String toString() {
        return format(base) + "/" + prefix;
    }
}
