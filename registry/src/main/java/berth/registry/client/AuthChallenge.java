package berth.registry.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 7235): a scheme ({@code bearer}, {@code basic}, lower
 * case) and its parameters, e.g. {@code Bearer realm="https://auth.example/token",service="registry",scope="…"}.
 * A header may carry several challenges; parameter values may be quoted and hold commas.
 */
public record AuthChallenge(String scheme, Map<String, String> params) {
    public Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name));
    }

    /** Parses every challenge of a header value; what cannot be read is skipped, never guessed. */
    public static List<AuthChallenge> parse(String header) {
        List<AuthChallenge> challenges = new ArrayList<>();
        int i = 0;
        int n = header.length();
        String scheme = null;
        Map<String, String> params = new LinkedHashMap<>();
        while (i < n) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ',')) {
                i++;
            }
            int start = i;
            while (i < n && isToken(header.charAt(i))) {
                i++;
            }
            if (start == i) {
                i++; // a stray character: skip it
                continue;
            }
            String token = header.substring(start, i);
            int j = i;
            while (j < n && header.charAt(j) == ' ') {
                j++;
            }
            if (j < n && header.charAt(j) == '=' && scheme != null) {
                j++;
                while (j < n && header.charAt(j) == ' ') {
                    j++;
                }
                StringBuilder value = new StringBuilder();
                if (j < n && header.charAt(j) == '"') {
                    j++;
                    while (j < n && header.charAt(j) != '"') {
                        if (header.charAt(j) == '\\' && j + 1 < n) {
                            j++;
                        }
                        value.append(header.charAt(j++));
                    }
                    j++;
                } else {
                    while (j < n && header.charAt(j) != ',' && header.charAt(j) != ' ') {
                        value.append(header.charAt(j++));
                    }
                }
                params.put(token.toLowerCase(Locale.ROOT), value.toString());
                i = j;
            } else {
                if (scheme != null) {
                    challenges.add(new AuthChallenge(scheme, Map.copyOf(params)));
                }
                scheme = token.toLowerCase(Locale.ROOT);
                params = new LinkedHashMap<>();
            }
        }
        if (scheme != null) {
            challenges.add(new AuthChallenge(scheme, Map.copyOf(params)));
        }
        return challenges;
    }

    private static boolean isToken(char c) {
        return Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
