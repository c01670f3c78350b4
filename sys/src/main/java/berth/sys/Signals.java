package berth.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/** Signal numbers by name (as docker's {@code --signal} and {@code StopSignal} spell them) and kill(2). */
public final class Signals {
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
    public static final int ESRCH = 3;

    private static final Map<String, Integer> NUMBERS = Map.ofEntries(
            Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4),
            Map.entry("TRAP", 5), Map.entry("ABRT", 6), Map.entry("IOT", 6), Map.entry("BUS", 7),
            Map.entry("FPE", 8), Map.entry("KILL", 9), Map.entry("USR1", 10), Map.entry("SEGV", 11),
            Map.entry("USR2", 12), Map.entry("PIPE", 13), Map.entry("ALRM", 14), Map.entry("TERM", 15),
            Map.entry("STKFLT", 16), Map.entry("CHLD", 17), Map.entry("CONT", 18), Map.entry("STOP", 19),
            Map.entry("TSTP", 20), Map.entry("TTIN", 21), Map.entry("TTOU", 22), Map.entry("URG", 23),
            Map.entry("XCPU", 24), Map.entry("XFSZ", 25), Map.entry("VTALRM", 26), Map.entry("PROF", 27),
            Map.entry("WINCH", 28), Map.entry("IO", 29), Map.entry("POLL", 29), Map.entry("PWR", 30),
            Map.entry("SYS", 31));

    private static final MethodHandle KILL = Libc.function("kill", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private Signals() {}

    /** {@code "SIGTERM"}, {@code "term"}, {@code "15"} and {@code "RTMIN+3"} all resolve; anything else is empty. */
    public static OptionalInt parse(String name) {
        if (name == null || name.isBlank()) {
            return OptionalInt.empty();
        }
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (n.chars().allMatch(Character::isDigit)) {
            int v = Integer.parseInt(n);
            return v > 0 && v <= 64 ? OptionalInt.of(v) : OptionalInt.empty();
        }
        if (n.startsWith("SIG")) {
            n = n.substring(3);
        }
        if (n.startsWith("RTMIN+") || n.startsWith("RTMAX-")) {
            try {
                int off = Integer.parseInt(n.substring(6));
                int v = n.startsWith("RTMIN") ? 34 + off : 64 - off;
                return v >= 34 && v <= 64 ? OptionalInt.of(v) : OptionalInt.empty();
            } catch (NumberFormatException e) {
                return OptionalInt.empty();
            }
        }
        Integer v = NUMBERS.get(n);
        return v == null ? OptionalInt.empty() : OptionalInt.of(v);
    }

    /** Sends {@code signal} to {@code pid}; returns false if no such process exists. */
    public static boolean kill(int pid, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            int rc = (int) KILL.invokeExact(errno, pid, signal);
            if (rc != 0) {
                if (Libc.errno(errno) == ESRCH) {
                    return false;
                }
                throw Libc.failure("kill " + pid, errno);
            }
            return true;
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
