package berth.engine.files;

import berth.engine.model.Change;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** docker diff over two full copies (the vfs snapshotter's case). */
class TreeChangesTest {
    @TempDir
    Path dir;

    @Test
    void addedModifiedAndDeletedInWalkOrder() throws IOException {
        Path image = Files.createDirectories(dir.resolve("image"));
        Files.createDirectories(image.resolve("etc"));
        Files.createDirectories(image.resolve("bin"));
        Files.createDirectories(image.resolve("same"));
        Files.writeString(image.resolve("etc/passwd"), "root");
        Files.writeString(image.resolve("bin/vi"), "vi");
        Files.writeString(image.resolve("same/file"), "x");
        FileTime t = FileTime.fromMillis(1_000_000_000_000L);
        for (String p : List.of("etc", "bin", "same", "etc/passwd", "bin/vi", "same/file")) {
            Files.setLastModifiedTime(image.resolve(p), t);
        }
        Path container = dir.resolve("container");
        copy(image, container);
        for (String p : List.of("etc", "bin", "same")) {
            Files.setLastModifiedTime(container.resolve(p), t);
        }
        Files.writeString(container.resolve("etc/passwd"), "root and more");
        Files.delete(container.resolve("bin/vi"));
        Files.setLastModifiedTime(container.resolve("bin"), t);
        Files.writeString(container.resolve("new"), "n");
        Files.createDirectories(container.resolve("etc-d"));

        List<Change> changes = TreeChanges.compare(container, Optional.of(image));

        assertEquals(List.of(new Change("/bin", Change.MODIFIED), new Change("/bin/vi", Change.DELETED),
                new Change("/etc", Change.MODIFIED), new Change("/etc/passwd", Change.MODIFIED),
                new Change("/etc-d", Change.ADDED), new Change("/new", Change.ADDED)), changes);
    }

    @Test
    void withoutAnImageEverythingIsAdded() throws IOException {
        Path container = Files.createDirectories(dir.resolve("c/a"));
        Files.writeString(container.resolve("f"), "f");
        assertEquals(List.of(new Change("/a", Change.ADDED), new Change("/a/f", Change.ADDED)),
                TreeChanges.compare(dir.resolve("c"), Optional.empty()));
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }
}
