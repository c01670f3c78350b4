package berth.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The time query parameters of logs and events: unix seconds with an optional fraction
 * ({@code 1700000000.123456789}), as the docker CLI sends them; RFC 3339 is accepted too.
 */
final class UnixTime {
    private UnixTime() {}

    /** Nanoseconds since the epoch, or null when absent or empty. */
    static Long parseNanos(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        try {
            int dot = v.indexOf('.');
            String seconds = dot < 0 ? v : v.substring(0, dot);
            long nanos = 0;
            if (dot >= 0) {
                String fraction = v.substring(dot + 1);
                if (fraction.isEmpty() || fraction.length() > 9 || !fraction.chars().allMatch(Character::isDigit)) {
                    throw new NumberFormatException(fraction);
                }
                nanos = Long.parseLong((fraction + "000000000").substring(0, 9));
            }
            return Math.multiplyExact(Long.parseLong(seconds), 1_000_000_000L) + nanos;
        } catch (NumberFormatException | ArithmeticException e) {
            try {
                Instant t = Instant.parse(v);
                return t.getEpochSecond() * 1_000_000_000L + t.getNano();
            } catch (DateTimeParseException notRfc3339) {
                throw HttpError.badRequest("invalid time value: " + value);
            }
        }
    }

    /** As {@link #parseNanos}, with absent meaning 0 (open), as logs take it. */
    static long parseNanosOrZero(String value) {
        Long nanos = parseNanos(value);
        return nanos == null ? 0 : nanos;
    }
}
