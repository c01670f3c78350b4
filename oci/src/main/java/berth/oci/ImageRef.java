package berth.oci;

import berth.oci.errors.InvalidArgument;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An image reference, {@code [domain/]path[:tag][@digest]}, normalised as docker does:
 * {@code busybox} is {@code docker.io/library/busybox:latest}. {@link #familiar()} gives the short form
 * that docker prints.
 */
public record ImageRef(String domain, String path, String tag, Digest digest) {
    public static final String DEFAULT_DOMAIN = "docker.io";
    public static final String DEFAULT_TAG = "latest";
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?"
                    + "|\\[[a-fA-F0-9:]+\\](?::[0-9]+)?");
    private static final int NAME_MAX = 255;

    /** Parses a reference; a missing tag (and no digest) means {@code latest}. */
    public static ImageRef parse(String text) {
        ImageRef ref = parseLoose(text);
        return ref.tag == null && ref.digest == null ? ref.withTag(DEFAULT_TAG) : ref;
    }

    /** Parses a reference and keeps a missing tag missing (for {@code images busybox}, {@code push --all-tags}). */
    public static ImageRef parseLoose(String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidArgument("invalid reference format: empty reference");
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            try {
                digest = Digest.parse(rest.substring(at + 1));
            } catch (InvalidArgument e) {
                throw invalid(text);
            }
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            if (!TAG.matcher(tag).matches()) {
                throw invalid(text);
            }
            rest = rest.substring(0, colon);
        }
        if (rest.length() > NAME_MAX) {
            throw new InvalidArgument("invalid reference format: repository name must not be more than 255 characters");
        }
        String domain = DEFAULT_DOMAIN;
        String path = rest;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost") || !first.equals(first.toLowerCase(Locale.ROOT))) {
                if (!DOMAIN.matcher(first).matches()) {
                    throw invalid(text);
                }
                domain = first;
                path = rest.substring(slash + 1);
            }
        }
        if (domain.equals(DEFAULT_DOMAIN) && !path.contains("/")) {
            path = "library/" + path;
        }
        for (String component : path.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                if (COMPONENT.matcher(component.toLowerCase(Locale.ROOT)).matches()) {
                    throw new InvalidArgument("invalid reference format: repository name (" + path + ") must be lowercase");
                }
                throw invalid(text);
            }
        }
        return new ImageRef(domain, path, tag, digest);
    }

    private static InvalidArgument invalid(String text) {
        return new InvalidArgument("invalid reference format: \"" + text + "\"");
    }

    public ImageRef withTag(String newTag) {
        return new ImageRef(domain, path, newTag, digest);
    }

    /** {@code docker.io/library/busybox}: the repository, fully qualified. */
    public String repository() {
        return domain + "/" + path;
    }

    /** The repository as docker prints it: {@code busybox}, {@code me/app}, {@code localhost:5000/app}. */
    public String familiarRepository() {
        if (!domain.equals(DEFAULT_DOMAIN)) {
            return repository();
        }
        return path.startsWith("library/") ? path.substring("library/".length()) : path;
    }

    /** The short form docker prints: {@code busybox:latest}. */
    public String familiar() {
        return familiarRepository() + suffix();
    }

    private String suffix() {
        return (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }

    @Override
    public String toString() {
        return repository() + suffix();
    }
}
