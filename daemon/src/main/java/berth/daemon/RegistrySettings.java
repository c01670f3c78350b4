package berth.daemon;

import berth.oci.Json;
import berth.registry.client.RegistryConfig;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * berthd's registry options as dockerd has them, on the command line ({@code --insecure-registry},
 * {@code --registry-mirror}, {@code --max-concurrent-downloads}, {@code --max-concurrent-uploads}) or in a
 * daemon.json ({@code --config-file}: {@code insecure-registries}, {@code registry-mirrors},
 * {@code max-concurrent-downloads}, {@code max-concurrent-uploads}); the command line adds to the file.
 */
final class RegistrySettings {
    private final List<String> insecure = new ArrayList<>();
    private final List<URI> mirrors = new ArrayList<>();
    private Integer downloads;
    private Integer uploads;

    /** Takes {@code option value} if it is a registry option; false if it is not one. */
    boolean take(String option, String value) {
        switch (option) {
            case "--insecure-registry" -> insecure.add(value);
            case "--registry-mirror" -> mirrors.add(mirror(value));
            case "--max-concurrent-downloads" -> downloads = positive(option, value);
            case "--max-concurrent-uploads" -> uploads = positive(option, value);
            case "--config-file" -> readFile(Path.of(value));
            default -> {
                return false;
            }
        }
        return true;
    }

    static boolean isOption(String option) {
        return List.of("--insecure-registry", "--registry-mirror", "--max-concurrent-downloads",
                "--max-concurrent-uploads", "--config-file").contains(option);
    }

    RegistryConfig config() {
        RegistryConfig d = RegistryConfig.DEFAULT;
        return new RegistryConfig(insecure, mirrors, d.certsDir(),
                downloads == null ? d.maxConcurrentDownloads() : downloads,
                uploads == null ? d.maxConcurrentUploads() : uploads);
    }

    private void readFile(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new DaemonOptions.UsageException("berthd: cannot read " + file + ": " + e.getMessage() + "\n", 1);
        }
        root.path("insecure-registries").forEach(n -> insecure.add(n.asText()));
        root.path("registry-mirrors").forEach(n -> mirrors.add(mirror(n.asText())));
        if (root.has("max-concurrent-downloads")) {
            downloads = positive("max-concurrent-downloads", root.get("max-concurrent-downloads").asText());
        }
        if (root.has("max-concurrent-uploads")) {
            uploads = positive("max-concurrent-uploads", root.get("max-concurrent-uploads").asText());
        }
    }

    private static URI mirror(String value) {
        try {
            URI uri = URI.create(value.endsWith("/") ? value : value + "/");
            if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
                throw new IllegalArgumentException("not http(s)");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new DaemonOptions.UsageException("berthd: invalid registry mirror " + value + ": " + e.getMessage() + "\n", 2);
        }
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new DaemonOptions.UsageException("berthd: " + option + " must be a positive number, not " + value + "\n", 2);
    }
}
