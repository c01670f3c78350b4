package berth.cli.command;

import berth.cli.format.GoTemplate;
import berth.cli.format.TableWriter;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * docker's {@code --format} handling for list verbs: {@code table} (headers, tab-aligned),
 * {@code json} (one object a line), or a raw template per item; {@code \t} and {@code \n}
 * written literally in the flag are turned into tab and newline.
 */
final class Formatting {
    private Formatting() {}

    static String render(String format, String defaultTable, Map<String, String> headers, List<? extends Map<String, Object>> rows) {
        String f = template(format, defaultTable).replace("\\t", "\t").replace("\\n", "\n");
        boolean table = f.startsWith("table");
        if (table) {
            f = f.substring(5).stripLeading();
        }
        GoTemplate t = GoTemplate.parse(f);
        StringBuilder sb = new StringBuilder();
        if (table) {
            sb.append(t.execute(new HeaderMap(headers))).append('\n');
        }
        for (Map<String, Object> row : rows) {
            sb.append(t.execute(row)).append('\n');
        }
        return table ? TableWriter.align(sb.toString()) : sb.toString();
    }

    /** The template for {@code --format}: the verb's table when none is given, {@code {{json .}}} for "json". */
    private static String template(String format, String defaultTable) {
        String f = format == null || format.isEmpty() || format.equals("table") ? defaultTable : format;
        return f.equals("json") ? "{{json .}}" : f;
    }

    /**
     * Whether rendering {@code format} may show a row's {@code field}: its template names it, or it
     * shows whole rows ({@code {{json .}}}, {@code {{.}}}, a range over the row), which is a dot not
     * followed by a field name. Rows leave out a costly field otherwise: CreatedAt loads the time-zone
     * database and the zone's display names, ~30 ms of a {@code berth ps} or {@code berth images}.
     */
    static boolean shows(String format, String defaultTable, String field) {
        String t = template(format, defaultTable);
        if (t.contains(field)) {
            return true;
        }
        for (int i = t.indexOf('.'); i >= 0; i = t.indexOf('.', i + 1)) {
            char next = i + 1 < t.length() ? t.charAt(i + 1) : ' ';
            if (!Character.isLetter(next) && next != '_') {
                return true;
            }
        }
        return false;
    }

    /** Each field a column title: known ones from docker's list, others upper-cased. */
    private static final class HeaderMap extends HashMap<String, Object> {
        HeaderMap(Map<String, String> headers) {
            putAll(headers);
        }

        @Override
        public boolean containsKey(Object key) {
            return true;
        }

        @Override
        public Object get(Object key) {
            Object v = super.get(key);
            return v != null ? v : key.toString().toUpperCase(java.util.Locale.ROOT);
        }
    }

    /** docker's formatter.Ellipsis: at most {@code max} runes, the last one an ellipsis. */
    static String ellipsis(String s, int max) {
        int n = s.codePointCount(0, s.length());
        if (n <= max) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
    }

    /** Go's strconv.Quote for the printable strings commands are. */
    static String quote(String s) {
        return berth.cli.format.Json.write(s);
    }

    static String shortId(String id) {
        String s = id.startsWith("sha256:") ? id.substring(7) : id;
        return s.length() > 12 ? s.substring(0, 12) : s;
    }

    /** Made on first use: parsing the pattern costs a few ms that most list commands never need. */
    private static final class GoTime {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z z");
    }

    /** Go's time.Time String() without the monotonic part: "2025-01-02 15:04:05 +0000 UTC". */
    static String goTime(long unixSeconds) {
        return GoTime.FORMAT.format(Instant.ofEpochSecond(unixSeconds).atZone(ZoneId.systemDefault()));
    }
}
