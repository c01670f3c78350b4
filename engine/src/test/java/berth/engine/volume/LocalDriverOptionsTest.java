package berth.engine.volume;

import berth.oci.errors.InvalidArgument;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LocalDriverOptionsTest {

    @Test
    void noOptionsIsAPlainDirectory() {
        assertNull(LocalDriverOptions.of(Map.of()));
        assertNull(LocalDriverOptions.of(null));
    }

    @Test
    void typeDeviceAndO() {
        assertEquals(new LocalDriverOptions("tmpfs", "tmpfs", "size=1m"),
                LocalDriverOptions.of(Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=1m")));
        assertEquals(new LocalDriverOptions("none", "/srv", ""), LocalDriverOptions.of(Map.of("type", "none", "device", "/srv")));
    }

    @Test
    void refusedAsDockersLocalDriverRefuses() {
        assertEquals("invalid option: \"colour\"", message(Map.of("colour", "red")));
        assertEquals("missing required option: \"device\"", message(Map.of("type", "tmpfs")));
        assertEquals("missing required option: \"type\"", message(Map.of("device", "tmpfs")));
        assertEquals("quota size requested but no quota support", message(Map.of("size", "1g")));
    }

    private static String message(Map<String, String> options) {
        return assertThrows(InvalidArgument.class, () -> LocalDriverOptions.of(options)).getMessage();
    }
}
