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
 * Docker's default seccomp profile, turned into the OCI {@code linux.seccomp} object for one container's capability
 * set on x86-64. Rules carry {@code includes}/{@code excludes} by capability, architecture and minimum kernel.
 *
 * <p>{@code seccomp-default.json} is moby's {@code profiles/seccomp/default.json} as Debian 12 ships it
 * (golang-github-docker-docker-dev 20.10.24), with the unprivileged syscalls later docker releases allow added to its
 * first rule (cachestat, fchmodat2, futex_requeue, futex_wait, futex_wake, map_shadow_stack): denied with EPERM, a
 * newer libc would fail instead of falling back. Unlike podman's profile it refuses mount, unshare, namespace-making
 * clone flags, keyctl and friends unless CAP_SYS_ADMIN is granted, as docker does.
 */
public final class SeccompProfile {
    private static final JsonNode DEFAULT = load();
    private static final Set<String> ARCHES = Set.of("amd64", "x86", "x32");
    private static final KernelVersion KERNEL = KernelVersion.parse(System.getProperty("os.version"));

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

    /** The OCI seccomp object of Docker's default profile for a container holding {@code caps}. */
    public static ObjectNode forCapabilities(Collection<String> caps) {
        return from(DEFAULT, caps);
    }

    /**
     * The OCI seccomp object of a profile in Docker's format ({@code --security-opt seccomp=FILE}, whose content the
     * docker CLI sends) for a container holding {@code caps}: rules that need capabilities it lacks, another
     * architecture or a newer kernel are left out.
     */
    public static ObjectNode from(JsonNode profile, Collection<String> caps) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("defaultAction", profile.path("defaultAction").asText("SCMP_ACT_ERRNO"));
        if (profile.has("defaultErrnoRet")) {
            out.put("defaultErrnoRet", profile.get("defaultErrnoRet").asInt());
        }
        ArrayNode arches = out.putArray("architectures");
        arches.add("SCMP_ARCH_X86_64").add("SCMP_ARCH_X86").add("SCMP_ARCH_X32");
        ArrayNode syscalls = out.putArray("syscalls");
        for (JsonNode rule : profile.path("syscalls")) {
            if (!applies(rule.path("includes"), rule.path("excludes"), caps)) {
                continue;
            }
            ObjectNode r = syscalls.addObject();
            // Older profiles name one syscall per rule ("name"); the OCI spec wants a list.
            r.set("names", rule.has("names") ? rule.get("names") : Json.MAPPER.createArrayNode().add(rule.path("name").asText()));
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
        boolean archIncluded = includes.path("arches").isEmpty();
        for (JsonNode a : includes.path("arches")) {
            archIncluded |= ARCHES.contains(a.asText());
        }
        return archIncluded && includesCaps(includes, caps) && kernelAtLeast(includes.path("minKernel"), true)
                && !excluded(excludes, caps);
    }

    /** Whether the running kernel is at least {@code minKernel}; {@code ifAbsent} when the rule names none. */
    private static boolean kernelAtLeast(JsonNode minKernel, boolean ifAbsent) {
        if (minKernel.isMissingNode() || minKernel.asText().isEmpty()) {
            return ifAbsent;
        }
        return KERNEL.compareTo(KernelVersion.parse(minKernel.asText())) >= 0;
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
        return kernelAtLeast(excludes.path("minKernel"), false);
    }
}
