package berth.oci;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import berth.oci.errors.InvalidArgument;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A content digest, {@code sha256:<64 hex>}: the name of every blob, layer, config and image. */
public record Digest(String algorithm, String hex) {
    private static final Pattern SHA256_HEX = Pattern.compile("[a-f0-9]{64}");

    public Digest {
        if (!"sha256".equals(algorithm)) {
            throw new InvalidArgument("unsupported digest algorithm: " + algorithm);
        }
        if (!SHA256_HEX.matcher(hex).matches()) {
            throw new InvalidArgument("invalid checksum digest format: " + algorithm + ":" + hex);
        }
    }

    @JsonCreator
    public static Digest parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new InvalidArgument("invalid checksum digest format: " + text);
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    public static Digest sha256(byte[] data) {
        return ofSha256(newSha256().digest(data));
    }

    /** The digest a finished {@link #newSha256()} hasher gives. */
    public static Digest ofSha256(byte[] hash) {
        return new Digest("sha256", HexFormat.of().formatHex(hash));
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /** The first 12 hex digits, as docker prints short ids. */
    public String shortHex() {
        return hex.substring(0, 12);
    }

    @JsonValue
    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
