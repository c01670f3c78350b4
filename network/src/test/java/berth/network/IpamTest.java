package berth.network;

import berth.oci.errors.Conflict;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.Unavailable;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpamTest {
    private static Ipv4Subnet net(String cidr) {
        return Ipv4Subnet.parse(cidr);
    }

    private static long ip(String a) {
        return Ipv4Subnet.address(a);
    }

    @Test
    void subnetsParseAndRefuseHostBitsAndGarbage() {
        Ipv4Subnet s = net("10.89.0.0/16");
        assertEquals("10.89.0.0/16", s.toString());
        assertEquals(65536, s.size());
        assertEquals("10.89.255.255", Ipv4Subnet.format(s.last()));
        assertThrows(InvalidArgument.class, () -> net("10.89.0.1/16"));
        assertThrows(InvalidArgument.class, () -> net("10.89.0.0"));
        assertThrows(InvalidArgument.class, () -> net("10.256.0.0/16"));
        assertThrows(InvalidArgument.class, () -> net("10.1.0.0/x"));
        assertThrows(InvalidArgument.class, () -> net("10.1.0.0/31"));
        assertThrows(InvalidArgument.class, () -> Ipv4Subnet.address("1.2.3"));
    }

    @Test
    void overlapIsSymmetricAndContainmentCounts() {
        assertTrue(net("10.0.0.0/16").overlaps(net("10.0.3.0/24")));
        assertTrue(net("10.0.3.0/24").overlaps(net("10.0.0.0/16")));
        assertFalse(net("10.0.0.0/24").overlaps(net("10.0.1.0/24")));
        Conflict e = assertThrows(Conflict.class,
                () -> Ipam.refuseOverlap(net("10.0.3.0/24"), List.of(net("192.168.0.0/16"), net("10.0.0.0/16"))));
        assertTrue(e.getMessage().contains("10.0.3.0/24 overlaps 10.0.0.0/16"), e.getMessage());
        Ipam.refuseOverlap(net("10.1.0.0/24"), List.of(net("10.0.0.0/16")));
    }

    @Test
    void aFreeSubnetSkipsEveryTakenOne() {
        Ipv4Subnet pool = net("10.67.0.0/16");
        assertEquals("10.67.0.0/24", Ipam.freeSubnet(pool, 24, List.of()).toString());
        assertEquals("10.67.2.0/24", Ipam.freeSubnet(pool, 24,
                List.of(net("10.67.0.0/24"), net("10.67.1.128/25"))).toString());
        assertThrows(Unavailable.class, () -> Ipam.freeSubnet(net("10.67.0.0/23"), 24,
                List.of(net("10.67.0.0/16"))));
        assertThrows(InvalidArgument.class, () -> Ipam.freeSubnet(pool, 8, List.of()));
    }

    @Test
    void addressesSkipNetworkGatewayBroadcastAndLeases() {
        Ipv4Subnet s = net("10.5.0.0/29"); // .1-.6 usable
        long gw = ip("10.5.0.1");
        assertEquals(ip("10.5.0.2"), Ipam.freeAddress(s, Optional.empty(), gw, Set.of()));
        assertEquals(ip("10.5.0.4"), Ipam.freeAddress(s, Optional.empty(), gw, Set.of(ip("10.5.0.2"), ip("10.5.0.3"))));
        assertThrows(Unavailable.class, () -> Ipam.freeAddress(s, Optional.empty(), gw,
                Set.of(ip("10.5.0.2"), ip("10.5.0.3"), ip("10.5.0.4"), ip("10.5.0.5"), ip("10.5.0.6"))));
        // a gateway at the top, and a range in the upper half
        assertEquals(ip("10.5.0.4"), Ipam.freeAddress(s, Optional.of(net("10.5.0.4/30")), ip("10.5.0.6"), Set.of()));
    }

    @Test
    void aStaticAddressMustBeAFreeHostOfTheSubnet() {
        Ipv4Subnet s = net("10.5.0.0/24");
        long gw = ip("10.5.0.1");
        assertEquals(ip("10.5.0.9"), Ipam.staticAddress("10.5.0.9", s, gw, Set.of()));
        assertThrows(InvalidArgument.class, () -> Ipam.staticAddress("10.6.0.9", s, gw, Set.of()));
        assertThrows(InvalidArgument.class, () -> Ipam.staticAddress("10.5.0.255", s, gw, Set.of()));
        assertThrows(Conflict.class, () -> Ipam.staticAddress("10.5.0.1", s, gw, Set.of()));
        assertThrows(Conflict.class, () -> Ipam.staticAddress("10.5.0.9", s, gw, Set.of(ip("10.5.0.9"))));
    }
}
