package berth.store;

import berth.oci.Digest;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The SHA-256 hasher for blobs and layers: OpenSSL's libcrypto when the system has it, else the JDK's. berthd
 * runs with C1 only, and C1 does not use the JDK's SHA-256 intrinsic, so the JDK's hash runs as compiled Java at a
 * fraction of the speed of libcrypto's (which uses the CPU's SHA instructions); a pull hashes every compressed and
 * every uncompressed byte of its layers.
 */
public final class Sha256 {
    private static final Optional<Functions> LIBCRYPTO = Functions.load();

    private Sha256() {}

    /** A fresh hasher. */
    public static MessageDigest newDigest() {
        return LIBCRYPTO.<MessageDigest>map(Native::new).orElseGet(Digest::newSha256);
    }

    /** SHA256_Init, SHA256_Update and SHA256_Final of libcrypto; deprecated in OpenSSL 3 but exported and stable. */
    private record Functions(MethodHandle init, MethodHandle update, MethodHandle finish) {
        static Optional<Functions> load() {
            try {
                SymbolLookup crypto = SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());
                Linker linker = Linker.nativeLinker();
                // Critical calls read the Java arrays in place: no copy to native memory for each update.
                Linker.Option inPlace = Linker.Option.critical(true);
                return Optional.of(new Functions(
                        linker.downcallHandle(crypto.findOrThrow("SHA256_Init"),
                                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS), inPlace),
                        linker.downcallHandle(crypto.findOrThrow("SHA256_Update"),
                                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                                        ValueLayout.JAVA_LONG), inPlace),
                        linker.downcallHandle(crypto.findOrThrow("SHA256_Final"),
                                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS),
                                inPlace)));
            } catch (IllegalArgumentException | IllegalCallerException | java.util.NoSuchElementException e) {
                return Optional.empty(); // no libcrypto 3 here, or native access not enabled: the JDK's hash
            }
        }
    }

    private static final class Native extends MessageDigest implements Cloneable {
        private static final long CONTEXT_SIZE = 112; // sizeof(SHA256_CTX)
        private static final int LENGTH = 32;

        private final Functions functions;
        private final MemorySegment context = Arena.ofAuto().allocate(CONTEXT_SIZE, 8);

        Native(Functions functions) {
            super("SHA-256");
            this.functions = functions;
            engineReset();
        }

        /** A hasher that goes on from where this one stands: the context is plain data, copied as it is. */
        @Override
        public Object clone() {
            Native copy = new Native(functions);
            MemorySegment.copy(context, 0, copy.context, 0, CONTEXT_SIZE);
            return copy;
        }

        @Override
        protected int engineGetDigestLength() {
            return LENGTH;
        }

        @Override
        protected void engineUpdate(byte input) {
            engineUpdate(new byte[] {input}, 0, 1);
        }

        @Override
        protected void engineUpdate(byte[] input, int offset, int length) {
            if (length > 0) {
                update(MemorySegment.ofArray(input).asSlice(offset, length));
            }
        }

        // The default would copy a direct buffer (a server's network buffer) to an array first.
        @Override
        protected void engineUpdate(ByteBuffer input) {
            if (input.hasRemaining()) {
                update(MemorySegment.ofBuffer(input));
                input.position(input.limit());
            }
        }

        private void update(MemorySegment bytes) {
            check(invoke(() -> (int) functions.update().invokeExact(context, bytes, bytes.byteSize())));
        }

        @Override
        protected byte[] engineDigest() {
            byte[] hash = new byte[LENGTH];
            check(invoke(() -> (int) functions.finish().invokeExact(MemorySegment.ofArray(hash), context)));
            engineReset();
            return hash;
        }

        @Override
        protected void engineReset() {
            check(invoke(() -> (int) functions.init().invokeExact(context)));
        }

        private static void check(int result) {
            if (result != 1) {
                throw new IllegalStateException("libcrypto's SHA-256 failed");
            }
        }

        private interface Call {
            int run() throws Throwable;
        }

        private static int invoke(Call call) {
            try {
                return call.run();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }
}
