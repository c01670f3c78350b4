package berth.runtime.spec;

import berth.oci.Json;
import berth.oci.container.HostConfig;
import berth.oci.errors.InvalidArgument;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code --security-opt} values as docker's daemon reads them: {@code no-new-privileges[:true]},
 * {@code seccomp=unconfined} or {@code seccomp=<profile JSON>} (the docker CLI sends a file's content), and the
 * {@code label}, {@code apparmor}, {@code systempaths} and {@code writable-cgroups} keys, accepted for clients'
 * sake. Anything else is refused before a container is made.
 */
public record SecurityOptions(boolean noNewPrivileges, boolean seccompUnconfined, Optional<JsonNode> seccompProfile) {
    private static final Set<String> KEYS = Set.of("label", "apparmor", "seccomp", "no-new-privileges", "systempaths",
            "writable-cgroups");

    public static SecurityOptions of(HostConfig hc) {
        List<String> opts = hc.securityOpt() == null ? List.of() : hc.securityOpt();
        boolean noNewPrivileges = false;
        boolean unconfined = false;
        JsonNode profile = null;
        for (String opt : opts) {
            String trimmed = opt.trim();
            if (trimmed.equals("no-new-privileges") || trimmed.equals("disable")) {
                noNewPrivileges |= trimmed.equals("no-new-privileges");
                continue;
            }
            int sep = indexOfSeparator(trimmed);
            String key = sep < 0 ? trimmed : trimmed.substring(0, sep).toLowerCase(Locale.ROOT);
            if (sep < 0 || !KEYS.contains(key)) {
                throw new InvalidArgument("invalid --security-opt 2: \"" + opt + "\"");
            }
            String value = trimmed.substring(sep + 1);
            switch (key) {
                case "no-new-privileges" -> noNewPrivileges = parseBoolean(opt, value);
                case "seccomp" -> {
                    if (value.equals("unconfined")) {
                        unconfined = true;
                    } else {
                        profile = parseProfile(value);
                    }
                }
                default -> { }
            }
        }
        return new SecurityOptions(noNewPrivileges, unconfined, Optional.ofNullable(profile));
    }

    /** docker takes {@code key=value} and the older {@code key:value}; a JSON value holds ':' itself. */
    private static int indexOfSeparator(String opt) {
        int eq = opt.indexOf('=');
        int colon = opt.indexOf(':');
        if (eq < 0) {
            return colon;
        }
        return colon < 0 ? eq : Math.min(eq, colon);
    }

    private static boolean parseBoolean(String opt, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new InvalidArgument("invalid --security-opt 2: \"" + opt + "\"");
        };
    }

    private static JsonNode parseProfile(String json) {
        try {
            JsonNode profile = Json.MAPPER.readTree(json);
            if (profile == null || !profile.isObject()) {
                throw new InvalidArgument("Decoding seccomp profile failed: not a JSON object");
            }
            return profile;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidArgument("Decoding seccomp profile failed: " + e.getOriginalMessage());
        }
    }
}
