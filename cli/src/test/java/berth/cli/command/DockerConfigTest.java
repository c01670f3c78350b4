package berth.cli.command;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DockerConfigTest {
    @Test
    void storesBase64UserPasswordUnderTheRegistryAndKeepsOtherKeys(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"auths\":{\"other:5000\":{\"auth\":\"eDp5\"}},\"psFormat\":\"table {{.ID}}\"}");
        DockerConfig config = new DockerConfig(Map.of("DOCKER_CONFIG", dir.toString()));
        config.store("localhost:5000", new DockerConfig.Credentials("me", "p:w"));
        String text = Files.readString(dir.resolve("config.json"));
        String auth = Base64.getEncoder().encodeToString("me:p:w".getBytes(StandardCharsets.UTF_8));
        assertTrue(text.contains("\"localhost:5000\":{\"auth\":\"" + auth + "\"}"), text);
        assertTrue(text.contains("\"other:5000\":{\"auth\":\"eDp5\"}") && text.contains("psFormat"), text);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("config.json"))));
        assertEquals(new DockerConfig.Credentials("me", "p:w"), config.get("http://localhost:5000/"));
        assertTrue(config.erase("localhost:5000"));
        assertFalse(config.erase("localhost:5000"));
        assertNull(config.get("localhost:5000"));
    }

    @Test
    void dockerHubIsFiledUnderItsLegacyUrl(@TempDir Path dir) {
        assertEquals(DockerConfig.DOCKER_HUB, DockerConfig.key(null));
        assertEquals(DockerConfig.DOCKER_HUB, DockerConfig.key("docker.io"));
        assertEquals(DockerConfig.DOCKER_HUB, DockerConfig.key("https://index.docker.io/v1/"));
        assertEquals("reg.example:443", DockerConfig.key("https://reg.example:443/v2/"));
        DockerConfig config = new DockerConfig(Map.of("DOCKER_CONFIG", dir.toString()));
        config.store("docker.io", new DockerConfig.Credentials("u", "p"));
        assertEquals(new DockerConfig.Credentials("u", "p"), config.get(DockerConfig.DOCKER_HUB));
    }

    @Test
    void registryAuthHeaderIsBase64UrlJson(@TempDir Path dir) {
        DockerConfig config = new DockerConfig(Map.of("DOCKER_CONFIG", dir.toString()));
        assertEquals("{}", new String(Base64.getUrlDecoder().decode(config.registryAuthHeader("localhost:5000"))));
        config.store("localhost:5000", new DockerConfig.Credentials("me", "secret"));
        assertEquals("{\"username\":\"me\",\"password\":\"secret\",\"serveraddress\":\"localhost:5000\"}",
                new String(Base64.getUrlDecoder().decode(config.registryAuthHeader("localhost:5000"))));
    }
}
