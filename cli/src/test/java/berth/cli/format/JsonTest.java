package berth.cli.format;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonTest {
    @Test
    void treesKeepOrderAndTypes() {
        Object tree = Json.parse("""
                {"Id":"x","StatusCode":0,"Big":123456789012345678901,"Neg":-9223372036854775808,"F":2.5,"E":1e3,
                 "List":[1,true,false,null,{}, []],"Z":-0}""");
        Map<?, ?> m = (Map<?, ?>) tree;
        assertEquals(List.of("Id", "StatusCode", "Big", "Neg", "F", "E", "List", "Z"), new ArrayList<>(m.keySet()));
        assertEquals(0L, m.get("StatusCode"));
        assertEquals(new BigInteger("123456789012345678901"), m.get("Big"));
        assertEquals(Long.MIN_VALUE, m.get("Neg"));
        assertEquals(2.5, m.get("F"));
        assertEquals(1000.0, m.get("E"));
        assertEquals(Arrays.asList(1L, true, false, null, Map.of(), List.of()), m.get("List"));
        assertEquals(0L, m.get("Z"));
        assertNull(Json.parse("  "));
    }

    @Test
    void templateMethodsOfARowAreNotWritten() {
        Map<String, Object> row = new java.util.LinkedHashMap<>();
        row.put("Names", "web");
        row.put("Label", (java.util.function.Function<Object, Object>) k -> "v");
        row.put("State", "running");
        assertEquals("{\"Names\":\"web\",\"State\":\"running\"}", Json.write(row));
    }

    @Test
    void stringsDecodeUtf8AndEscapes() {
        assertEquals("a\"b\\c/\b\f\n\r\t é 😀 \u2028", Json.parse("\"a\\\"b\\\\c\\/\\b\\f\\n\\r\\t é \\ud83d\\ude00 \\u2028\""));
        assertEquals("grüße", Json.parse("\"grüße\""));
    }

    @Test
    void repeatedFieldNamesReadTheSameInEveryElement() {
        // "ab"/"bb" and "ac"/"cc"... share a slot of the name cache; "\u0041b" is "Ab" written with an escape
        List<?> list = (List<?>) Json.parse("""
                [{"Id":"1","ab":1,"bb":2,"Ab":3,"é":4,"":5},
                 {"Id":"2","bb":6,"ab":7,"\\u0041b":8,"é":9,"":10},
                 {"Id":"3","ab":11,"Ab":12,"bb":13,"é":14,"":15}]""");
        assertEquals(Map.of("Id", "1", "ab", 1L, "bb", 2L, "Ab", 3L, "é", 4L, "", 5L), list.get(0));
        assertEquals(Map.of("Id", "2", "bb", 6L, "ab", 7L, "Ab", 8L, "é", 9L, "", 10L), list.get(1));
        assertEquals(Map.of("Id", "3", "ab", 11L, "Ab", 12L, "bb", 13L, "é", 14L, "", 15L), list.get(2));
        assertEquals(List.of("Id", "bb", "ab", "Ab", "é", ""), new ArrayList<>(((Map<?, ?>) list.get(1)).keySet()));
    }

    @Test
    void integersInsideValuesReadExactly() {
        assertEquals(Arrays.asList(1L, 12L, 123456789012345678L, 1234567890123456789L,
                        new BigInteger("99999999999999999999"), 10.5, 100.0, 2e-3, 0L, -5L, 7L),
                Json.parse("[1,12,123456789012345678,1234567890123456789,99999999999999999999,10.5,1e2,2E-3,0,-5,7]"));
        assertEquals(Map.of("a", 42L, "b", 3L), Json.parse("{\"a\":42 ,\"b\":3}"));
        assertThrows(UncheckedIOException.class, () -> Json.parse("[12a]"));
    }

    @Test
    void writtenTreesReadBack() {
        Object tree = Json.parse("{\"a\":[1,2.5,\"x\\ny\",{\"b\":null}],\"c\":true}");
        assertEquals("{\"a\":[1,2.5,\"x\\ny\",{\"b\":null}],\"c\":true}", Json.write(tree));
        assertEquals("100000000000000000000", Json.write(1e20));
        assertEquals("-9223372036854775808", Json.write(-0x1p63));
        assertEquals("3", Json.write(3.0));
    }

    @Test
    void malformedInputIsAnError() {
        for (String bad : List.of("{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "tru", "\"a", "\"\u0001\"", "{\"a\":1,}", "\"\\x\"", "[1 2]")) {
            assertThrows(UncheckedIOException.class, () -> Json.parse(bad), bad);
        }
        assertThrows(UncheckedIOException.class, () -> Json.parse("[".repeat(5000)));
    }

    @Test
    void streamsReadConsecutiveValuesAcrossSmallReads() throws IOException {
        String text = "{\"status\":\"Pulling ü\"}\n{\"id\":\"a\\u00e9\",\"n\":12345}\r\n[1,2]";
        // one byte per read: every value, string and escape spans refills
        InputStream trickle = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
        Json.Stream s = Json.stream(trickle);
        assertEquals(Map.of("status", "Pulling ü"), s.next());
        assertEquals(Map.of("id", "aé", "n", 12345L), s.next());
        assertEquals(List.of(1L, 2L), s.next());
        assertNull(s.next());
    }
}
