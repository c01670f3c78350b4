package berth.store;

import berth.oci.errors.InvalidArgument;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream of input a user sent (an archive being loaded, a layer being imported). A failure to read it
 * (truncated, corrupt) is the input's fault and becomes {@link InvalidArgument} with {@code what} in front, so
 * that the code writing the bytes elsewhere sees only its own {@link IOException}s.
 */
public final class UntrustedInputStream extends FilterInputStream {
    private final String what;

    public UntrustedInputStream(InputStream in, String what) {
        super(in);
        this.what = what;
    }

    @Override
    public int read() {
        try {
            return in.read();
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        try {
            return in.read(buffer, offset, length);
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    @Override
    public long skip(long n) {
        try {
            return in.skip(n);
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    /** Runs a read of the input that is not a plain {@code read} (parsing the next tar header, say). */
    public <T> T reading(IoSupplier<T> read) {
        try {
            return read.get();
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    /** A read that may fail with an {@link IOException}. */
    public interface IoSupplier<T> {
        T get() throws IOException;
    }

    private InvalidArgument invalid(IOException e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new InvalidArgument(what + ": " + reason, e);
    }
}
