package berth.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Volumes across a kill -9 of berthd: mounts in use stay, references come back, half-made volumes go. */
class VolumeLiveRestoreTest {
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
    void aTmpfsVolumeInUseStaysMountedAndUsableAfterTheDaemonIsKilled() throws Exception {
        assertEquals(0, daemon.docker("volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=1m",
                "ram").exit());
        Path data = daemon.root.resolve("volumes/ram/_data");
        assertEquals(0, daemon.docker("run", "-d", "--name", "long", "-v", "ram:/r", "busybox", "sh", "-c",
                "echo before > /r/f; sleep 300").exit());
        assertEquals(0, daemon.docker("run", "-d", "--name", "short", "-v", "ram:/r", "busybox", "sleep", "1").exit());

        daemon.kill9();
        Thread.sleep(2000); // "short" exits while no daemon runs
        daemon.launch();

        assertTrue(VolumeTest.isMountPoint(data), "still mounted: a running container uses it");
        assertEquals("exited", daemon.docker("inspect", "--format", "{{.State.Status}}", "short").stdout().strip());
        assertTrue(VolumeTest.isMountPoint(data), "the exit of one user does not unmount what another uses");
        assertEquals("before\n", daemon.docker("exec", "long", "cat", "/r/f").stdout());
        assertEquals(0, daemon.docker("exec", "long", "sh", "-c", "echo after >> /r/f").exit());
        Daemon.Result reader = daemon.docker("run", "--rm", "-v", "ram:/r", "busybox", "cat", "/r/f");
        assertEquals("before\nafter\n", reader.stdout(), "a new container sees the same tmpfs: " + reader);

        Daemon.Result rm = daemon.docker("volume", "rm", "ram");
        assertEquals(1, rm.exit(), "references came back with the daemon: " + rm);
        assertTrue(rm.stderr().contains("volume is in use"), rm::toString);

        assertEquals(0, daemon.docker("rm", "-f", "long", "short").exit());
        assertTrue(Daemon.eventually(Duration.ofSeconds(5), () -> !VolumeTest.isMountPoint(data)),
                "unmounted with its last user");
        assertEquals(0, daemon.docker("volume", "rm", "ram").exit());
    }

    @Test
    void aVolumeWhoseLastUserEndedWhileNoDaemonRanIsUnmountedAtStart() throws Exception {
        assertEquals(0, daemon.docker("volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "ram").exit());
        Path data = daemon.root.resolve("volumes/ram/_data");
        assertEquals(0, daemon.docker("run", "-d", "--name", "brief", "-v", "ram:/r", "busybox", "sleep", "1").exit());
        assertTrue(VolumeTest.isMountPoint(data));
        daemon.kill9();
        Thread.sleep(2000);
        daemon.launch();
        assertFalse(VolumeTest.isMountPoint(data), "no user left: unmounted");
        assertEquals(0, daemon.docker("rm", "brief").exit());
        assertEquals(0, daemon.docker("volume", "rm", "ram").exit());
    }

    @Test
    void aVolumeCreateCutShortIsSweptAndAWholeOneKept() throws Exception {
        assertEquals(0, daemon.docker("volume", "create", "whole").exit());
        Files.writeString(daemon.root.resolve("volumes/whole/_data/f"), "kept\n");
        daemon.kill9();
        // what a create leaves when it dies after the directory and before the row
        Path half = daemon.root.resolve("volumes/half");
        Files.createDirectories(half.resolve("_data"));
        Files.writeString(half.resolve("_data/partial"), "x");
        daemon.launch();

        assertFalse(Files.exists(half), "a directory without a row is swept");
        assertEquals("whole\n", daemon.docker("volume", "ls", "-q").stdout());
        assertEquals("kept\n", daemon.docker("run", "--rm", "-v", "whole:/w", "busybox", "cat", "/w/f").stdout());
    }
}
