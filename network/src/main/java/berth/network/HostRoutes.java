package berth.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The IPv4 subnets the host already routes (its own interfaces, other engines' bridges): a new network must not
 * overlap them, as docker checks before it picks a pool.
 */
public final class HostRoutes {
    private HostRoutes() {}

    public static List<Ipv4Subnet> subnets() {
        List<Ipv4Subnet> subnets = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/route"));
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 8) {
                    continue;
                }
                long destination = swap(Long.parseLong(f[1], 16));
                long mask = swap(Long.parseLong(f[7], 16));
                int prefix = Long.bitCount(mask);
                if (prefix > 0 && prefix <= 30) {
                    subnets.add(Ipv4Subnet.containing(destination, prefix));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no routing table to read: nothing known to avoid
        }
        return subnets;
    }

    /** /proc/net/route prints addresses in the host's (little-endian) byte order. */
    private static long swap(long v) {
        return (v & 0xFF) << 24 | (v >> 8 & 0xFF) << 16 | (v >> 16 & 0xFF) << 8 | (v >> 24 & 0xFF);
    }
}
