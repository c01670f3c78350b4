package berth.engine.container;

import berth.engine.model.WaitResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A container while the daemon knows it: its current document and what waits on it (waiters, attach sessions
 * that joined before start, the end of the current run). Guarded by its own monitor; one container's slow stop
 * never blocks another's {@code ps}.
 */
public final class LiveContainer {
    private volatile ContainerDoc doc;
    private final List<CompletableFuture<WaitResponse>> nextExit = new ArrayList<>();
    private final List<CompletableFuture<WaitResponse>> removed = new ArrayList<>();
    private final List<Runnable> beforeStart = new ArrayList<>();
    private CompletableFuture<Void> runEnded = CompletableFuture.completedFuture(null);
    private long lastStartNanos;
    private int backoffMillis;

    public LiveContainer(ContainerDoc doc) {
        this.doc = doc;
    }

    public ContainerDoc doc() {
        return doc;
    }

    public String id() {
        return doc.id();
    }

    public void setDoc(ContainerDoc newDoc) {
        this.doc = newDoc;
    }

    public synchronized CompletableFuture<WaitResponse> waitNextExit() {
        CompletableFuture<WaitResponse> f = new CompletableFuture<>();
        nextExit.add(f);
        return f;
    }

    public synchronized CompletableFuture<WaitResponse> waitRemoved() {
        CompletableFuture<WaitResponse> f = new CompletableFuture<>();
        removed.add(f);
        return f;
    }

    /** Completes the next-exit waiters with {@code code}. */
    public synchronized void exited(int code) {
        WaitResponse response = new WaitResponse(code, null);
        nextExit.forEach(f -> f.complete(response));
        nextExit.clear();
    }

    /** Completes every waiter: the container is gone. */
    public synchronized void gone(int code) {
        exited(code);
        WaitResponse response = new WaitResponse(code, null);
        removed.forEach(f -> f.complete(response));
        removed.clear();
    }

    /** Runs {@code action} just before the next start (an attach that came before start joins then). */
    public synchronized void beforeNextStart(Runnable action) {
        beforeStart.add(action);
    }

    public synchronized List<Runnable> takeBeforeStart() {
        List<Runnable> actions = List.copyOf(beforeStart);
        beforeStart.clear();
        return actions;
    }

    /** A run began: {@link #runEnded()} completes when its exit has been recorded. */
    public synchronized void runStarted() {
        runEnded = new CompletableFuture<>();
        lastStartNanos = System.nanoTime();
    }

    public synchronized CompletableFuture<Void> runEnded() {
        return runEnded;
    }

    public synchronized void runFinished() {
        runEnded.complete(null);
    }

    /** The restart back-off: 100 ms doubling to one minute, reset after a run of ten seconds or more. */
    public synchronized int nextBackoffMillis() {
        if (System.nanoTime() - lastStartNanos >= 10_000_000_000L) {
            backoffMillis = 0;
        }
        backoffMillis = backoffMillis == 0 ? 100 : Math.min(backoffMillis * 2, 60_000);
        return backoffMillis;
    }
}
