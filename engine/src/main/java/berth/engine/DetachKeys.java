package berth.engine;

import berth.oci.errors.InvalidArgument;

import java.io.ByteArrayOutputStream;

/**
 * The key sequence that detaches a client from a container ({@code --detach-keys}, default
 * {@code ctrl-p,ctrl-q}): a comma-separated list of {@code ctrl-<key>} or single characters, as docker parses it.
 * Bytes of a sequence that does not complete are passed on.
 */
final class DetachKeys {
    private static final String DEFAULT = "ctrl-p,ctrl-q";
    private final byte[] keys;
    private int matched;

    private DetachKeys(byte[] keys) {
        this.keys = keys;
    }

    static DetachKeys parse(String spec) {
        String text = spec == null || spec.isEmpty() ? DEFAULT : spec;
        String[] parts = text.split(",");
        byte[] keys = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            keys[i] = key(parts[i], text);
        }
        return new DetachKeys(keys);
    }

    private static byte key(String part, String spec) {
        if (part.length() == 1) {
            return (byte) part.charAt(0);
        }
        if (part.startsWith("ctrl-") && part.length() == 6) {
            char c = Character.toLowerCase(part.charAt(5));
            if (c >= 'a' && c <= 'z') {
                return (byte) (c - 'a' + 1);
            }
            switch (c) {
                case '@': return 0;
                case '[': return 27;
                case '\\': return 28;
                case ']': return 29;
                case '^': return 30;
                case '_': return 31;
                default: break;
            }
        }
        throw new InvalidArgument("Invalid detach keys (" + spec + ") provided");
    }

    /** What to forward to the container, and whether the sequence completed. */
    record Scan(byte[] forward, boolean detached) {}

    Scan scan(byte[] data, int offset, int length) {
        ByteArrayOutputStream forward = new ByteArrayOutputStream(length);
        for (int i = offset; i < offset + length; i++) {
            byte b = data[i];
            if (b == keys[matched]) {
                matched++;
                if (matched == keys.length) {
                    matched = 0;
                    return new Scan(forward.toByteArray(), true);
                }
                continue;
            }
            if (matched > 0) {
                forward.write(keys, 0, matched);
                matched = 0;
                if (b == keys[0]) {
                    // The byte that broke one sequence may begin the next (ctrl-p ctrl-p ctrl-q detaches).
                    matched = 1;
                    continue;
                }
            }
            forward.write(b);
        }
        return new Scan(forward.toByteArray(), false);
    }
}
