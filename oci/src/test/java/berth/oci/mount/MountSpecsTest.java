package berth.oci.mount;

import berth.oci.container.Mount;
import berth.oci.errors.InvalidArgument;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MountSpecsTest {

    @Test
    void bindWithAbsoluteSourceAndModes() {
        MountSpec.Bind b = assertInstanceOf(MountSpec.Bind.class, MountSpecs.parseBind("/srv/data/:/data/:ro,rslave"));
        assertEquals("/srv/data", b.source());
        assertEquals("/data", b.target());
        assertTrue(b.readOnly());
        assertEquals("rslave", b.propagation());
        assertTrue(b.createSource(), "-v makes a missing source, as docker does");
        assertEquals("ro,rslave", b.mode());
    }

    @Test
    void bindDefaultsToReadWriteAndRprivate() {
        MountSpec.Bind b = assertInstanceOf(MountSpec.Bind.class, MountSpecs.parseBind("/a:/b"));
        assertFalse(b.readOnly());
        assertEquals("rprivate", b.propagation());
    }

    @Test
    void namedAndAnonymousVolumes() {
        MountSpec.Volume named = assertInstanceOf(MountSpec.Volume.class, MountSpecs.parseBind("cache:/c:nocopy,z"));
        assertEquals("cache", named.name());
        assertTrue(named.noCopy());
        MountSpec.Volume anonymous = assertInstanceOf(MountSpec.Volume.class, MountSpecs.parseBind("/data"));
        assertNull(anonymous.name());
        assertTrue(anonymous.anonymous());
    }

    @Test
    void malformedBindsAreRefusedInDockersWords() {
        assertMessage("invalid volume specification: 'a:b:c:d'", () -> MountSpecs.parseBind("a:b:c:d"));
        assertMessage("invalid volume specification: ':/x'", () -> MountSpecs.parseBind(":/x"));
        assertMessage("invalid volume specification: '/x:rw'", () -> MountSpecs.parseBind("/x:rw"));
        assertMessage("invalid mode: bogus", () -> MountSpecs.parseBind("/a:/b:bogus"));
        assertMessage("invalid mode: ro,rw", () -> MountSpecs.parseBind("/a:/b:ro,rw"));
        assertMessage("invalid volume specification: 'v:rel': invalid mount config for type \"volume\": invalid mount "
                + "path: 'rel' mount path must be absolute", () -> MountSpecs.parseBind("v:rel"));
        assertMessage("invalid volume specification: '/a:/': invalid mount config for type \"bind\": invalid "
                + "specification: destination can't be '/'", () -> MountSpecs.parseBind("/a:/"));
        assertMessage("invalid volume specification: 'v:/x:rshared': invalid mount config for type \"volume\": field "
                + "BindOptions must not be specified", () -> MountSpecs.parseBind("v:/x:rshared"));
        assertMessage("invalid volume specification: '/h:/x:nocopy': invalid mount config for type \"bind\": field "
                + "VolumeOptions must not be specified", () -> MountSpecs.parseBind("/h:/x:nocopy"));
        assertThrows(InvalidArgument.class, () -> MountSpecs.parseBind("bad/name:/x"));
    }

    @Test
    void mountObjectsOfEachType() {
        MountSpec.Bind b = assertInstanceOf(MountSpec.Bind.class, MountSpecs.fromMount(new Mount("bind", "/h", "/c",
                true, null, new Mount.BindOptions("rshared", null, null), null, null)));
        assertEquals("rshared", b.propagation());
        assertFalse(b.createSource(), "--mount refuses a missing source");
        MountSpec.Volume v = assertInstanceOf(MountSpec.Volume.class, MountSpecs.fromMount(new Mount("volume", "v1",
                "/d", null, null, null, new Mount.VolumeOptions(true, Map.of("k", "x"),
                        new Mount.Driver("local", Map.of("type", "tmpfs")), null), null)));
        assertTrue(v.noCopy());
        assertEquals(Map.of("type", "tmpfs"), v.driverOptions());
        assertEquals(Map.of("k", "x"), v.labels());
        MountSpec.Tmpfs t = assertInstanceOf(MountSpec.Tmpfs.class, MountSpecs.fromMount(new Mount("tmpfs", null,
                "/t", true, null, null, null, new Mount.TmpfsOptions(2L << 20, 01777L, null))));
        assertEquals("ro,mode=1777,size=2m", t.options());
        assertTrue(t.readOnly());
    }

    @Test
    void malformedMountObjectsAreRefused() {
        assertMessage("invalid mount config for type \"bind\": field Source must not be empty",
                () -> MountSpecs.fromMount(new Mount("bind", null, "/c", null, null, null, null, null)));
        assertMessage("invalid mount config for type \"volume\": field Target must not be empty",
                () -> MountSpecs.fromMount(new Mount("volume", "v", null, null, null, null, null, null)));
        assertMessage("invalid mount config for type \"bind\": invalid propagation mode: sideways",
                () -> MountSpecs.fromMount(new Mount("bind", "/h", "/c", null, null,
                        new Mount.BindOptions("sideways", null, null), null, null)));
        assertMessage("invalid mount config for type \"tmpfs\": field Source must not be specified",
                () -> MountSpecs.fromMount(new Mount("tmpfs", "x", "/c", null, null, null, null, null)));
        assertMessage("invalid mount config for type \"nfs\": mount type unknown",
                () -> MountSpecs.fromMount(new Mount("nfs", "x", "/c", null, null, null, null, null)));
        assertMessage("invalid mount config for type \"volume\": must not set ReadOnly mode when using anonymous volumes",
                () -> MountSpecs.fromMount(new Mount("volume", null, "/c", true, null, null, null, null)));
    }

    @Test
    void volumesFromAndDuplicates() {
        assertEquals(new MountSpecs.VolumesFrom("web", "ro"), MountSpecs.volumesFrom("web:ro"));
        assertEquals(new MountSpecs.VolumesFrom("web", ""), MountSpecs.volumesFrom("web"));
        assertThrows(InvalidArgument.class, () -> MountSpecs.volumesFrom("web:rx"));
        assertMessage("Duplicate mount point: /d", () -> MountSpecs.refuseDuplicates(java.util.List.of(
                MountSpecs.parseBind("/a:/d"), MountSpecs.tmpfs("/d/", ""))));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        assertEquals(expected, assertThrows(InvalidArgument.class, call).getMessage());
    }
}
