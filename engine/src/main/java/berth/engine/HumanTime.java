package berth.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;

/** Times as docker prints them: RFC 3339 with nanoseconds in JSON, and go-units' human durations in status text. */
public final class HumanTime {
    /** Docker's never-set time. */
    public static final String ZERO = "0001-01-01T00:00:00Z";
    private static final DateTimeFormatter RFC3339_NANO = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd'T'HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .appendLiteral('Z')
            .toFormatter()
            .withZone(ZoneOffset.UTC);

    /** Go's RFC3339NanoFixed: always nine digits, so that timestamped log lines align. */
    private static final DateTimeFormatter RFC3339_NANO_FIXED = DateTimeFormatter
            .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private HumanTime() {}

    /** A log line's timestamp as {@code docker logs -t} prints it. */
    public static String rfc3339Fixed(Instant instant) {
        return RFC3339_NANO_FIXED.format(instant);
    }

    public static String rfc3339(Instant instant) {
        return instant == null ? ZERO : RFC3339_NANO.format(instant);
    }

    public static Instant parse(String text) {
        return text == null || text.equals(ZERO) ? null : Instant.parse(text);
    }

    /** go-units' HumanDuration: "Less than a second", "3 seconds", "About a minute", "2 hours", "5 days". */
    public static String duration(Duration d) {
        long seconds = d.toSeconds();
        if (seconds < 1) {
            return "Less than a second";
        }
        if (seconds == 1) {
            return "1 second";
        }
        if (seconds < 60) {
            return seconds + " seconds";
        }
        long minutes = d.toMinutes();
        if (minutes == 1) {
            return "About a minute";
        }
        if (minutes < 60) {
            return minutes + " minutes";
        }
        long hours = Math.round(d.toSeconds() / 3600.0);
        if (hours == 1) {
            return "About an hour";
        }
        if (hours < 48) {
            return hours + " hours";
        }
        if (hours < 24 * 7 * 2) {
            return hours / 24 + " days";
        }
        if (hours < 24 * 30 * 2) {
            return hours / 24 / 7 + " weeks";
        }
        if (hours < 24 * 365 * 2) {
            return hours / 24 / 30 + " months";
        }
        return hours / 24 / 365 + " years";
    }
}
