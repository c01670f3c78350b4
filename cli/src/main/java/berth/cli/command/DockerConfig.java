package berth.cli.command;

import berth.cli.UserException;
import berth.cli.format.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The docker CLI's credentials: {@code $DOCKER_CONFIG/config.json} (default {@code ~/.docker/config.json}), whose
 * {@code auths} map a registry to {@code {"auth": base64("user:password")}}, unless {@code credHelpers} names a
 * helper for that registry or {@code credsStore} one for all: then {@code docker-credential-<name>} keeps them
 * ({@code get}, {@code store}, {@code erase}, JSON on stdin and stdout). Every other key of the file is kept as is.
 * Docker Hub's key is {@code https://index.docker.io/v1/}.
 */
final class DockerConfig {
    static final String DOCKER_HUB = "https://index.docker.io/v1/";

    /** A user name and password (or identity token) for one registry. */
    record Credentials(String username, String secret) {}

    private final Path file;

    DockerConfig(Map<String, String> env) {
        String dir = env.get("DOCKER_CONFIG");
        this.file = (dir != null && !dir.isEmpty() ? Path.of(dir)
                : Path.of(System.getProperty("user.home"), ".docker")).resolve("config.json");
    }

    Path file() {
        return file;
    }

    /** The key docker files a registry under: Docker Hub's legacy URL, else the host[:port]. */
    static String key(String registry) {
        if (registry == null || registry.isEmpty()) {
            return DOCKER_HUB;
        }
        String host = registry.replaceFirst("^[a-zA-Z]+://", "");
        int slash = host.indexOf('/');
        host = slash >= 0 ? host.substring(0, slash) : host;
        return host.equals("docker.io") || host.equals("index.docker.io") || host.equals("registry-1.docker.io")
                ? DOCKER_HUB : host;
    }

    /** The stored credentials for {@code registry}, if any. */
    Credentials get(String registry) {
        String key = key(registry);
        Map<String, Object> config = read();
        String helper = helper(config, key);
        if (helper != null) {
            HelperResult r = runHelper(helper, "get", key);
            if (r.exit != 0) {
                return null; // "credentials not found in native keychain"
            }
            Object answer = Json.parse(r.out);
            return new Credentials(Json.str(answer, "Username"), Json.str(answer, "Secret"));
        }
        String auth = Json.str(config, "auths", key, "auth");
        if (auth.isEmpty()) {
            String token = Json.str(config, "auths", key, "identitytoken");
            return token.isEmpty() ? null : new Credentials("", token);
        }
        String decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    void store(String registry, Credentials credentials) {
        String key = key(registry);
        Map<String, Object> config = read();
        String helper = helper(config, key);
        Map<String, Object> auths = auths(config);
        if (helper != null) {
            String input = Json.write(Json.object("ServerURL", key, "Username", credentials.username(), "Secret", credentials.secret()));
            HelperResult r = runHelper(helper, "store", input);
            if (r.exit != 0) {
                throw new UserException("Error saving credentials: error storing credentials - err: exit status " + r.exit
                        + ", out: `" + r.out.strip() + "`", 1);
            }
            auths.put(key, new LinkedHashMap<>());
        } else {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("auth", Base64.getEncoder().encodeToString(
                    (credentials.username() + ":" + credentials.secret()).getBytes(StandardCharsets.UTF_8)));
            auths.put(key, entry);
        }
        write(config);
    }

    /** Removes the credentials of {@code registry}; false if there were none. */
    boolean erase(String registry) {
        String key = key(registry);
        Map<String, Object> config = read();
        String helper = helper(config, key);
        boolean had = auths(config).remove(key) != null;
        if (helper != null) {
            had |= runHelper(helper, "erase", key).exit == 0;
        }
        if (had) {
            write(config);
        }
        return had;
    }

    private static String helper(Map<String, Object> config, String key) {
        String specific = Json.str(config, "credHelpers", key);
        if (!specific.isEmpty()) {
            return specific;
        }
        String all = Json.str(config, "credsStore");
        return all.isEmpty() ? null : all;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> auths(Map<String, Object> config) {
        return (Map<String, Object>) config.computeIfAbsent("auths", k -> new LinkedHashMap<String, Object>());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> read() {
        try {
            Object tree = Json.parse(Files.readAllBytes(file));
            if (tree instanceof Map<?, ?> map) {
                return (Map<String, Object>) map;
            }
            throw new UserException("loading config file " + file + ": not a JSON object", 1);
        } catch (NoSuchFileException e) {
            return new LinkedHashMap<>();
        } catch (IOException | RuntimeException e) {
            if (e instanceof UserException u) {
                throw u;
            }
            throw new UserException("loading config file " + file + ": " + e.getMessage(), 1);
        }
    }

    // As docker does: a temporary file beside it, mode 0600, renamed over the old one.
    private void write(Map<String, Object> config) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "config.json", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, Json.write(config) + "\n");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UserException("Error saving credentials: " + e.getMessage(), 1);
        }
    }

    private record HelperResult(int exit, String out) {}

    private static HelperResult runHelper(String name, String action, String input) {
        String program = "docker-credential-" + name;
        try {
            Process p = new ProcessBuilder(program, action).redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
            String out;
            try (InputStream o = p.getInputStream()) {
                out = new String(o.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new UserException(program + " " + action + " did not finish in 30 s", 1);
            }
            return new HelperResult(p.exitValue(), out);
        } catch (IOException e) {
            throw new UserException("error getting credentials - err: exec: \"" + program
                    + "\": executable file not found in $PATH", 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted", 1);
        }
    }

    /** The {@code X-Registry-Auth} header value for {@code registry}: base64url JSON, {@code e30} for none. */
    String registryAuthHeader(String registry) {
        Credentials c = get(registry);
        String json = c == null ? "{}" : Json.write(c.username().isEmpty()
                ? Json.object("identitytoken", c.secret(), "serveraddress", key(registry))
                : Json.object("username", c.username(), "password", c.secret(), "serveraddress", key(registry)));
        return Base64.getUrlEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
