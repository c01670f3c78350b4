package berth.registry.client;

import berth.oci.Descriptor;
import berth.oci.Digest;
import berth.oci.MediaTypes;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PlatformTest {
    private static Descriptor entry(char hex, String os, String arch, String variant) {
        return new Descriptor(MediaTypes.OCI_MANIFEST, Digest.parse("sha256:" + String.valueOf(hex).repeat(64)), 100,
                null, new Descriptor.Platform(arch, os, variant));
    }

    private static final List<Descriptor> INDEX = List.of(
            entry('a', "linux", "arm", "v6"), entry('b', "linux", "arm", "v7"), entry('c', "linux", "arm64", "v8"),
            entry('d', "linux", "amd64", null), entry('e', "windows", "amd64", null));

    @Test
    void defaultIsLinuxAmd64() {
        assertEquals('d', Platform.parse(null).require(INDEX).digest().hex().charAt(0));
        assertEquals('d', Platform.parse("linux").require(INDEX).digest().hex().charAt(0));
        assertEquals('d', Platform.parse("linux/x86_64").require(INDEX).digest().hex().charAt(0));
    }

    @Test
    void arm64MatchesItsDefaultVariant() {
        assertEquals('c', Platform.parse("linux/arm64").require(INDEX).digest().hex().charAt(0));
        assertEquals('c', Platform.parse("linux/aarch64").require(INDEX).digest().hex().charAt(0));
        assertEquals('c', Platform.parse("linux/arm64/v8").require(INDEX).digest().hex().charAt(0));
    }

    @Test
    void armVariantsAreTellApart() {
        assertEquals('a', Platform.parse("linux/arm/v6").require(INDEX).digest().hex().charAt(0));
        assertEquals('b', Platform.parse("linux/arm").require(INDEX).digest().hex().charAt(0));
    }

    @Test
    void missingPlatformIsDockersError() {
        NotFound e = assertThrows(NotFound.class, () -> Platform.parse("linux/s390x").require(INDEX));
        assertEquals("no matching manifest for linux/s390x in the manifest list entries", e.getMessage());
    }

    @Test
    void malformedPlatformIsRefused() {
        assertThrows(InvalidArgument.class, () -> Platform.parse("linux//v7"));
        assertThrows(InvalidArgument.class, () -> Platform.parse("a/b/c/d"));
    }
}
