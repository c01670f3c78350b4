package berth.network;

import berth.oci.container.HostConfig.PortBinding;
import berth.oci.errors.InvalidArgument;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PortRequestTest {

    @Test
    void bindingsBecomeRequests() {
        Map<String, List<PortBinding>> bindings = new LinkedHashMap<>();
        bindings.put("80/tcp", List.of(new PortBinding("", "8080"), new PortBinding("127.0.0.1", "")));
        bindings.put("53/udp", List.of(new PortBinding("0.0.0.0", "5300-5310")));
        bindings.put("443", null);
        List<PortRequest> r = PortRequest.of(bindings, false, null);
        assertEquals(List.of(new PortRequest("", 8080, 8080, 80, "tcp"), new PortRequest("127.0.0.1", 0, 0, 80, "tcp"),
                new PortRequest("0.0.0.0", 5300, 5310, 53, "udp"), new PortRequest("", 0, 0, 443, "tcp")), r);
        assertTrue(r.get(1).anyHostPort());
        assertFalse(r.get(0).anyHostPort());
    }

    @Test
    void publishAllAddsTheExposedPortsWithoutABinding() {
        Map<String, List<PortBinding>> bindings = Map.of("80/tcp", List.of(new PortBinding("", "8080")));
        Map<String, Object> exposed = new LinkedHashMap<>();
        exposed.put("80/tcp", Map.of());
        exposed.put("9000/udp", Map.of());
        List<PortRequest> r = PortRequest.of(bindings, true, exposed);
        assertEquals(List.of(new PortRequest("", 8080, 8080, 80, "tcp"), new PortRequest("", 0, 0, 9000, "udp")), r);
        assertEquals(List.of(), PortRequest.of(null, false, exposed));
    }

    @Test
    void malformedBindingsAreRefused() {
        assertThrows(InvalidArgument.class, () -> PortRequest.of(Map.of("eighty/tcp", List.of()), false, null));
        assertThrows(InvalidArgument.class, () -> PortRequest.of(Map.of("80/sctp", List.of()), false, null));
        assertThrows(InvalidArgument.class, () -> PortRequest.of(Map.of("0/tcp", List.of()), false, null));
        assertThrows(InvalidArgument.class, () -> PortRequest.of(Map.of("80/tcp",
                List.of(new PortBinding("", "70000"))), false, null));
        assertThrows(InvalidArgument.class, () -> PortRequest.of(Map.of("80/tcp",
                List.of(new PortBinding("", "9000-8000"))), false, null));
        assertThrows(InvalidArgument.class, () -> PortRequest.of(Map.of("80/tcp",
                List.of(new PortBinding("localhost", "80"))), false, null));
        assertThrows(InvalidArgument.class, () -> PortRequest.of(Map.of("80/tcp",
                List.of(new PortBinding("::1", "80"))), false, null));
    }

    @Test
    void mappingsClashOnTheSamePortAndProtocolUnlessBothNameDifferentAddresses() {
        PortMapping all = new PortMapping("", 8080, 80, "tcp");
        assertTrue(all.clashes(new PortMapping("127.0.0.1", 8080, 81, "tcp")));
        assertFalse(all.clashes(new PortMapping("", 8080, 80, "udp")));
        assertFalse(all.clashes(new PortMapping("", 8081, 80, "tcp")));
        assertFalse(new PortMapping("127.0.0.1", 8080, 80, "tcp").clashes(new PortMapping("127.0.0.2", 8080, 80, "tcp")));
        assertEquals("80/tcp", all.key());
        assertEquals("0.0.0.0", all.shownHostIp());
    }
}
