package berth.engine.files;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What {@code HEAD /containers/{id}/archive} says of a path, as docker's {@code X-Docker-Container-Path-Stat}
 * header: the base name, size, Go {@code os.FileMode} bits (type bits high, permissions low), modification time
 * (RFC 3339) and, for a symlink, the container path it resolves to.
 */
public record PathStat(@JsonProperty("name") String name, @JsonProperty("size") long size,
                       @JsonProperty("mode") long mode, @JsonProperty("mtime") String mtime,
                       @JsonProperty("linkTarget") String linkTarget) {
    // Go's os.FileMode type bits.
    static final long MODE_DIR = 1L << 31;
    static final long MODE_SYMLINK = 1L << 27;
    static final long MODE_DEVICE = 1L << 26;
    static final long MODE_NAMED_PIPE = 1L << 25;
    static final long MODE_SOCKET = 1L << 24;
    static final long MODE_SETUID = 1L << 23;
    static final long MODE_SETGID = 1L << 22;
    static final long MODE_CHAR_DEVICE = 1L << 21;
    static final long MODE_STICKY = 1L << 20;

    /** Go's {@code os.FileMode} for a Unix {@code st_mode}. */
    public static long goMode(int unixMode) {
        long mode = unixMode & 0777;
        switch (unixMode & 0170000) {
            case 0040000 -> mode |= MODE_DIR;
            case 0120000 -> mode |= MODE_SYMLINK;
            case 0060000 -> mode |= MODE_DEVICE;
            case 0020000 -> mode |= MODE_DEVICE | MODE_CHAR_DEVICE;
            case 0010000 -> mode |= MODE_NAMED_PIPE;
            case 0140000 -> mode |= MODE_SOCKET;
            default -> { }
        }
        if ((unixMode & 04000) != 0) {
            mode |= MODE_SETUID;
        }
        if ((unixMode & 02000) != 0) {
            mode |= MODE_SETGID;
        }
        if ((unixMode & 01000) != 0) {
            mode |= MODE_STICKY;
        }
        return mode;
    }

    public boolean isDirectory() {
        return (mode & MODE_DIR) != 0;
    }
}
