package berth.registry.client;

import berth.oci.errors.InvalidArgument;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegistryConfigTest {
    private final RegistryConfig config = new RegistryConfig(List.of("reg.example:5000", "10.1.0.0/16", "plain.example"),
            List.of(), Path.of("/nonexistent"), 3, 5);

    @Test
    void loopbackIsInsecureLikeDockers() {
        assertTrue(config.insecure("127.0.0.1:5000"));
        assertTrue(config.insecure("127.8.9.1:1"));
        assertTrue(config.insecure("localhost:5000"));
        assertTrue(config.insecure("[::1]:5000"));
        assertFalse(config.insecure("registry.example:5000"));
    }

    @Test
    void configuredHostsAndRangesAreInsecure() {
        assertTrue(config.insecure("reg.example:5000"));
        assertFalse(config.insecure("reg.example:5001"));
        assertTrue(config.insecure("plain.example:443"));
        assertTrue(config.insecure("10.1.2.3:5000"));
        assertFalse(config.insecure("10.2.2.3:5000"));
    }

    @Test
    void registryAuthHeaderDecodes() {
        String json = "{\"username\":\"me\",\"password\":\"p?w>\",\"serveraddress\":\"localhost:5000\"}";
        AuthConfig auth = AuthConfig.fromHeader(Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes()));
        assertEquals("me", auth.username());
        assertEquals("p?w>", auth.password());
        assertTrue(AuthConfig.fromHeader(null).isAnonymous());
        assertTrue(AuthConfig.fromHeader("e30=").isAnonymous());
        assertThrows(InvalidArgument.class, () -> AuthConfig.fromHeader("!!!"));
    }

    @Test
    void authFieldFillsUserAndPassword() {
        AuthConfig auth = new AuthConfig(null, null, Base64.getEncoder().encodeToString("u:p:q".getBytes()), null, null, null)
                .normalised();
        assertEquals("u", auth.username());
        assertEquals("p:q", auth.password());
    }

    @Test
    void loginServerAddressNamesTheRegistry() {
        assertEquals("docker.io", RegistryClient.registryHost("https://index.docker.io/v1/"));
        assertEquals("docker.io", RegistryClient.registryHost(null));
        assertEquals("localhost:5000", RegistryClient.registryHost("http://localhost:5000/"));
        assertEquals("reg.example", RegistryClient.registryHost("reg.example"));
    }
}
