package berth.store.layer;

import berth.oci.errors.InvalidArgument;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;

/**
 * The reading side of an unpack. Every failure to read (a truncated stream, a corrupt gzip or zstd frame, a
 * malformed tar header) is the input's fault and becomes {@link InvalidArgument}; failures to write, which
 * happen elsewhere, stay {@link IOException}s.
 */
final class TarInput {
    private final TarArchiveInputStream tar;

    TarInput(InputStream tarBytes) {
        this.tar = new TarArchiveInputStream(tarBytes);
    }

    /** The next entry, or null at the end of the archive. */
    TarArchiveEntry next() {
        try {
            return tar.getNextEntry();
        } catch (IOException | IllegalArgumentException e) {
            throw malformed(e);
        }
    }

    /** Reads the current entry's content, -1 at its end. */
    int read(byte[] buffer) {
        try {
            return tar.read(buffer);
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    /** Reads {@code in} to its end, so that a digest over it covers every byte. */
    static void drain(InputStream in) {
        try {
            in.transferTo(OutputStream.NOWHERE);
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    private static InvalidArgument malformed(Exception e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new InvalidArgument("invalid layer: " + reason, e);
    }

    private static final class OutputStream extends java.io.OutputStream {
        static final OutputStream NOWHERE = new OutputStream();

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] bytes, int offset, int length) {}
    }
}
