package berth.cli.command;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image reference checked on the client as the docker CLI checks it (distribution/reference's
 * ParseNormalizedNamed) before anything is sent, with the same messages: {@code invalid reference format},
 * {@code invalid reference format: repository name (library/Up) must be lowercase}.
 *
 * @param name the name as given, without tag or digest ({@code localhost:5000/app})
 * @param tag the tag, or null
 * @param digest the digest, or null
 */
record ImageReference(String name, String tag, String digest) {
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String DOMAIN = "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*"
            + "|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?";
    private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final Pattern REFERENCE = Pattern.compile(
            "((?:" + DOMAIN + "/)?" + PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*)"
                    + "(?::([\\w][\\w.-]{0,127}))?"
                    + "(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}))?");
    private static final Pattern FULL_ID = Pattern.compile("[a-f0-9]{64}");
    private static final int NAME_MAX = 255;

    /** Adds a {@code REPO[:TAG]} the user typed as the {@code repo} and {@code tag} of a request; a bad one exits 1. */
    static void addRepoAndTag(berth.cli.EngineClient.Query q, String text) {
        ImageReference ref;
        try {
            ref = parse(text);
        } catch (IllegalArgumentException e) {
            throw new berth.cli.UserException(e.getMessage(), 1);
        }
        q.add("repo", ref.name()).add("tag", ref.tag());
    }

    /** Parses {@code text}; a bad one is an {@link IllegalArgumentException} with docker's message. */
    static ImageReference parse(String text) {
        if (FULL_ID.matcher(text).matches()) {
            throw new IllegalArgumentException("invalid repository name (" + text
                    + "), cannot specify 64-byte hexadecimal strings");
        }
        // The lower-case rule applies to the path after the domain, with docker.io's "library/" as docker adds it.
        int slash = text.indexOf('/');
        String first = slash < 0 ? "" : text.substring(0, slash);
        boolean hasDomain = slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost")
                || !first.equals(first.toLowerCase(Locale.ROOT)));
        String remainder = hasDomain ? text.substring(slash + 1) : text;
        if (!hasDomain && !remainder.contains("/")) {
            remainder = "library/" + remainder;
        }
        int colon = remainder.indexOf(':');
        String remoteName = colon < 0 ? remainder : remainder.substring(0, colon);
        if (!remoteName.equals(remoteName.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("invalid reference format: repository name (" + remoteName
                    + ") must be lowercase");
        }
        Matcher m = REFERENCE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(text.isEmpty() ? "invalid reference format"
                    : REFERENCE.matcher(text.toLowerCase(Locale.ROOT)).matches()
                    ? "invalid reference format: repository name must be lowercase" : "invalid reference format");
        }
        if (m.group(1).length() > NAME_MAX) {
            throw new IllegalArgumentException("invalid reference format: repository name must not be more than "
                    + NAME_MAX + " characters");
        }
        return new ImageReference(m.group(1), m.group(2), m.group(3));
    }
}
