package berth.registry.client;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The daemon's registry settings, as dockerd's: registries spoken to over plain HTTP ({@code insecure-registries}:
 * {@code host:port}, {@code host} or a CIDR; loopback addresses always are), mirrors tried before Docker Hub, where
 * the per-registry certificates live ({@code <certsDir>/<host:port>/ca.crt}, {@code client.cert},
 * {@code client.key}) and how many layers move at once.
 */
public record RegistryConfig(List<String> insecureRegistries, List<URI> mirrors, Path certsDir,
                             int maxConcurrentDownloads, int maxConcurrentUploads) {
    public static final Path DOCKER_CERTS = Path.of("/etc/docker/certs.d");
    public static final RegistryConfig DEFAULT = new RegistryConfig(List.of(), List.of(), DOCKER_CERTS, 3, 5);

    public RegistryConfig {
        insecureRegistries = List.copyOf(insecureRegistries);
        mirrors = List.copyOf(mirrors);
        if (maxConcurrentDownloads < 1 || maxConcurrentUploads < 1) {
            throw new IllegalArgumentException("concurrent transfers must be at least 1");
        }
    }

    /** Whether {@code host} ({@code name[:port]}) is spoken to over plain HTTP. */
    public boolean insecure(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        String name = hostName(lower);
        if (name.equals("localhost")) {
            return true;
        }
        for (String entry : insecureRegistries) {
            String e = entry.toLowerCase(Locale.ROOT).replaceFirst("^https?://", "").replaceAll("/+$", "");
            if (e.equals(lower) || e.equals(name) || (e.contains("/") && inCidr(name, e))) {
                return true;
            }
        }
        return isLoopbackLiteral(name);
    }

    static String hostName(String host) {
        if (host.startsWith("[")) {
            return host.substring(1, host.indexOf(']'));
        }
        int colon = host.lastIndexOf(':');
        return colon > 0 ? host.substring(0, colon) : host;
    }

    private static boolean isLoopbackLiteral(String name) {
        if (!name.matches("[0-9.]+|[0-9a-f:]+")) {
            return false; // never resolve a name just to decide this
        }
        try {
            return InetAddress.getByName(name).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean inCidr(String name, String cidr) {
        if (!name.matches("[0-9.]+|[0-9a-f:]+")) {
            return false;
        }
        try {
            int slash = cidr.indexOf('/');
            byte[] net = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
            byte[] addr = InetAddress.getByName(name).getAddress();
            int bits = Integer.parseInt(cidr.substring(slash + 1));
            if (net.length != addr.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((net[i / 8] & mask) != (addr[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException | NumberFormatException e) {
            return false;
        }
    }
}
