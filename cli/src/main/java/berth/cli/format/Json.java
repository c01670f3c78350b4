package berth.cli.format;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON as plain trees: objects are insertion-ordered {@code Map<String,Object>}, arrays
 * {@code List<Object>}, numbers {@code Long}/{@code BigInteger}/{@code Double}. The CLI reads
 * daemon answers generically (templates index them by name), so no data binding is needed; a
 * small reader of its own ({@link JsonReader}) keeps start-up cheap. Output follows Go's
 * encoding/json with HTML escaping off, as the docker CLI's {@code json} template function does.
 */
public final class Json {
    private Json() {}

    public static Object parse(String text) {
        return parse(text.getBytes(StandardCharsets.UTF_8));
    }

    public static Object parse(byte[] bytes) {
        try {
            return new JsonReader(bytes).next();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A reader of consecutive JSON values (events, pull progress): {@link Stream#next()} is null at end. */
    public static Stream stream(InputStream in) {
        return new JsonReader(in)::next;
    }

    /** Consecutive JSON values on one input. */
    public interface Stream {
        Object next() throws IOException;
    }

    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    /**
     * Writes one value. An instanceof chain, not a pattern switch: each pattern switch spins a
     * class through SwitchBootstraps when first run, which the AOT cache does not keep.
     */
    public static void write(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            quote(sb, s);
        } else if (v instanceof Boolean b) {
            sb.append(b);
        } else if (v instanceof Double d) {
            sb.append(formatDouble(d));
        } else if (v instanceof Float f) {
            sb.append(formatDouble(f));
        } else if (v instanceof Number n) {
            sb.append(n);
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (e.getValue() instanceof java.util.function.Function<?, ?>) {
                    continue; // a template method of a row (ps's .Label "key"), not data
                }
                if (!first) {
                    sb.append(',');
                }
                first = false;
                quote(sb, String.valueOf(e.getKey()));
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(sb, l.get(i));
            }
            sb.append(']');
        } else if (v instanceof Object[] a) {
            write(sb, List.of(a));
        } else if (v instanceof long[] a) {
            sb.append('[');
            for (int i = 0; i < a.length; i++) {
                sb.append(i > 0 ? "," : "").append(a[i]);
            }
            sb.append(']');
        } else {
            quote(sb, v.toString());
        }
    }

    /** Go prints whole floats without a fraction ("2", not "2.0"). */
    static String formatDouble(double d) {
        if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e21) {
            return wholeNumber(d);
        }
        return Double.toString(d);
    }

    /** A whole double's digits, without java.math.BigDecimal (its static initialiser costs ~20 ms at start-up). */
    private static String wholeNumber(double d) {
        if (Math.abs(d) < 0x1p63) {
            return Long.toString((long) d);
        }
        // from 2^63 on, a double is its 53-bit mantissa shifted left
        long bits = Double.doubleToRawLongBits(d);
        BigInteger m = BigInteger.valueOf(bits & 0xfffffffffffffL | 1L << 52).shiftLeft((int) (bits >>> 52 & 0x7ff) - 1075);
        return (d < 0 ? m.negate() : m).toString();
    }

    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Builds an ordered JSON object from alternating keys and values. */
    public static Map<String, Object> object(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Walks a path of object keys; null when any step is missing. */
    public static Object at(Object tree, String... path) {
        Object cur = tree;
        for (String k : path) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(k);
        }
        return cur;
    }

    public static String str(Object tree, String... path) {
        Object v = at(tree, path);
        return v == null ? "" : v instanceof Double d ? formatDouble(d) : v.toString();
    }

    public static long num(Object tree, String... path) {
        return at(tree, path) instanceof Number n ? n.longValue() : 0;
    }
}
