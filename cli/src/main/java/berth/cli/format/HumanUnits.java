package berth.cli.format;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Locale;

/**
 * Sizes and durations written and read as docker does (its go-units library): decimal sizes
 * for images ({@code 4.26MB}), binary sizes for memory flags ({@code 64m} = 64 MiB), and the
 * rounded durations of {@code ps} ("About a minute", "3 seconds").
 */
public final class HumanUnits {
    private static final String[] DECIMAL = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
    private static final String[] BINARY = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};

    private HumanUnits() {}

    /** go-units HumanSize: 4 significant digits, decimal units ({@code 4.26MB}, {@code 1.2kB}). */
    public static String humanSize(double size) {
        return humanSize(size, 4);
    }

    public static String humanSize(double size, int precision) {
        int i = 0;
        while (size >= 1000 && i < DECIMAL.length - 1) {
            size /= 1000;
            i++;
        }
        return formatG(size, precision) + DECIMAL[i];
    }

    /** go-units BytesSize: binary units with two decimals ({@code 1.5GiB}). */
    public static String bytesSize(double size) {
        int i = 0;
        while (size >= 1024 && i < BINARY.length - 1) {
            size /= 1024;
            i++;
        }
        return formatG(size, 4) + BINARY[i];
    }

    /**
     * Go's {@code %.Ng}: N significant digits of the double's exact value, rounded half up (as
     * {@code BigDecimal.round} did here before), trailing zeros dropped. It does not use
     * java.math.BigDecimal: that class's static initialiser squares 5^(2^n) up to n = 16, ~20 ms
     * of interpreted work on every {@code berth images}.
     */
    static String formatG(double v, int precision) {
        if (v == 0) {
            return "0";
        }
        if (!Double.isFinite(v)) {
            throw new NumberFormatException("Infinite or NaN");
        }
        // v = ±m·2^e exactly, which is the decimal digits of m·5^-e with -e places after the point when e < 0
        long bits = Double.doubleToRawLongBits(v);
        int e = (int) (bits >>> 52 & 0x7ff);
        long m = bits & 0xfffffffffffffL;
        if (e == 0) {
            e = 1;
        } else {
            m |= 1L << 52;
        }
        e -= 1075;
        int zeros = Long.numberOfTrailingZeros(m);
        m >>= zeros;
        e += zeros;
        BigInteger exact = e >= 0 ? BigInteger.valueOf(m).shiftLeft(e) : BigInteger.valueOf(m).multiply(BigInteger.valueOf(5).pow(-e));
        String digits = exact.toString();
        int exponent = Math.min(e, 0);
        if (digits.length() > precision) {
            boolean up = digits.charAt(precision) >= '5';
            exponent += digits.length() - precision;
            digits = digits.substring(0, precision);
            if (up) {
                digits = new BigInteger(digits).add(BigInteger.ONE).toString();
            }
        }
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
            exponent++;
        }
        digits = digits.substring(0, end);
        String plain;
        if (exponent >= 0) {
            plain = digits + "0".repeat(exponent);
        } else if (digits.length() + exponent > 0) {
            int point = digits.length() + exponent;
            plain = digits.substring(0, point) + "." + digits.substring(point);
        } else {
            plain = "0." + "0".repeat(-exponent - digits.length()) + digits;
        }
        return v < 0 ? "-" + plain : plain;
    }

    /**
     * go-units RAMInBytes: a number with an optional binary suffix (b, k, m, g, t, p, with an
     * optional trailing b or ib), case-insensitive: {@code 64m} is 64 MiB.
     */
    public static long ramInBytes(String s) {
        return parseSize(s, 1024);
    }

    /** go-units FromHumanSize: the same syntax with decimal multipliers. */
    public static long fromHumanSize(String s) {
        return parseSize(s, 1000);
    }

    /** A port of go-units parseSize, messages included. */
    private static long parseSize(String sizeStr, long base) {
        int sep = -1;
        for (int i = sizeStr.length() - 1; i >= 0; i--) {
            char c = sizeStr.charAt(i);
            if ((c >= '0' && c <= '9') || c == '.' || c == ' ') {
                sep = i;
                break;
            }
        }
        if (sep == -1) {
            throw new IllegalArgumentException("invalid size: '" + sizeStr + "'");
        }
        String num = sizeStr.charAt(sep) != ' ' ? sizeStr.substring(0, sep + 1) : sizeStr.substring(0, sep);
        String sfx = sizeStr.substring(sep + 1);
        double size;
        try {
            if (num.isEmpty() || !num.matches("[+-]?[0-9.]+([eE][+-]?[0-9]+)?")) {
                throw new NumberFormatException();
            }
            size = Double.parseDouble(num);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("strconv.ParseFloat: parsing \"" + num + "\": invalid syntax");
        }
        if (size < 0) {
            throw new IllegalArgumentException("invalid size: '" + sizeStr + "'");
        }
        if (sfx.isEmpty()) {
            return (long) size;
        }
        if (sfx.length() > 3) {
            throw new IllegalArgumentException("invalid suffix: '" + sfx + "'");
        }
        sfx = sfx.toLowerCase(Locale.ROOT);
        if (sfx.charAt(0) == 'b') {
            if (sfx.length() > 1) {
                throw new IllegalArgumentException("invalid suffix: '" + sfx + "'");
            }
            return (long) size;
        }
        int exp = "kmgtp".indexOf(sfx.charAt(0)) + 1;
        if (exp == 0) {
            throw new IllegalArgumentException("invalid suffix: '" + sfx + "'");
        }
        size *= Math.pow(base, exp);
        if ((sfx.length() == 2 && sfx.charAt(1) != 'b') || (sfx.length() == 3 && !sfx.substring(1).equals("ib"))) {
            throw new IllegalArgumentException("invalid suffix: '" + sfx + "'");
        }
        return (long) size;
    }

    /**
     * go-units HumanDuration: "Less than a second", "1 second", "N seconds", "About a minute",
     * "N minutes", "About an hour", "N hours", "N days", "N weeks", "N months", "N years".
     */
    public static String humanDuration(Duration d) {
        long seconds = d.toSeconds();
        if (seconds < 1) {
            return "Less than a second";
        } else if (seconds == 1) {
            return "1 second";
        } else if (seconds < 60) {
            return seconds + " seconds";
        }
        double minutes = d.toNanos() / 60e9;
        long m = (long) minutes;
        if (m == 1) {
            return "About a minute";
        } else if (m < 60) {
            return m + " minutes";
        }
        double hoursF = d.toNanos() / 3600e9;
        long hours = Math.round(hoursF);
        if (hours == 1) {
            return "About an hour";
        } else if (hours < 48) {
            return hours + " hours";
        } else if (hours < 24 * 7 * 2) {
            return hours / 24 + " days";
        } else if (hours < 24 * 30 * 2) {
            return hours / 24 / 7 + " weeks";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 / 30 + " months";
        }
        return (long) (hoursF / 24 / 365) + " years";
    }

    /** "3 seconds ago", the CREATED column of ps and images. */
    public static String ago(long unixSeconds, long nowMillis) {
        Duration d = Duration.ofMillis(Math.max(0, nowMillis - unixSeconds * 1000));
        return humanDuration(d) + " ago";
    }
}
