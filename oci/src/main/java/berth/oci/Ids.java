package berth.oci;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Object ids as docker makes them: 64 random hex digits, printed as their first 12. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    public static String newId() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    public static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
