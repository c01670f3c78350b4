package berth.registry.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a registry server runs.
 *
 * @param address        {@code host:port} to listen on ({@code :port} for every interface, port 0 for any free one)
 * @param root           the registry's directory (see {@link RegistryLayout})
 * @param htpasswd       users who may log in (bcrypt htpasswd file), or null for anonymous access
 * @param tlsCertificate the server's certificate chain (PEM), or null to serve plain HTTP
 * @param tlsKey         its private key (PEM, PKCS#8), given with the certificate
 * @param deleteEnabled  whether manifests, tags and blobs may be deleted (distribution's {@code delete.enabled})
 * @param gcInterval     how often garbage is collected while serving; zero never
 * @param gcGrace        how long an unreferenced blob is kept after it was last pushed or checked
 */
public record RegistryConfig(String address, Path root, Path htpasswd, Path tlsCertificate, Path tlsKey,
                             boolean deleteEnabled, Duration gcInterval, Duration gcGrace) {
    public static final Duration DEFAULT_GC_GRACE = Duration.ofHours(1);
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    public RegistryConfig {
        if ((tlsCertificate == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("TLS needs both a certificate and a key");
        }
        if (gcInterval.isNegative() || gcGrace.isNegative()) {
            throw new IllegalArgumentException("durations cannot be negative");
        }
    }

    /** A plain, anonymous registry with deletes enabled and no periodic collection. */
    public static RegistryConfig of(String address, Path root) {
        return new RegistryConfig(address, root, null, null, null, true, Duration.ZERO, DEFAULT_GC_GRACE);
    }

    /** Parses a duration as Go writes them: {@code 90s}, {@code 10m}, {@code 1h30m}, {@code 0}. */
    public static Duration parseDuration(String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION_PART.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            end = m.end();
        }
        if (end == 0 || end != text.length()) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\" (expected e.g. 90s, 10m, 1h30m)");
        }
        return total;
    }
}
