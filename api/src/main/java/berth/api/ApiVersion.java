package berth.api;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API versions Berth serves and the {@code /vX.Y} prefix of a request path. Unversioned paths are served as
 * the newest version; a prefix outside {@link #MIN}…{@link #MAX} is refused with docker's messages.
 */
record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {
    static final ApiVersion MIN = new ApiVersion(1, 24);
    static final ApiVersion MAX = new ApiVersion(1, 51);

    private static final Pattern PREFIX = Pattern.compile("^/v(\\d+)\\.(\\d+)(/.*)?$");

    /** A request path split into its version (the newest when absent) and the path the routes match. */
    record VersionedPath(ApiVersion version, String path) {}

    /** Splits {@code /v1.41/containers/json}; a version out of range is an {@link HttpError} of 400. */
    static VersionedPath split(String rawPath) {
        Matcher m = PREFIX.matcher(rawPath);
        if (!m.matches()) {
            return new VersionedPath(MAX, rawPath);
        }
        ApiVersion version;
        try {
            version = new ApiVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        } catch (NumberFormatException e) {
            throw new HttpError(HttpResponseStatus.BAD_REQUEST, "invalid API version in path: " + rawPath);
        }
        String shown = m.group(1) + "." + m.group(2);
        if (version.compareTo(MAX) > 0) {
            throw new HttpError(HttpResponseStatus.BAD_REQUEST,
                    "client version " + shown + " is too new. Maximum supported API version is " + MAX);
        }
        if (version.compareTo(MIN) < 0) {
            throw new HttpError(HttpResponseStatus.BAD_REQUEST, "client version " + shown
                    + " is too old. Minimum supported API version is " + MIN
                    + ", please upgrade your client to a newer version");
        }
        return new VersionedPath(version, m.group(3) == null ? "/" : m.group(3));
    }

    @Override
    public int compareTo(ApiVersion other) {
        return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
