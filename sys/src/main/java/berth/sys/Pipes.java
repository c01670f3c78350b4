package berth.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** pipe2(2) with close-on-exec ends, so a pipe reaches only the child it is explicitly given to. */
public final class Pipes {
    private static final MethodHandle PIPE2 = Libc.function("pipe2", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private Pipes() {}

    /** The two ends of a pipe. */
    public record Pipe(int readEnd, int writeEnd) implements AutoCloseable {
        @Override
        public void close() {
            Fds.close(readEnd);
            Fds.close(writeEnd);
        }
    }

    public static Pipe open() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSegment(arena);
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            int rc = (int) PIPE2.invokeExact(errno, fds, Fds.O_CLOEXEC);
            if (rc != 0) {
                throw Libc.failure("pipe2", errno);
            }
            return new Pipe(fds.getAtIndex(ValueLayout.JAVA_INT, 0), fds.getAtIndex(ValueLayout.JAVA_INT, 1));
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
