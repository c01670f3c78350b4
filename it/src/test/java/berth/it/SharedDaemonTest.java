package berth.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class whose tests share one berthd with {@code busybox:latest} imported, started before the first test
 * and removed with everything it made after the last. Test classes run one at a time, so the field is theirs.
 */
abstract class SharedDaemonTest {
    static Daemon daemon;

    @BeforeAll
    static void startDaemon() throws Exception {
        daemon = Daemon.startWithBusybox();
    }

    /** Removes every container of the daemon, for tests whose containers must not outlive them. */
    static void removeAllContainers() {
        for (String id : daemon.berth("ps", "-aq").stdout().split("\\s+")) {
            if (!id.isBlank()) {
                daemon.berth("rm", "-f", id);
            }
        }
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        daemon.close();
    }
}
