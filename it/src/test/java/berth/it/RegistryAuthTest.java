package berth.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Registry authentication against real docker-registry instances: basic auth (htpasswd, bcrypt) and docker's
 * token auth (bearer tokens from a token server this test runs on loopback, RS256 JWTs the registry verifies
 * against the server's certificate). {@code login} verifies through the daemon and stores what the docker CLI
 * stores; pulls and pushes then carry the credentials; {@code logout} removes them; a credential helper named by
 * {@code credsStore} keeps them instead of config.json.
 */
class RegistryAuthTest {
    private static final String USER = "berth";
    private static final String PASSWORD = "berth-secret";
    private static final String HTPASSWD = USER + ":$2b$10$8.vCceIeuD5ZbBJBIK6G2OezHDRL/q/7aHNATm9BoaegHomQ59SmW\n";

    private static Daemon daemon;
    private static Path dockerConfig;

    @BeforeAll
    static void start() throws Exception {
        daemon = Daemon.startWithBusybox();
        dockerConfig = daemon.root.getParent().resolve("docker-config/config.json");
    }

    @AfterAll
    static void stop() throws Exception {
        daemon.close();
    }

    private static Daemon.Result ok(Daemon.Result result) {
        assertEquals(0, result.exit(), result.toString());
        return result;
    }

    private static RegistryFixture basicRegistry() throws Exception {
        Path htpasswd = Files.createTempFile(Path.of("/tmp"), "berth-htpasswd", "");
        Files.writeString(htpasswd, HTPASSWD);
        htpasswd.toFile().deleteOnExit();
        return RegistryFixture.start("""
                auth:
                  htpasswd:
                    realm: berth-test
                    path: %s
                """.formatted(htpasswd));
    }

    @Test
    void basicAuthLoginStoresWhatDockerStoresAndPullsAndPushesUseIt() throws Exception {
        try (RegistryFixture registry = basicRegistry()) {
            String ref = registry.host() + "/app:1";
            ok(daemon.berth("tag", "busybox", ref));
            Daemon.Result anonymous = daemon.berth("push", ref);
            assertEquals(1, anonymous.exit(), anonymous.toString());
            assertTrue(anonymous.stderr().contains("no basic auth credentials"), anonymous.toString());

            Daemon.Result wrong = daemon.berth("login", "-u", USER, "-p", "wrong", registry.host());
            assertEquals(1, wrong.exit(), wrong.toString());
            assertFalse(Files.exists(dockerConfig) && Files.readString(dockerConfig).contains(registry.host()));

            Daemon.Result login = ok(daemon.berthWithInput(PASSWORD + "\n", "login", "-u", USER, "--password-stdin", registry.host()));
            assertTrue(login.stdout().contains("Login Succeeded"), login.toString());
            String auth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            String config = Files.readString(dockerConfig);
            assertTrue(config.contains("\"" + registry.host() + "\":{\"auth\":\"" + auth + "\"}"), config);

            ok(daemon.berth("push", ref));
            ok(daemon.berth("rmi", ref));
            ok(daemon.docker("pull", ref)); // the docker CLI reads the same config.json
            assertEquals("hi\n", daemon.berthRunOk(ref, "echo", "hi"));
            ok(daemon.berth("rmi", ref));

            Daemon.Result logout = ok(daemon.berth("logout", registry.host()));
            assertTrue(logout.stdout().contains("Removing login credentials for " + registry.host()), logout.toString());
            assertFalse(Files.readString(dockerConfig).contains(registry.host()));
            Daemon.Result refused = daemon.berth("pull", ref);
            assertEquals(1, refused.exit(), refused.toString());
            assertFalse(ok(daemon.berth("images")).stdout().contains("/app"));

            ok(daemon.docker("login", "-u", USER, "-p", PASSWORD, registry.host()));
            assertTrue(Files.readString(dockerConfig).contains(auth));
            ok(daemon.docker("logout", registry.host()));
        }
    }

    @Test
    void bearerTokensFromATokenServerAuthorisePushAndPull() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "berth-token-");
        try (TokenServer tokens = new TokenServer(dir, USER, PASSWORD);
             RegistryFixture registry = RegistryFixture.start(tokens.authSection(dir.resolve("cert.pem")))) {
            String ref = registry.host() + "/team/app:2";
            ok(daemon.berth("tag", "busybox", ref));
            Daemon.Result anonymous = daemon.berth("push", ref);
            assertEquals(1, anonymous.exit(), anonymous.toString());
            assertTrue(anonymous.stderr().contains("authentication required") || anonymous.stderr().contains("denied"),
                    anonymous.toString());

            Daemon.Result wrong = daemon.berth("login", "-u", USER, "-p", "wrong", registry.host());
            assertEquals(1, wrong.exit(), wrong.toString());
            assertTrue(wrong.stderr().contains("unauthorized: incorrect username or password"), wrong.toString());

            ok(daemon.berth("login", "-u", USER, "-p", PASSWORD, registry.host()));
            String pushed = ok(daemon.berth("push", ref)).stdout();
            assertTrue(pushed.contains("2: digest: sha256:"), pushed);
            assertTrue(tokens.scopes.contains("repository:team/app:pull,push"), tokens.scopes.toString());
            ok(daemon.berth("rmi", ref));
            ok(daemon.berth("pull", ref));
            assertTrue(tokens.scopes.contains("repository:team/app:pull"), tokens.scopes.toString());
            assertEquals("hi\n", daemon.berthRunOk(ref, "echo", "hi"));
            ok(daemon.berth("rmi", ref));
            ok(daemon.berth("logout", registry.host()));
        } finally {
            TestFiles.deleteTree(dir);
        }
    }

    @Test
    void aCredentialHelperKeepsTheCredentialsInsteadOfConfigJson() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "berth-helper-");
        Path helper = dir.resolve("docker-credential-berthtest");
        Files.writeString(helper, """
                #!/bin/sh
                store=%s/store
                case "$1" in
                  store) cat > "$store" ;;
                  get) read url; if [ -f "$store" ]; then cat "$store"; else echo "credentials not found in native keychain"; exit 1; fi ;;
                  erase) read url; rm -f "$store" ;;
                esac
                """.formatted(dir));
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(dockerConfig.getParent());
        Files.writeString(dockerConfig, "{\"credsStore\":\"berthtest\",\"experimental\":\"keep-me\"}");
        try (RegistryFixture registry = basicRegistry()) {
            String ref = registry.host() + "/helped:1";
            ok(withHelper(dir, "login", "-u", USER, "-p", PASSWORD, registry.host()));
            String stored = Files.readString(dir.resolve("store"));
            assertTrue(stored.contains("\"Secret\":\"" + PASSWORD + "\"") && stored.contains("\"ServerURL\":\"" + registry.host() + "\""), stored);
            String config = Files.readString(dockerConfig);
            assertFalse(config.contains(PASSWORD) || config.contains(Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes())), config);
            assertTrue(config.contains("keep-me"), config);
            ok(daemon.berth("tag", "busybox", ref));
            ok(withHelper(dir, "push", ref));
            ok(withHelper(dir, "logout", registry.host()));
            assertFalse(Files.exists(dir.resolve("store")));
            ok(daemon.berth("rmi", ref));
        } finally {
            Files.deleteIfExists(dockerConfig);
            TestFiles.deleteTree(dir);
        }
    }

    private static Daemon.Result withHelper(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("env", "PATH=" + dir + ":" + System.getenv("PATH"),
                Daemon.REPO.resolve("bin/berth").toString(), "-H", daemon.host()));
        command.addAll(List.of(args));
        return daemon.run(command, null);
    }
}
