package berth.registry.server;

import java.util.regex.Pattern;

/**
 * A repository name as the distribution spec allows it: path components of lower-case letters and digits joined
 * by {@code .}, {@code _}, {@code __} or dashes, separated by {@code /}, at most 255 characters. Valid names
 * cannot climb out of the repositories directory: no component is empty, {@code .} or {@code ..}.
 */
public record RepositoryName(String value) implements Comparable<RepositoryName> {
    private static final Pattern NAME = Pattern.compile(
            "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
    private static final int MAX_LENGTH = 255;

    public RepositoryName {
        if (value.length() > MAX_LENGTH || !NAME.matcher(value).matches()) {
            throw ErrorCode.NAME_INVALID.with("invalid repository name: \"" + value + "\"");
        }
    }

    @Override
    public int compareTo(RepositoryName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
