package berth.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing what a test made on disk. */
final class TestFiles {
    private TestFiles() {}

    /** Deletes {@code dir} and everything below it, deepest first. */
    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Unmounts whatever a daemon left mounted below {@code dir}, newest mount first, then deletes {@code dir}. */
    static void unmountAndDelete(Path dir) throws IOException, InterruptedException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo")).reversed()) {
            String mountPoint = line.split(" ")[4];
            if (Path.of(mountPoint).startsWith(dir)) {
                new ProcessBuilder("umount", "-l", mountPoint).start().waitFor();
            }
        }
        new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
    }
}
