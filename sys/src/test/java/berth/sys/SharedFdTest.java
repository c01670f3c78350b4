package berth.sys;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedFdTest {
    private static boolean isDevNull(int fd) throws Exception {
        Path link = Path.of("/proc/self/fd/" + fd);
        return Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && Files.readSymbolicLink(link).toString().equals("/dev/null");
    }

    @Test
    void aDescriptorInUseIsWokenAndClosedByItsLastUserNotUnderIt() throws Exception {
        int raw = Fds.open(Path.of("/dev/null"), Fds.O_RDONLY | Fds.O_CLOEXEC, 0);
        SharedFd fd = new SharedFd(raw);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        Thread user = Thread.ofPlatform().start(() -> fd.use(d -> {
            inside.countDown();
            try {
                leave.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        assertTrue(inside.await(5, TimeUnit.SECONDS));
        AtomicInteger woken = new AtomicInteger(-1);
        fd.close(woken::set);
        assertEquals(raw, woken.get(), "the waiting call is woken on its own descriptor");
        assertTrue(isDevNull(raw), "still open while a call uses it");
        SysException late = assertThrows(SysException.class, () -> fd.use(d -> d));
        assertEquals(9, late.errno());
        leave.countDown();
        user.join(5000);
        assertFalse(isDevNull(raw), "closed by the last call out");
        fd.close(d -> { throw new AssertionError("closed twice"); });
    }

    @Test
    void anIdleDescriptorClosesAtOnce() throws Exception {
        int raw = Fds.open(Path.of("/dev/null"), Fds.O_RDONLY | Fds.O_CLOEXEC, 0);
        SharedFd fd = new SharedFd(raw);
        assertEquals(raw, (int) fd.use(d -> d));
        fd.close(d -> { throw new AssertionError("nothing to wake"); });
        assertFalse(isDevNull(raw));
    }
}
