package berth.cli.command;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a tar stream entry by entry (ustar headers, PAX {@code path}/{@code linkpath}/{@code size} records and
 * GNU long names), for {@code berth cp} out of a container. The content of the current entry is read through
 * {@link #content()} before the next call to {@link #next()}; what is left of it is skipped.
 */
final class TarReader {
    /** One entry's header: type is the tar type flag ('0' file, '5' directory, '1' hardlink, '2' symlink, …). */
    record Entry(String name, char type, int mode, int uid, int gid, long size, long mtime, String linkName,
                 int devMajor, int devMinor) {
        boolean isDirectory() {
            return type == '5' || (type == '0' && name.endsWith("/"));
        }

        Entry withNames(String newName, String newLink) {
            return new Entry(newName, type, mode, uid, gid, size, mtime, newLink, devMajor, devMinor);
        }
    }

    private final InputStream in;
    private long remaining;
    private long padding;

    TarReader(InputStream in) {
        this.in = in;
    }

    /** The next entry, or null at the end of the archive. */
    Entry next() throws IOException {
        skip(remaining + padding);
        remaining = 0;
        padding = 0;
        String longName = null;
        String longLink = null;
        Long paxSize = null;
        while (true) {
            byte[] header = in.readNBytes(512);
            if (header.length < 512 || isZero(header)) {
                return null;
            }
            char type = (char) header[156];
            long size = octal(header, 124, 12);
            if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
                byte[] data = in.readNBytes((int) size);
                skip(pad(size));
                if (type == 'L') {
                    longName = cString(data);
                } else if (type == 'K') {
                    longLink = cString(data);
                } else if (type == 'x') {
                    for (String[] record : paxRecords(data)) {
                        switch (record[0]) {
                            case "path" -> longName = record[1];
                            case "linkpath" -> longLink = record[1];
                            case "size" -> paxSize = Long.parseLong(record[1]);
                            default -> { }
                        }
                    }
                }
                continue;
            }
            String name = longName != null ? longName : ustarName(header);
            String link = longLink != null ? longLink : field(header, 157, 100);
            long entrySize = paxSize != null ? paxSize : size;
            if (type == '5' || type == '1' || type == '2' || type == '3' || type == '4' || type == '6') {
                entrySize = type == '1' ? 0 : entrySize;
            }
            remaining = entrySize;
            padding = pad(entrySize);
            return new Entry(name, type == '\0' ? '0' : type, (int) octal(header, 100, 8), (int) octal(header, 108, 8),
                    (int) octal(header, 116, 8), entrySize, octal(header, 136, 12), link,
                    (int) octal(header, 329, 8), (int) octal(header, 337, 8));
        }
    }

    /** The current entry's content; reading past its end gives end of stream. */
    InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("truncated tar archive");
                }
                remaining -= n;
                return n;
            }
        };
    }

    private void skip(long n) throws IOException {
        long left = n;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("truncated tar archive");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private static long pad(long size) {
        return (512 - size % 512) % 512;
    }

    private static String ustarName(byte[] h) {
        String name = field(h, 0, 100);
        String magic = field(h, 257, 6);
        String prefix = magic.startsWith("ustar") ? field(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String field(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    private static String cString(byte[] data) {
        int end = 0;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, 0, end, StandardCharsets.UTF_8);
    }

    // Octal, or base-256 when the high bit of the first byte is set (GNU/PAX big numbers).
    private static long octal(byte[] h, int off, int len) {
        if ((h[off] & 0x80) != 0) {
            long v = h[off] & 0x7f;
            for (int i = off + 1; i < off + len; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        }
        long v = 0;
        for (int i = off; i < off + len; i++) {
            byte b = h[i];
            if (b == 0 || b == ' ') {
                if (v != 0) {
                    break;
                }
                continue;
            }
            if (b < '0' || b > '7') {
                break;
            }
            v = v * 8 + (b - '0');
        }
        return v;
    }

    private static java.util.List<String[]> paxRecords(byte[] data) {
        java.util.List<String[]> records = new java.util.ArrayList<>();
        int pos = 0;
        while (pos < data.length) {
            int space = pos;
            while (space < data.length && data[space] != ' ') {
                space++;
            }
            if (space >= data.length) {
                break;
            }
            int length = Integer.parseInt(new String(data, pos, space - pos, StandardCharsets.US_ASCII));
            String record = new String(data, space + 1, length - (space - pos) - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq > 0) {
                records.add(new String[] {record.substring(0, eq), record.substring(eq + 1)});
            }
            pos += length;
        }
        return records;
    }

    private static boolean isZero(byte[] h) {
        for (byte b : h) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
