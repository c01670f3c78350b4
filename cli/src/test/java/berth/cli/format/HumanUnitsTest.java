package berth.cli.format;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HumanUnitsTest {
    @Test
    void imageSizesUseThreeSignificantDecimalDigits() {
        assertEquals("4.26MB", HumanUnits.humanSize(4_261_376, 3));
        assertEquals("0B", HumanUnits.humanSize(0, 3));
        assertEquals("999B", HumanUnits.humanSize(999, 3));
        assertEquals("1kB", HumanUnits.humanSize(1000, 3));
        assertEquals("77.8MB", HumanUnits.humanSize(77_812_345, 3));
        assertEquals("1.23GB", HumanUnits.humanSize(1_234_567_890, 3));
        assertEquals("1.235GB", HumanUnits.humanSize(1_234_567_890));
    }

    @Test
    void significantDigitsMatchBigDecimalRounding() {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 20_000; i++) {
            double v = switch (i % 4) {
                case 0 -> random.nextDouble() * 1000;
                case 1 -> Math.round(random.nextDouble() * 100_000) / 100.0;
                case 2 -> Double.longBitsToDouble(random.nextLong() & Long.MAX_VALUE);
                default -> -random.nextInt(1_000_000) / 1024.0;
            };
            if (!Double.isFinite(v)) {
                continue;
            }
            for (int precision = 1; precision <= 5; precision++) {
                String expected = v == 0 ? "0" : new java.math.BigDecimal(v).round(new java.math.MathContext(precision)).stripTrailingZeros().toPlainString();
                assertEquals(expected, HumanUnits.formatG(v, precision), v + " to " + precision + " digits");
            }
        }
        assertEquals("1.063", HumanUnits.formatG(1.0625, 4));
        assertEquals("1000", HumanUnits.formatG(999.96, 4));
        assertEquals("0.000123", HumanUnits.formatG(0.000123, 4));
    }

    @Test
    void memoryFlagsAreBinary() {
        assertEquals(64L * 1024 * 1024, HumanUnits.ramInBytes("64m"));
        assertEquals(1L << 30, HumanUnits.ramInBytes("1g"));
        assertEquals(1L << 30, HumanUnits.ramInBytes("1GiB"));
        assertEquals(1L << 30, HumanUnits.ramInBytes("1GB"));
        assertEquals(512, HumanUnits.ramInBytes("512"));
        assertEquals(512, HumanUnits.ramInBytes("512b"));
        assertEquals(1536, HumanUnits.ramInBytes("1.5k"));
        assertEquals(1536L * 1024, HumanUnits.ramInBytes("1.5m"));
        assertEquals(64_000_000, HumanUnits.fromHumanSize("64MB"));
    }

    @Test
    void invalidSizesAreWordedAsGoUnits() {
        assertEquals("invalid suffix: 'x'", assertThrows(IllegalArgumentException.class, () -> HumanUnits.ramInBytes("64x")).getMessage());
        assertEquals("invalid size: 'abc'", assertThrows(IllegalArgumentException.class, () -> HumanUnits.ramInBytes("abc")).getMessage());
        assertEquals("invalid suffix: 'mx'", assertThrows(IllegalArgumentException.class, () -> HumanUnits.ramInBytes("1mx")).getMessage());
        assertEquals("invalid suffix: 'bb'", assertThrows(IllegalArgumentException.class, () -> HumanUnits.ramInBytes("1bb")).getMessage());
    }

    @Test
    void durationsRoundAsGoUnits() {
        assertEquals("Less than a second", HumanUnits.humanDuration(Duration.ofMillis(999)));
        assertEquals("1 second", HumanUnits.humanDuration(Duration.ofSeconds(1)));
        assertEquals("3 seconds", HumanUnits.humanDuration(Duration.ofSeconds(3)));
        assertEquals("59 seconds", HumanUnits.humanDuration(Duration.ofSeconds(59)));
        assertEquals("About a minute", HumanUnits.humanDuration(Duration.ofSeconds(60)));
        assertEquals("About a minute", HumanUnits.humanDuration(Duration.ofSeconds(119)));
        assertEquals("2 minutes", HumanUnits.humanDuration(Duration.ofSeconds(120)));
        assertEquals("59 minutes", HumanUnits.humanDuration(Duration.ofMinutes(59)));
        assertEquals("About an hour", HumanUnits.humanDuration(Duration.ofMinutes(89)));
        assertEquals("2 hours", HumanUnits.humanDuration(Duration.ofMinutes(90)));
        assertEquals("47 hours", HumanUnits.humanDuration(Duration.ofHours(47)));
        assertEquals("2 days", HumanUnits.humanDuration(Duration.ofHours(48)));
        assertEquals("2 weeks", HumanUnits.humanDuration(Duration.ofDays(14)));
        assertEquals("2 months", HumanUnits.humanDuration(Duration.ofDays(60)));
        assertEquals("2 years", HumanUnits.humanDuration(Duration.ofDays(731)));
    }

    @Test
    void agoAddsTheSuffix() {
        assertEquals("3 seconds ago", HumanUnits.ago(100, 103_500));
    }
}
