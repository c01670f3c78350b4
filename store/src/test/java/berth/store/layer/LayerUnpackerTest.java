package berth.store.layer;

import berth.oci.Digest;
import berth.oci.errors.InvalidArgument;
import berth.store.TarFixture;
import berth.sys.FileNodes;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerUnpackerTest {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    @TempDir
    Path target;
    @TempDir
    Path outside;

    private UnpackedLayer unpack(byte[] layer) {
        return new LayerUnpacker(WhiteoutMode.OVERLAY).unpack(new ByteArrayInputStream(layer), target);
    }

    private InvalidArgument refused(byte[] layer) {
        return assertThrows(InvalidArgument.class, () -> unpack(layer));
    }

    @Test
    void plainGzipAndZstdLayersGiveTheSameDiffIdAndTheirOwnDigest() throws Exception {
        byte[] tar = new TarFixture().dir("etc").file("etc/hostname", "box\n").tar();
        Digest diffId = Digest.sha256(tar);
        for (byte[] layer : new byte[][] {tar, TarFixture.gzip(tar), TarFixture.zstd(tar)}) {
            Path dir = Files.createTempDirectory(outside, "layer");
            UnpackedLayer unpacked = new LayerUnpacker(WhiteoutMode.OVERLAY).unpack(new ByteArrayInputStream(layer), dir);
            assertEquals(diffId, unpacked.diffId());
            assertEquals(Digest.sha256(layer), unpacked.digest());
            assertEquals(layer.length, unpacked.size());
            assertEquals("box\n", Files.readString(dir.resolve("etc/hostname")));
        }
    }

    @Test
    void filesKeepTypeModeOwnerTimeAndXattrs() throws Exception {
        TarArchiveEntry suid = TarFixture.entry("bin/su", TarConstants.LF_NORMAL, 04755);
        suid.setIds(1000, 1001);
        suid.addPaxHeader("SCHILY.xattr.user.note", "kept");
        suid.addPaxHeader("SCHILY.xattr.trusted.overlay.redirect", "/etc");
        TarArchiveEntry tmp = TarFixture.entry("tmp/", TarConstants.LF_DIR, 01777);
        byte[] layer = new TarFixture().dir("bin").file(suid, "#!".getBytes()).put(tmp, null)
                .symlink("bin/sh", "/bin/busybox").hardlink("bin/su2", "bin/su").fifo("tmp/pipe").tar();
        unpack(layer);
        Path su = target.resolve("bin/su");
        assertEquals(04755, (Integer) Files.getAttribute(su, "unix:mode") & 07777);
        assertEquals(1000, Files.getAttribute(su, "unix:uid"));
        assertEquals(1001, Files.getAttribute(su, "unix:gid"));
        assertEquals(1_700_000_000_000L, Files.getLastModifiedTime(su).toMillis());
        assertArrayEquals("kept".getBytes(), FileNodes.lgetxattr(su, "user.note"));
        assertEquals(null, FileNodes.lgetxattr(su, "trusted.overlay.redirect"));
        assertEquals(01777, (Integer) Files.getAttribute(target.resolve("tmp"), "unix:mode") & 07777);
        assertEquals(1_700_000_000_000L, Files.getLastModifiedTime(target.resolve("tmp")).toMillis());
        assertEquals(Path.of("/bin/busybox"), Files.readSymbolicLink(target.resolve("bin/sh")));
        assertEquals(Files.getAttribute(su, "unix:ino"), Files.getAttribute(target.resolve("bin/su2"), "unix:ino"));
        assertTrue(Files.readAttributes(target.resolve("tmp/pipe"), java.nio.file.attribute.BasicFileAttributes.class,
                NOFOLLOW).isOther());
    }

    @Test
    void leadingSlashIsStrippedAsDockerDoes() {
        unpack(new TarFixture().file("/etc/motd", "hi").tar());
        assertTrue(Files.isRegularFile(target.resolve("etc/motd")));
    }

    @Test
    void layerWithDotDotEntryIsRefused() {
        InvalidArgument error = refused(new TarFixture().file("../escaped", "x").tar());
        assertTrue(error.getMessage().contains("\"../escaped\""), error.getMessage());
        assertFalse(Files.exists(target.getParent().resolve("escaped")));
    }

    @Test
    void writingThroughAbsoluteSymlinkIsRefused() {
        InvalidArgument error = refused(new TarFixture().symlink("a", outside.toString()).file("a/passwd", "root::0:0").tar());
        assertTrue(error.getMessage().contains("a/passwd") && error.getMessage().contains("symlink"), error.getMessage());
        assertFalse(Files.exists(outside.resolve("passwd")));
    }

    @Test
    void writingThroughRelativeSymlinkParentIsRefused() {
        Path relative = target.relativize(outside);
        InvalidArgument error = refused(new TarFixture().dir("d").symlink("d/up", "../" + relative)
                .file("d/up/evil", "x").tar());
        assertTrue(error.getMessage().contains("d/up/evil"), error.getMessage());
        assertFalse(Files.exists(outside.resolve("evil")));
    }

    @Test
    void hardlinkToOutsideIsRefused() throws Exception {
        Files.writeString(outside.resolve("secret"), "s");
        InvalidArgument escaping = refused(new TarFixture().hardlink("stolen", "../" + outside.getFileName() + "/secret").tar());
        assertTrue(escaping.getMessage().contains("stolen"), escaping.getMessage());
        InvalidArgument viaSymlink = refused(new TarFixture().symlink("out", outside.toString())
                .hardlink("stolen2", "out/secret").tar());
        assertTrue(viaSymlink.getMessage().contains("stolen2"), viaSymlink.getMessage());
        assertFalse(Files.exists(target.resolve("stolen2")));
    }

    @Test
    void truncatedLayerIsRefused() throws Exception {
        byte[] tar = new TarFixture().file("big", "x".repeat(10_000)).tar();
        refused(Arrays.copyOf(tar, 3000));
        byte[] gzip = TarFixture.gzip(tar);
        Path other = Files.createTempDirectory(outside, "gz");
        assertThrows(InvalidArgument.class, () -> new LayerUnpacker(WhiteoutMode.OVERLAY)
                .unpack(new ByteArrayInputStream(Arrays.copyOf(gzip, gzip.length / 2)), other));
    }

    @Test
    void overlayModeWritesWhiteoutDevicesAndOpaqueXattr() throws Exception {
        unpack(new TarFixture().dir("etc").file("etc/.wh.passwd", "").dir("var").file("var/.wh..wh..opq", "").tar());
        Path whiteout = target.resolve("etc/passwd");
        assertEquals(FileNodes.S_IFCHR, (Integer) Files.getAttribute(whiteout, "unix:mode", NOFOLLOW) & 0170000);
        assertEquals(0L, Files.getAttribute(whiteout, "unix:rdev", NOFOLLOW));
        assertArrayEquals("y".getBytes(), FileNodes.lgetxattr(target.resolve("var"), "trusted.overlay.opaque"));
        assertFalse(Files.exists(target.resolve("var/.wh..wh..opq"), NOFOLLOW));
    }

    @Test
    void vfsModeDeletesWhiteoutsAndEmptiesOpaqueDirectories() throws Exception {
        Files.createDirectories(target.resolve("etc"));
        Files.writeString(target.resolve("etc/passwd"), "old");
        Files.createDirectories(target.resolve("var/cache"));
        Files.writeString(target.resolve("var/old"), "old");
        byte[] layer = new TarFixture().dir("etc").file("etc/.wh.passwd", "").dir("var").file("var/new", "new")
                .file("var/.wh..wh..opq", "").tar();
        new LayerUnpacker(WhiteoutMode.VFS).unpack(new ByteArrayInputStream(layer), target);
        assertFalse(Files.exists(target.resolve("etc/passwd"), NOFOLLOW));
        assertFalse(Files.exists(target.resolve("var/old")));
        assertFalse(Files.exists(target.resolve("var/cache")));
        assertEquals("new", Files.readString(target.resolve("var/new")));
    }

    @Test
    void aLaterEntryReplacesWhatIsThereAndADirectoryMergesIntoADirectory() throws Exception {
        Files.createDirectories(target.resolve("kept"));
        Files.writeString(target.resolve("kept/old"), "old");
        Files.createDirectories(target.resolve("gone/deep"));
        Files.writeString(target.resolve("file"), "old");
        Files.createSymbolicLink(target.resolve("link"), outside);
        byte[] layer = new TarFixture().dir("kept").file("kept/new", "new").file("gone", "now a file")
                .symlink("file", "elsewhere").file("link", "not through the link").fifo("kept/new")
                .file("twice", "first").file("twice", "second").tar();
        new LayerUnpacker(WhiteoutMode.VFS).unpack(new ByteArrayInputStream(layer), target);
        assertEquals("old", Files.readString(target.resolve("kept/old")));
        assertTrue(Files.readAttributes(target.resolve("kept/new"), java.nio.file.attribute.BasicFileAttributes.class,
                NOFOLLOW).isOther());
        assertEquals("now a file", Files.readString(target.resolve("gone")));
        assertEquals(Path.of("elsewhere"), Files.readSymbolicLink(target.resolve("file")));
        assertEquals("not through the link", Files.readString(target.resolve("link")));
        assertFalse(Files.isSymbolicLink(target.resolve("link")));
        try (var left = Files.list(outside)) {
            assertEquals(0, left.count());
        }
        assertEquals("second", Files.readString(target.resolve("twice")));
    }
}
