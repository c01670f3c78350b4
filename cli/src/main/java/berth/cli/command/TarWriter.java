package berth.cli.command;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a directory tree as a POSIX tar stream (ustar headers, PAX records for long names
 * and link targets) for {@code berth import DIR}: regular files, directories and symlinks,
 * with modes, owners and mtimes; sockets and devices are skipped.
 */
final class TarWriter {
    private TarWriter() {}

    static void writeDirectory(Path root, OutputStream out) throws IOException {
        List<Path> paths;
        try (Stream<Path> s = Files.walk(root)) {
            paths = s.sorted().toList();
        }
        for (Path p : paths) {
            if (p.equals(root)) {
                continue;
            }
            writePath(out, p, root.relativize(p).toString().replace('\\', '/'));
        }
        out.write(new byte[1024]);
        out.flush();
    }

    /**
     * {@code berth cp} into a container: {@code source} (a file, or a directory with everything below it) as
     * entries under {@code topName} ({@code "."} for the contents of a directory), symlinks not followed.
     */
    static void writeResource(Path source, String topName, OutputStream out) throws IOException {
        List<Path> paths;
        if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.walk(source)) {
                paths = s.sorted().toList();
            }
        } else {
            paths = List.of(source);
        }
        for (Path p : paths) {
            String relative = source.relativize(p).toString();
            writePath(out, p, relative.isEmpty() ? topName : topName + "/" + relative);
        }
        out.write(new byte[1024]);
        out.flush();
    }

    private static void writePath(OutputStream out, Path p, String name) throws IOException {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int mode = ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777;
        long mtime = a.lastModifiedTime().toMillis() / 1000;
        int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int gid = (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink()) {
            entry(out, name, '2', mode, uid, gid, 0, mtime, Files.readSymbolicLink(p).toString());
        } else if (a.isDirectory()) {
            entry(out, name + "/", '5', mode, uid, gid, 0, mtime, "");
        } else if (a.isRegularFile()) {
            entry(out, name, '0', mode, uid, gid, a.size(), mtime, "");
            long written;
            try (InputStream in = Files.newInputStream(p)) {
                written = in.transferTo(out);
            }
            if (written != a.size()) {
                throw new IOException(name + " changed size while archiving");
            }
            pad(out, written);
        }
    }

    private static void entry(OutputStream out, String name, char type, int mode, int uid, int gid, long size, long mtime, String link) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] linkBytes = link.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 100 || linkBytes.length > 100) {
            StringBuilder pax = new StringBuilder();
            if (nameBytes.length > 100) {
                pax.append(record("path", name));
            }
            if (linkBytes.length > 100) {
                pax.append(record("linkpath", link));
            }
            byte[] data = pax.toString().getBytes(StandardCharsets.UTF_8);
            out.write(header("PaxHeaders/" + truncate(name), 'x', 0644, 0, 0, data.length, mtime, ""));
            out.write(data);
            pad(out, data.length);
        }
        out.write(header(truncate(name), type, mode, uid, gid, size, mtime, truncate(link)));
    }

    private static String truncate(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return b.length <= 100 ? s : new String(b, 0, 100, StandardCharsets.UTF_8);
    }

    /** A PAX record "LEN key=value\n" whose length counts its own digits. */
    private static String record(String key, String value) {
        int body = key.length() + value.getBytes(StandardCharsets.UTF_8).length + 3;
        int len = body + String.valueOf(body).length();
        if (String.valueOf(len).length() != String.valueOf(body).length()) {
            len++;
        }
        return len + " " + key + "=" + value + "\n";
    }

    private static byte[] header(String name, char type, int mode, int uid, int gid, long size, long mtime, String link) {
        byte[] h = new byte[512];
        put(h, 0, 100, name.getBytes(StandardCharsets.UTF_8));
        octal(h, 100, 8, mode);
        octal(h, 108, 8, uid);
        octal(h, 116, 8, gid);
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtime);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        h[156] = (byte) type;
        put(h, 157, 100, link.getBytes(StandardCharsets.UTF_8));
        put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        return h;
    }

    private static void put(byte[] h, int off, int len, byte[] v) {
        System.arraycopy(v, 0, h, off, Math.min(len, v.length));
    }

    private static void octal(byte[] h, int off, int len, long v) {
        String s = Long.toOctalString(v);
        if (s.length() > len - 1) {
            s = s.substring(s.length() - (len - 1));
        }
        s = "0".repeat(len - 1 - s.length()) + s;
        put(h, off, len - 1, s.getBytes(StandardCharsets.US_ASCII));
    }

    private static void pad(OutputStream out, long written) throws IOException {
        int rem = (int) (written % 512);
        if (rem != 0) {
            out.write(new byte[512 - rem]);
        }
    }
}
