package berth.cli.format;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON (RFC 8259) reader of values as plain trees, from a byte array or a stream of
 * consecutive values. It replaces jackson-core in the CLI: jackson's ParserMinimalBase
 * initialises java.math.BigDecimal, whose static table of 5^(2^n) costs ~20 ms of interpreted
 * squaring on every start, more than all the rest of a {@code berth version}.
 */
final class JsonReader {
    /** jackson's default nesting limit; it also keeps hostile input from overflowing the stack. */
    private static final int MAX_DEPTH = 1000;

    private final InputStream in;
    private byte[] buf;
    private int pos;
    private int limit;
    /** Field names seen so far, by a hash of their length and first and last bytes (see {@link #key}). */
    private final String[] keys = new String[256];
    /** The bytes each of {@link #keys} was read from. */
    private final byte[][] keyBytes = new byte[256][];
    /** Bytes of a string that spans a refill of {@link #buf}, not yet decoded. */
    private byte[] pending = new byte[0];

    JsonReader(byte[] bytes) {
        this.in = null;
        this.buf = bytes;
        this.limit = bytes.length;
    }

    JsonReader(InputStream in) {
        this.in = in;
        this.buf = new byte[8192];
    }

    /** The next value; null at the end of the input (a JSON null is returned as null too). */
    Object next() throws IOException {
        int c = skipSpace();
        return c < 0 ? null : value(c, 0);
    }

    private Object value(int c, int depth) throws IOException {
        if (depth >= MAX_DEPTH) {
            throw error("document nesting depth exceeds " + MAX_DEPTH);
        }
        pos++;
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("rue", Boolean.TRUE);
            case 'f' -> literal("alse", Boolean.FALSE);
            case 'n' -> literal("ull", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    pos--;
                    yield number();
                }
                throw error("unexpected character '" + (char) c + "'");
            }
        };
    }

    private Map<String, Object> object(int depth) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        int c = skipSpace();
        if (c == '}') {
            pos++;
            return m;
        }
        while (true) {
            if (c != '"') {
                throw error("expected a field name");
            }
            pos++;
            String name = key();
            if (skipSpace() != ':') {
                throw error("expected ':'");
            }
            pos++;
            m.put(name, value(require(skipSpace()), depth + 1));
            c = skipSpace();
            pos++;
            if (c == '}') {
                return m;
            }
            if (c != ',') {
                throw error("expected ',' or '}'");
            }
            c = skipSpace();
        }
    }

    private List<Object> array(int depth) throws IOException {
        List<Object> l = new ArrayList<>();
        int c = skipSpace();
        if (c == ']') {
            pos++;
            return l;
        }
        while (true) {
            l.add(value(require(c), depth + 1));
            c = skipSpace();
            pos++;
            if (c == ']') {
                return l;
            }
            if (c != ',') {
                throw error("expected ',' or ']'");
            }
            c = skipSpace();
        }
    }

    /**
     * An object's field name: a list answer repeats the same names in every element, so a name seen before is
     * returned as the same String (its hash already computed) when its bytes match, instead of a new one.
     */
    private String key() throws IOException {
        int start = pos;
        byte[] b = buf;
        int end = limit;
        int p = start;
        while (p < end && b[p] != '"' && b[p] != '\\' && b[p] >= 0x20) {
            p++;
        }
        int n = p - start;
        if (p == end || b[p] != '"' || n == 0) {
            return string();
        }
        int slot = (n * 31 + b[start] * 7 + b[p - 1]) & (keys.length - 1);
        byte[] cached = keyBytes[slot];
        if (cached != null && cached.length == n) {
            int i = 0;
            while (i < n && cached[i] == b[start + i]) {
                i++;
            }
            if (i == n) {
                pos = p + 1;
                return keys[slot];
            }
        }
        String name = string();
        keys[slot] = name;
        keyBytes[slot] = Arrays.copyOfRange(b, start, p);
        return name;
    }

    /**
     * The rest of a string after its opening quote. UTF-8 bytes never contain '"' or '\\', so runs are decoded whole.
     * The scan is the CLI's hottest loop (a {@code ps} of 200 containers reads ~110 KB) and runs interpreted: it
     * keeps to locals, and notes whether a run is all ASCII, which is then copied as Latin-1 instead of being
     * decoded as UTF-8 (a second pass over every byte in the interpreter).
     */
    private String string() throws IOException {
        StringBuilder sb = null;
        int start = pos;
        boolean ascii = true;
        while (true) {
            byte[] b = buf;
            int p = pos;
            int end = limit;
            int x = 0;
            while (p < end) {
                x = b[p];
                if (x == '"' || x == '\\' || x < 0x20) {
                    if (x >= 0) {
                        break;
                    }
                    ascii = false;
                }
                p++;
            }
            pos = p;
            if (p == end) {
                keep(start);
                if (!fill()) {
                    throw error("unexpected end of input in a string");
                }
                start = pos;
                continue;
            }
            if (x == '"') {
                String run = decode(start, ascii);
                pos++;
                return sb == null ? run : sb.append(run).toString();
            }
            if (x == '\\') {
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(decode(start, ascii));
                ascii = true;
                pos++;
                sb.append(escape());
                start = pos;
            } else {
                throw error("unescaped control character in a string");
            }
        }
    }

    /** The pending bytes and buf[start, pos) as UTF-8; {@code ascii} when none of them is above 0x7f. */
    private String decode(int start, boolean ascii) {
        if (pending.length == 0) {
            return new String(buf, start, pos - start, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        }
        keep(start);
        String s = new String(pending, StandardCharsets.UTF_8);
        pending = new byte[0];
        return s;
    }

    private void keep(int start) {
        int n = pos - start;
        byte[] p = Arrays.copyOf(pending, pending.length + n);
        System.arraycopy(buf, start, p, pending.length, n);
        pending = p;
    }

    private char escape() throws IOException {
        int c = read();
        return switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '/' -> '/';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> {
                int v = 0;
                for (int i = 0; i < 4; i++) {
                    int d = Character.digit(read(), 16);
                    if (d < 0) {
                        throw error("invalid \\u escape");
                    }
                    v = v << 4 | d;
                }
                yield (char) v;
            }
            default -> throw error("invalid escape '\\" + (char) c + "'");
        };
    }

    /** Integers that fit in a long are Long, larger ones BigInteger; fractions and exponents Double. */
    private Object number() throws IOException {
        // the common case, a short non-negative integer, without a detour through text
        byte[] b = buf;
        int p = pos;
        int lim = limit;
        if (p < lim && b[p] >= '1' && b[p] <= '9') {
            long v = 0;
            int q = p;
            while (q < lim && q - p < 18 && b[q] >= '0' && b[q] <= '9') {
                v = v * 10 + (b[q] - '0');
                q++;
            }
            if (q < lim && b[q] != '.' && b[q] != 'e' && b[q] != 'E' && (b[q] < '0' || b[q] > '9')) {
                pos = q;
                return v;
            }
        }
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = peek()) >= 0 && (c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) {
            sb.append((char) c);
            pos++;
        }
        String s = sb.toString();
        int end = integerEnd(s);
        if (end < 0 || end < s.length() && fractionEnd(s, end) != s.length()) {
            throw error("invalid number " + s);
        }
        if (end < s.length()) {
            return Double.parseDouble(s);
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException tooLong) {
            return new BigInteger(s);
        }
    }

    /** The end of the integer part: an optional minus, then 0 or digits without a leading zero; -1 if none. */
    private static int integerEnd(String s) {
        int i = s.startsWith("-") ? 1 : 0;
        if (i < s.length() && s.charAt(i) == '0') {
            return i + 1;
        }
        int digits = digitsEnd(s, i);
        return digits == i ? -1 : digits;
    }

    /** The end of an optional fraction and an optional exponent from {@code i}; -1 if either has no digits. */
    private static int fractionEnd(String s, int i) {
        if (i < s.length() && s.charAt(i) == '.') {
            int digits = digitsEnd(s, i + 1);
            if (digits == i + 1) {
                return -1;
            }
            i = digits;
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int digits = digitsEnd(s, i);
            return digits == i ? -1 : digits;
        }
        return i;
    }

    private static int digitsEnd(String s, int i) {
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    private Object literal(String rest, Object value) throws IOException {
        for (int i = 0; i < rest.length(); i++) {
            if (read() != rest.charAt(i)) {
                throw error("invalid literal");
            }
        }
        return value;
    }

    private int require(int c) throws IOException {
        if (c < 0) {
            throw error("unexpected end of input");
        }
        return c;
    }

    /** The next non-space byte, not consumed; -1 at the end. */
    private int skipSpace() throws IOException {
        int c;
        while ((c = peek()) == ' ' || c == '\t' || c == '\n' || c == '\r') {
            pos++;
        }
        return c;
    }

    private int peek() throws IOException {
        if (pos == limit && !fill()) {
            return -1;
        }
        return buf[pos] & 0xff;
    }

    private int read() throws IOException {
        int c = require(peek());
        pos++;
        return c;
    }

    /** Reads more of the stream; only what is available, so a value is returned as soon as it is complete. */
    private boolean fill() throws IOException {
        if (in == null) {
            return false;
        }
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    private IOException error(String message) {
        return new IOException("invalid JSON: " + message);
    }
}
