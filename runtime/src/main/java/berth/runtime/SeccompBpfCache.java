package berth.runtime;

import berth.oci.Digest;
import berth.oci.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiled seccomp filters, by profile. crun spends ~15 ms of CPU compiling Docker's profile with libseccomp on
 * every create, and it keeps the result as {@code seccomp.bpf} in the container's state directory; Berth keeps that
 * filter per profile and hands it back through crun's {@code run.oci.seccomp_bpf_data} annotation, which makes
 * crun load it as it is. The spec keeps its seccomp section, so runc (which ignores the annotation) is unaffected.
 * The cache lives under the exec root: a reboot, which may bring another kernel, starts it afresh.
 */
public final class SeccompBpfCache {
    static final String ANNOTATION = "run.oci.seccomp_bpf_data";
    private final Path dir;
    private final Map<String, String> encoded = new ConcurrentHashMap<>();

    public SeccompBpfCache(Path dir) {
        this.dir = dir;
    }

    /** Adds the annotation to {@code spec} when its profile's filter is known; returns whether it did. */
    public boolean applyTo(ObjectNode spec) {
        String key = key(spec);
        if (key == null) {
            return false;
        }
        String bpf = encoded.computeIfAbsent(key, this::readStored);
        if (bpf == null) {
            encoded.remove(key);
            return false;
        }
        spec.withObject("annotations").put(ANNOTATION, bpf);
        return true;
    }

    /** Keeps the filter crun compiled for {@code spec} while creating the container whose state is {@code stateDir}. */
    public void learn(ObjectNode spec, Path stateDir) {
        String key = key(spec);
        Path compiled = stateDir.resolve("seccomp.bpf");
        if (key == null || encoded.containsKey(key) || !Files.isRegularFile(compiled)) {
            return;
        }
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, key, ".tmp");
            Files.copy(compiled, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, dir.resolve(key + ".bpf"), StandardCopyOption.ATOMIC_MOVE);
            encoded.put(key, Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve(key + ".bpf"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String readStored(String key) {
        Path file = dir.resolve(key + ".bpf");
        try {
            return Files.isRegularFile(file) ? Base64.getEncoder().encodeToString(Files.readAllBytes(file)) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The profile's digest, or null for a spec without seccomp (privileged) or one already annotated. */
    private static String key(ObjectNode spec) {
        JsonNode seccomp = spec.path("linux").path("seccomp");
        if (seccomp.isMissingNode() || seccomp.isNull() || spec.path("annotations").has(ANNOTATION)) {
            return null;
        }
        return Digest.sha256(Json.write(seccomp)).hex();
    }
}
