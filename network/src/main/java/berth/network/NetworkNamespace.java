package berth.network;

import berth.sys.Libc;
import berth.sys.Mounts;
import berth.sys.SysException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Persistent network namespaces: a new namespace bind-mounted on a file (as {@code ip netns add} does), which
 * netavark configures and the OCI runtime joins through the spec's namespace path. Made without forking: a
 * short-lived platform thread unshares its own network namespace, binds it on the file and ends, so no thread of
 * the daemon is ever left in it.
 */
public final class NetworkNamespace {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final MethodHandle UNSHARE = Libc.function("unshare",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private NetworkNamespace() {}

    /** Creates a fresh network namespace held by a bind mount on {@code file}. */
    public static void create(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        // The thread dies with the namespace it entered; the bind mount keeps the namespace alive.
        Thread.ofPlatform().start(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment errno = Libc.errnoSegment(arena);
                int rc = (int) UNSHARE.invokeExact(errno, CLONE_NEWNET);
                if (rc != 0) {
                    throw Libc.failure("unshare(CLONE_NEWNET)", errno);
                }
                Mounts.mount("/proc/thread-self/ns/net", file, "none", Mounts.MS_BIND, null);
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            remove(file);
            throw e.getCause() instanceof SysException se ? se : new IllegalStateException(e.getCause());
        }
    }

    /** Unmounts and deletes a namespace file; a missing one is not an error. */
    public static void remove(Path file) {
        Mounts.unmount(file, Mounts.MNT_DETACH);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
