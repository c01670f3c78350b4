package berth.network;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Runs as root: it makes real network namespaces. */
class NetworkNamespaceTest {
    private static String netns(Path task) throws Exception {
        return Files.readSymbolicLink(task.resolve("ns/net")).toString();
    }

    @Test
    void namespacesMadeFromVirtualThreadsLeaveEveryThreadOfTheProcessInItsOwn() throws Exception {
        String home = netns(Path.of("/proc/thread-self"));
        Path dir = Files.createTempDirectory("berth-netns-");
        List<Path> files = new ArrayList<>();
        try {
            List<Thread> makers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                Path file = dir.resolve("ns" + i);
                files.add(file);
                // Virtual threads woken by the maker: the scheduler may start carrier threads as they wake.
                makers.add(Thread.ofVirtual().start(() -> NetworkNamespace.create(file)));
            }
            for (Thread t : makers) {
                t.join();
            }
            for (Path file : files) {
                assertNotEquals(home, "net:[" + Files.getAttribute(file, "unix:ino") + "]", file + " is a namespace of its own");
            }
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        assertEquals(home, netns(task), "thread " + Files.readString(task.resolve("comm")).strip());
                    } catch (java.nio.file.NoSuchFileException ended) {
                        // a thread that ended meanwhile is in no namespace at all
                    }
                }
            }
        } finally {
            files.forEach(NetworkNamespace::remove);
            Files.deleteIfExists(dir);
        }
    }
}
