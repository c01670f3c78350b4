package berth.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Reports container exits by watching conmon's exit directory (inotify through {@link WatchService}): conmon writes
 * the exit code as text to {@code <exit dir>/<id>} when a container ends. {@link #scan} reports exits that happened
 * while no daemon ran (live restore). Each exit is reported once until {@link #acknowledge} removes its file.
 */
public final class ExitWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ExitWatcher.class.getName());

    /** A container ended with {@code exitCode} (128 + signal when a signal killed it). */
    public record Exit(String id, int exitCode, boolean oomKilled, Instant finishedAt) {}

    private final Conmon conmon;
    private final Consumer<Exit> listener;
    private final WatchService watch;
    private final Map<String, Boolean> reported = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Exit>> waiters = new ConcurrentHashMap<>();

    /** Starts watching {@link Conmon#exitDir()}; {@code listener} is called on the watcher's thread. */
    public ExitWatcher(Conmon conmon, Consumer<Exit> listener) {
        this.conmon = conmon;
        this.listener = listener;
        try {
            Files.createDirectories(conmon.exitDir());
            this.watch = conmon.exitDir().getFileSystem().newWatchService();
            conmon.exitDir().register(watch, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().name("exit-watcher").start(this::loop);
    }

    /** Reports every exit file already present (containers that ended while no daemon watched); returns them. */
    public List<Exit> scan() {
        List<Exit> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(conmon.exitDir())) {
            for (Path f : files.toList()) {
                Exit e = deliver(f.getFileName().toString());
                if (e != null) {
                    found.add(e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /**
     * A future completed by the exit of {@code id}: register before starting the container. Completes at once when
     * the exit was already reported and not yet acknowledged.
     */
    public CompletableFuture<Exit> exitOf(String id) {
        CompletableFuture<Exit> f = waiters.computeIfAbsent(id, k -> new CompletableFuture<>());
        if (!f.isDone() && Files.exists(conmon.exitDir().resolve(id))) {
            Exit e = read(id);
            if (e != null) {
                f.complete(e);
            }
        }
        return f;
    }

    /** The engine recorded the exit of {@code id}: forget it and remove its file, so a restart can exit again. */
    public void acknowledge(String id) {
        try {
            Files.deleteIfExists(conmon.exitDir().resolve(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        reported.remove(id);
        CompletableFuture<Exit> f = waiters.get(id);
        if (f != null && f.isDone()) {
            waiters.remove(id, f);
        }
    }

    private void loop() {
        try {
            while (true) {
                WatchKey key = watch.take();
                for (WatchEvent<?> ev : key.pollEvents()) {
                    if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
                        scan();
                    } else if (ev.context() instanceof Path p) {
                        deliver(p.getFileName().toString());
                    }
                }
                if (!key.reset()) {
                    LOG.log(Level.ERROR, "exit directory {0} is gone; exits are no longer watched", conmon.exitDir());
                    return;
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closed
        }
    }

    private Exit deliver(String id) {
        if (id.startsWith(".") || reported.containsKey(id)) {
            return null;
        }
        Exit e = read(id);
        if (e == null || reported.putIfAbsent(id, Boolean.TRUE) != null) {
            return null;
        }
        try {
            listener.accept(e);
        } catch (RuntimeException x) {
            LOG.log(Level.ERROR, "exit listener failed for " + id, x);
        }
        waiters.computeIfAbsent(id, k -> new CompletableFuture<>()).complete(e);
        return e;
    }

    /** The exit in {@code <exit dir>/<id>}, or null while it is empty or half written. */
    private Exit read(String id) {
        Path f = conmon.exitDir().resolve(id);
        try {
            String text = Files.readString(f).trim();
            if (text.isEmpty()) {
                return null;
            }
            int code = Integer.parseInt(text);
            return new Exit(id, code, conmon.oomKilled(id), Files.getLastModifiedTime(f).toInstant());
        } catch (NoSuchFileException e) {
            return null;
        } catch (NumberFormatException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            watch.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
