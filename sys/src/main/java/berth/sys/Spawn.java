package berth.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * posix_spawn(3) of a program with chosen descriptors: the JDK's ProcessBuilder cannot hand a child anything
 * beyond stdin, stdout and stderr, and conmon takes its sync and start pipes as fds 3 and 4.
 * The child starts with every signal at its default disposition and none blocked.
 */
public final class Spawn {
    private static final int POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final int POSIX_SPAWN_SETSIGMASK = 0x08;
    /** Generous upper bounds of glibc's opaque structures (80, 336 and 128 bytes on x86-64). */
    private static final long FILE_ACTIONS_SIZE = 512;
    private static final long ATTR_SIZE = 1024;
    private static final long SIGSET_SIZE = 256;

    private static final MethodHandle SPAWN = Libc.function("posix_spawn", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
            ValueLayout.ADDRESS));
    private static final MethodHandle FA_INIT = Libc.function("posix_spawn_file_actions_init",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle FA_DESTROY = Libc.function("posix_spawn_file_actions_destroy",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle FA_DUP2 = Libc.function("posix_spawn_file_actions_adddup2",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle FA_OPEN = Libc.function("posix_spawn_file_actions_addopen",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle FA_CLOSEFROM = Libc.function("posix_spawn_file_actions_addclosefrom_np",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle FA_CHDIR = Libc.function("posix_spawn_file_actions_addchdir_np",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle ATTR_INIT = Libc.function("posix_spawnattr_init",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle ATTR_DESTROY = Libc.function("posix_spawnattr_destroy",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle ATTR_FLAGS = Libc.function("posix_spawnattr_setflags",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_SHORT));
    private static final MethodHandle ATTR_SIGMASK = Libc.function("posix_spawnattr_setsigmask",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle ATTR_SIGDEF = Libc.function("posix_spawnattr_setsigdefault",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle SIGEMPTY = Libc.function("sigemptyset",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle SIGFILL = Libc.function("sigfillset",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle WAITPID = Libc.function("waitpid", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private Spawn() {}

    /**
     * Starts {@code program} with {@code argv} (argv[0] included) and exactly {@code env}.
     * Each entry of {@code fds} maps a descriptor number in the child to an open descriptor of this process;
     * stdin reads /dev/null and stdout/stderr go to {@code output} (appended), or /dev/null when it is null.
     * Returns the child's pid.
     */
    public static int spawn(Path program, List<String> argv, List<String> env, Map<Integer, Integer> fds, Path output) {
        return spawn(program, argv, env, fds, output, null);
    }

    /** Like {@link #spawn(Path, List, List, Map, Path)}, the child starting in {@code directory} unless it is null. */
    public static int spawn(Path program, List<String> argv, List<String> env, Map<Integer, Integer> fds, Path output,
                            Path directory) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            MemorySegment actions = arena.allocate(FILE_ACTIONS_SIZE, 16);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 16);
            check("posix_spawn_file_actions_init", (int) FA_INIT.invokeExact(errno, actions));
            check("posix_spawnattr_init", (int) ATTR_INIT.invokeExact(errno, attr));
            try {
                MemorySegment devNull = arena.allocateFrom("/dev/null");
                MemorySegment out = output == null ? devNull : arena.allocateFrom(output.toString());
                int outFlags = output == null ? Fds.O_WRONLY : Fds.O_WRONLY | Fds.O_CREAT | Fds.O_APPEND;
                check("addopen", (int) FA_OPEN.invokeExact(errno, actions, 0, devNull, Fds.O_RDONLY, 0));
                check("addopen", (int) FA_OPEN.invokeExact(errno, actions, 1, out, outFlags, 0600));
                check("adddup2", (int) FA_DUP2.invokeExact(errno, actions, 1, 2));
                for (Map.Entry<Integer, Integer> e : fds.entrySet()) {
                    // The source must not collide with a lower target dup2'd before it: callers pass high numbers.
                    check("adddup2", (int) FA_DUP2.invokeExact(errno, actions, (int) e.getValue(), (int) e.getKey()));
                }
                // The JVM's own descriptors (the API socket, the database) are not all close-on-exec: a child
                // that outlives the daemon, as conmon does, must not hold them.
                int firstFree = fds.keySet().stream().mapToInt(Integer::intValue).max().orElse(2) + 1;
                check("addclosefrom_np", (int) FA_CLOSEFROM.invokeExact(errno, actions, Math.max(3, firstFree)));
                if (directory != null) {
                    check("addchdir_np", (int) FA_CHDIR.invokeExact(errno, actions,
                            arena.allocateFrom(directory.toString())));
                }
                MemorySegment empty = arena.allocate(SIGSET_SIZE, 8);
                MemorySegment all = arena.allocate(SIGSET_SIZE, 8);
                check("sigemptyset", (int) SIGEMPTY.invokeExact(errno, empty));
                check("sigfillset", (int) SIGFILL.invokeExact(errno, all));
                check("setsigmask", (int) ATTR_SIGMASK.invokeExact(errno, attr, empty));
                check("setsigdefault", (int) ATTR_SIGDEF.invokeExact(errno, attr, all));
                check("setflags", (int) ATTR_FLAGS.invokeExact(errno, attr,
                        (short) (POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)));
                MemorySegment pid = arena.allocate(ValueLayout.JAVA_INT);
                int rc = (int) SPAWN.invokeExact(errno, pid, arena.allocateFrom(program.toString()), actions, attr,
                        strings(arena, argv), strings(arena, env));
                if (rc != 0) {
                    throw new SysException("posix_spawn " + program + ": " + Libc.strerror(rc), rc);
                }
                return pid.get(ValueLayout.JAVA_INT, 0);
            } finally {
                int a = (int) FA_DESTROY.invokeExact(errno, actions);
                int b = (int) ATTR_DESTROY.invokeExact(errno, attr);
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Waits for child {@code pid}; returns its exit code, or 128 + signal when a signal ended it. */
    public static int waitFor(int pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            MemorySegment status = arena.allocate(ValueLayout.JAVA_INT);
            while (true) {
                int rc = (int) WAITPID.invokeExact(errno, pid, status, 0);
                if (rc == pid) {
                    int s = status.get(ValueLayout.JAVA_INT, 0);
                    int sig = s & 0x7f;
                    return sig == 0 ? (s >> 8) & 0xff : 128 + sig;
                }
                if (rc < 0 && Libc.errno(errno) != Fds.EINTR) {
                    throw Libc.failure("waitpid " + pid, errno);
                }
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MemorySegment strings(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ValueLayout.ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ValueLayout.ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }

    private static void check(String call, int rc) {
        if (rc != 0) {
            throw new SysException(call + ": " + Libc.strerror(rc), rc);
        }
    }
}
