package berth.engine.files;

import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A root with symlinks that point out of it; nothing read or written through them may leave it. */
class ScopedTreeTest {
    @TempDir
    Path dir;
    Path root;
    Path canary;

    @BeforeEach
    void makeRoot() throws IOException {
        root = Files.createDirectories(dir.resolve("root"));
        canary = Files.writeString(dir.resolve("canary"), "host secret");
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
        Files.createSymbolicLink(root.resolve("evil"), dir);                    // absolute, to the host
        Files.createSymbolicLink(root.resolve("up"), Path.of("../../../../.."));  // relative, climbing out
    }

    @Test
    void statThroughAbsoluteSymlinkStaysInside() {
        try (ScopedTree tree = ScopedTree.open(root, "container t")) {
            NotFound e = assertThrows(NotFound.class, () -> tree.stat("/evil/canary"));
            assertEquals("Could not find the file /evil/canary in container t", e.getMessage());
            assertThrows(NotFound.class, () -> tree.stat("/up" + canary));
            PathStat link = tree.stat("/evil");
            assertEquals(dir.toString(), link.linkTarget());  // resolved as a container path, not followed out
            assertTrue((link.mode() & PathStat.MODE_SYMLINK) != 0);
        }
    }

    @Test
    void archiveReadsOnlyTheContainersFiles() throws IOException {
        Files.createDirectories(root.resolve(dir.toString().substring(1)));
        Files.writeString(root.resolve(canary.toString().substring(1)), "inside");
        try (ScopedTree tree = ScopedTree.open(root, "container t")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            tree.archive("/evil/canary", out);
            assertEquals(List.of("canary=inside"), entries(out.toByteArray()));
        }
    }

    @Test
    void extractThroughSymlinksLeavesTheHostUntouched() throws IOException {
        try (ScopedTree tree = ScopedTree.open(root, "container t")) {
            // the symlink itself is not a directory to extract into (the CLI resolves it, inside the root, first)
            assertThrows(InvalidArgument.class, () -> tree.extract("/evil", tar("canary", "pwned"), true,
                    Optional.empty()));
            assertThrows(NotFound.class, () -> tree.extract("/evil/", tar("canary", "pwned"), true, Optional.empty()));
            assertThrows(NotFound.class, () -> tree.extract("/up" + dir, tar("canary", "pwned"), true, Optional.empty()));
            // an archive whose entries climb out is refused, and one that goes through a symlink in it too
            assertThrows(InvalidArgument.class, () -> tree.extract("/etc", tar("../../canary", "pwned"), true,
                    Optional.empty()));
            assertThrows(InvalidArgument.class, () -> tree.extract("/", tar("evil/canary", "pwned"), true,
                    Optional.empty()));
        }
        assertEquals("host secret", Files.readString(canary));
    }

    @Test
    void extractWritesFilesWithModesAndOwners() throws IOException {
        try (ScopedTree tree = ScopedTree.open(root, "container t")) {
            tree.extract("/etc", tar("new/file", "data"), true, Optional.empty());
            tree.extract("/etc", tar("new/file", "again"), true, Optional.of(new ScopedTree.Owner(12, 34)));
        }
        Path file = root.resolve("etc/new/file");
        assertEquals("again", Files.readString(file));
        assertEquals(0640, (Integer) Files.getAttribute(file, "unix:mode") & 07777);
        assertEquals(12, Files.getAttribute(file, "unix:uid"));
        assertEquals(34, Files.getAttribute(file, "unix:gid"));
    }

    @Test
    void directoryIsNotOverwrittenWithAFile() {
        try (ScopedTree tree = ScopedTree.open(root, "container t")) {
            InvalidArgument e = assertThrows(InvalidArgument.class,
                    () -> tree.extract("/", tar("etc", "not a dir"), true, Optional.empty()));
            assertTrue(e.getMessage().contains("cannot overwrite directory"), e.getMessage());
        }
        assertTrue(Files.isDirectory(root.resolve("etc")));
    }

    @Test
    void extractionPointMustBeADirectory() {
        try (ScopedTree tree = ScopedTree.open(root, "container t")) {
            assertThrows(InvalidArgument.class, () -> tree.extract("/etc/passwd", tar("x", "y"), true, Optional.empty()));
        }
        assertFalse(Files.exists(root.resolve("etc/passwd/x")));
    }

    private static ByteArrayInputStream tar(String name, String content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            byte[] data = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setSize(data.length);
            entry.setMode(0640);
            out.putArchiveEntry(entry);
            out.write(data);
            out.closeArchiveEntry();
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }

    private static List<String> entries(byte[] tar) throws IOException {
        List<String> out = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                out.add(e.getName() + "=" + new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
