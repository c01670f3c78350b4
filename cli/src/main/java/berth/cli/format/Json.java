package berth.cli.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON as plain trees: objects are insertion-ordered {@code Map<String,Object>}, arrays
 * {@code List<Object>}, numbers {@code Long}/{@code BigInteger}/{@code Double}. The CLI reads
 * daemon answers generically (templates index them by name), so no data binding is needed; the
 * streaming parser of jackson-core keeps start-up cheap. Output follows Go's encoding/json with
 * HTML escaping off, as the docker CLI's {@code json} template function does.
 */
public final class Json {
    private static JsonFactory factory;

    private Json() {}

    private static JsonFactory factory() {
        if (factory == null) {
            factory = new JsonFactory();
        }
        return factory;
    }

    public static Object parse(String text) {
        try (JsonParser p = factory().createParser(text)) {
            return parseOne(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Object parse(byte[] bytes) {
        try (JsonParser p = factory().createParser(bytes)) {
            return parseOne(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A reader of consecutive JSON values (events, pull progress): {@link Stream#next()} is null at end. */
    public static Stream stream(InputStream in) throws IOException {
        JsonParser p = factory().createParser(in);
        return () -> p.nextToken() == null ? null : value(p);
    }

    /** Consecutive JSON values on one input. */
    public interface Stream {
        Object next() throws IOException;
    }

    private static Object parseOne(JsonParser p) throws IOException {
        if (p.nextToken() == null) {
            return null;
        }
        return value(p);
    }

    private static Object value(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, value(p));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(value(p));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT, LONG -> p.getLongValue();
                    default -> p.getBigIntegerValue();
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IOException("unexpected JSON token " + t);
        }
    }

    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    public static void write(StringBuilder sb, Object v) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> quote(sb, s);
            case Boolean b -> sb.append(b);
            case Double d -> sb.append(formatDouble(d));
            case Float f -> sb.append(formatDouble(f));
            case Number n -> sb.append(n);
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    quote(sb, String.valueOf(e.getKey()));
                    sb.append(':');
                    write(sb, e.getValue());
                }
                sb.append('}');
            }
            case List<?> l -> {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    write(sb, l.get(i));
                }
                sb.append(']');
            }
            case Object[] a -> write(sb, List.of(a));
            case long[] a -> {
                sb.append('[');
                for (int i = 0; i < a.length; i++) {
                    sb.append(i > 0 ? "," : "").append(a[i]);
                }
                sb.append(']');
            }
            default -> quote(sb, v.toString());
        }
    }

    /** Go prints whole floats without a fraction ("2", not "2.0"). */
    static String formatDouble(double d) {
        if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e21) {
            return new BigDecimal(d).toBigInteger().toString();
        }
        return Double.toString(d);
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
