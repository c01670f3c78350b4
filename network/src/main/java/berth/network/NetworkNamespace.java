package berth.network;

import berth.sys.Fds;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Persistent network namespaces: a new namespace bind-mounted on a file (as {@code ip netns add} does), which
 * netavark configures and the OCI runtime joins through the spec's namespace path. Made without forking: a
 * short-lived platform thread unshares its own network namespace, binds it on the file and returns to the one it
 * came from before it tells anyone. A thread made by a thread inherits its namespace: had it woken its caller from
 * inside the new one, the virtual-thread scheduler could have started a carrier thread there, and every socket
 * later opened on that carrier (a registry client's, a host-port check's, netavark's spawned from it) would have
 * lived in a container's network.
 */
public final class NetworkNamespace {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final MethodHandle UNSHARE = Libc.function("unshare",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SETNS = Libc.function("setns",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

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
        Thread.ofPlatform().start(() -> {
            Throwable failure = null;
            int home;
            try {
                home = Fds.open(Path.of("/proc/thread-self/ns/net"), Fds.O_RDONLY | Fds.O_CLOEXEC, 0);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                return;
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment errno = Libc.errnoSegment(arena);
                if ((int) UNSHARE.invokeExact(errno, CLONE_NEWNET) != 0) {
                    throw Libc.failure("unshare(CLONE_NEWNET)", errno);
                }
                try {
                    Mounts.mount("/proc/thread-self/ns/net", file, "none", Mounts.MS_BIND, null);
                } catch (Throwable t) {
                    failure = t;
                }
                if ((int) SETNS.invokeExact(errno, home, CLONE_NEWNET) != 0) {
                    // Stranded in the new namespace: this thread must wake no one, so it waits here for good
                    // and the caller times out.
                    while (true) {
                        LockSupport.park();
                    }
                }
            } catch (Throwable t) {
                failure = t;
            } finally {
                Fds.close(home);
            }
            if (failure == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(failure);
            }
        });
        try {
            done.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("making the network namespace " + file + " did not finish");
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
