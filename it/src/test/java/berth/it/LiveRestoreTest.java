package berth.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A kill -9 of berthd leaves containers running; the next berthd adopts them and records what ended meanwhile. */
class LiveRestoreTest {
    private Daemon daemon;

    @BeforeEach
    void start() throws Exception {
        daemon = Daemon.startWithBusybox();
    }

    @AfterEach
    void stop() throws Exception {
        daemon.close();
    }

    @Test
    void containersOutliveAKilledDaemonAndAreAdoptedByTheNextOne() throws Exception {
        assertEquals(0, daemon.docker("run", "-d", "--name", "long", "busybox", "sh", "-c",
                "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done").exit());
        assertEquals(0, daemon.docker("run", "-d", "--name", "short", "busybox", "sh", "-c", "sleep 1; exit 7").exit());

        daemon.kill9();
        Thread.sleep(2000);
        daemon.launch();

        Daemon.Result ps = daemon.docker("ps", "--format", "{{.Names}}");
        assertTrue(ps.stdout().lines().anyMatch("long"::equals), ps::toString);
        Daemon.Result shortState = daemon.docker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "short");
        assertEquals("exited 7", shortState.stdout().strip(), shortState::toString);

        long before = daemon.docker("logs", "long").stdout().lines().count();
        assertTrue(Daemon.eventually(Duration.ofSeconds(10),
                () -> daemon.docker("logs", "long").stdout().lines().count() > before + 3), "logs continue");

        Daemon.Result exec = daemon.docker("exec", "long", "echo", "still here");
        assertEquals("still here\n", exec.stdout(), exec::toString);

        assertEquals(0, daemon.docker("stop", "-t", "1", "long").exit());
        Daemon.Result longState = daemon.docker("inspect", "--format", "{{.State.Status}}", "long");
        assertEquals("exited", longState.stdout().strip(), longState::toString);
    }

    @Test
    void leftoversOfACreateOrRemovalCutShortAreSweptAtStart() throws Exception {
        Daemon.Result kept = daemon.docker("create", "--name", "kept", "busybox", "true");
        String keptId = kept.stdout().strip();
        daemon.kill9();
        String orphan = "ab".repeat(32);
        java.nio.file.Path snapshot = daemon.root.resolve("overlay").resolve(orphan);
        java.nio.file.Path containerDir = daemon.root.resolve("containers").resolve(orphan);
        java.nio.file.Files.createDirectories(snapshot.resolve("diff"));
        java.nio.file.Files.writeString(snapshot.resolve("diff").resolve("half-written"), "x");
        java.nio.file.Files.createDirectories(containerDir);

        daemon.launch();

        assertTrue(!java.nio.file.Files.exists(snapshot), "orphan snapshot swept");
        assertTrue(!java.nio.file.Files.exists(containerDir), "orphan container directory swept");
        assertTrue(java.nio.file.Files.exists(daemon.root.resolve("containers").resolve(keptId)), "a real one kept");
        Daemon.Result ps = daemon.docker("ps", "-a", "--no-trunc", "--format", "{{.ID}}");
        assertEquals(keptId, ps.stdout().strip(), ps::toString);
        assertEquals(0, daemon.docker("start", "-a", "kept").exit());
    }
}
