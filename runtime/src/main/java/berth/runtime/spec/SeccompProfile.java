package berth.runtime.spec;

import berth.oci.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Set;

/**
 * The default seccomp profile (docker's allowlist, in the moby/containers-common format with {@code includes} and
 * {@code excludes} by capability and architecture), turned into the OCI {@code linux.seccomp} object for one
 * container's capability set on x86-64.
 */
public final class SeccompProfile {
    private static final JsonNode DEFAULT = load();
    private static final Set<String> ARCHES = Set.of("amd64", "x86", "x32");

    private SeccompProfile() {}

    private static JsonNode load() {
        try (InputStream in = SeccompProfile.class.getResourceAsStream("seccomp-default.json")) {
            if (in == null) {
                throw new IllegalStateException("seccomp-default.json missing from the runtime module");
            }
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The OCI seccomp object for a container holding {@code caps}. */
    public static ObjectNode forCapabilities(Collection<String> caps) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("defaultAction", DEFAULT.path("defaultAction").asText("SCMP_ACT_ERRNO"));
        if (DEFAULT.has("defaultErrnoRet")) {
            out.put("defaultErrnoRet", DEFAULT.get("defaultErrnoRet").asInt());
        }
        ArrayNode arches = out.putArray("architectures");
        arches.add("SCMP_ARCH_X86_64").add("SCMP_ARCH_X86").add("SCMP_ARCH_X32");
        ArrayNode syscalls = out.putArray("syscalls");
        for (JsonNode rule : DEFAULT.path("syscalls")) {
            if (!applies(rule.path("includes"), rule.path("excludes"), caps)) {
                continue;
            }
            ObjectNode r = syscalls.addObject();
            r.set("names", rule.get("names"));
            r.put("action", rule.path("action").asText());
            if (rule.hasNonNull("errnoRet")) {
                r.put("errnoRet", rule.get("errnoRet").asInt());
            }
            JsonNode args = rule.path("args");
            if (args.isArray() && !args.isEmpty()) {
                r.set("args", args);
            }
        }
        return out;
    }

    private static boolean applies(JsonNode includes, JsonNode excludes, Collection<String> caps) {
        for (JsonNode a : includes.path("arches")) {
            if (!ARCHES.contains(a.asText())) {
                continue;
            }
            return includesCaps(includes, caps) && !excluded(excludes, caps);
        }
        if (includes.path("arches").size() > 0) {
            return false;
        }
        return includesCaps(includes, caps) && !excluded(excludes, caps);
    }

    private static boolean includesCaps(JsonNode includes, Collection<String> caps) {
        for (JsonNode c : includes.path("caps")) {
            if (!caps.contains(c.asText())) {
                return false;
            }
        }
        return true;
    }

    private static boolean excluded(JsonNode excludes, Collection<String> caps) {
        for (JsonNode c : excludes.path("caps")) {
            if (caps.contains(c.asText())) {
                return true;
            }
        }
        for (JsonNode a : excludes.path("arches")) {
            if (ARCHES.contains(a.asText())) {
                return true;
            }
        }
        return false;
    }
}
