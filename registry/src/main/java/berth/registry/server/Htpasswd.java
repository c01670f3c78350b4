package berth.registry.server;

import at.favre.lib.crypto.bcrypt.BCrypt;
import berth.oci.Digest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Users and their bcrypt password hashes from an htpasswd file, as {@code htpasswd -B} writes it
 * ({@code user:$2y$05$…}), checked against HTTP basic credentials. Only bcrypt entries are accepted, as
 * distribution does: the older schemes are too weak to guard a registry.
 */
public final class Htpasswd {
    private final Map<String, byte[]> hashes;
    // bcrypt is slow on purpose, and clients send their credentials with every request: an Authorization value
    // that checked once is remembered by its sha256, never in clear.
    private final Set<Digest> verified = ConcurrentHashMap.newKeySet();

    private Htpasswd(Map<String, byte[]> hashes) {
        this.hashes = hashes;
    }

    /** Reads an htpasswd file; fails naming the line that is not {@code user:bcrypt-hash}. */
    public static Htpasswd read(Path file) {
        Map<String, byte[]> hashes = new HashMap<>();
        try {
            int number = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int colon = line.indexOf(':');
                String hash = colon < 0 ? "" : line.substring(colon + 1).strip();
                if (colon <= 0 || !(hash.startsWith("$2y$") || hash.startsWith("$2a$") || hash.startsWith("$2b$"))) {
                    throw new IllegalArgumentException(file + " line " + number
                            + ": expected user:bcrypt-hash (made by htpasswd -B)");
                }
                hashes.put(line.substring(0, colon), hash.getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return new Htpasswd(Map.copyOf(hashes));
    }

    /** Whether an {@code Authorization} header value carries the basic credentials of a user of the file. */
    public boolean allows(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        Digest key = Digest.sha256(authorization.getBytes(StandardCharsets.UTF_8));
        if (verified.contains(key)) {
            return true;
        }
        String credentials;
        try {
            credentials = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = credentials.indexOf(':');
        if (colon < 0) {
            return false;
        }
        byte[] hash = hashes.get(credentials.substring(0, colon));
        if (hash == null) {
            return false;
        }
        byte[] password = credentials.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
        if (!BCrypt.verifyer().verify(password, hash).verified) {
            return false;
        }
        verified.add(key);
        return true;
    }
}
