package berth.registry.client;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthChallengeTest {
    @Test
    void bearerChallengeOfDockerHub() {
        List<AuthChallenge> challenges = AuthChallenge.parse("Bearer realm=\"https://auth.docker.io/token\","
                + "service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\"");
        assertEquals(List.of(new AuthChallenge("bearer", Map.of("realm", "https://auth.docker.io/token",
                "service", "registry.docker.io", "scope", "repository:library/busybox:pull"))), challenges);
    }

    @Test
    void quotedValuesKeepCommasAndEscapes() {
        AuthChallenge c = AuthChallenge.parse("Bearer realm=\"http://127.0.0.1:1/t\",scope=\"repository:a:pull,push repository:b:pull\",error=\"say \\\"no\\\"\"").getFirst();
        assertEquals("repository:a:pull,push repository:b:pull", c.params().get("scope"));
        assertEquals("say \"no\"", c.params().get("error"));
    }

    @Test
    void severalChallengesAndBareTokens() {
        List<AuthChallenge> challenges = AuthChallenge.parse("Basic realm=\"basic-realm\", Bearer realm=x, service=y");
        assertEquals(2, challenges.size());
        assertEquals(new AuthChallenge("basic", Map.of("realm", "basic-realm")), challenges.get(0));
        assertEquals(new AuthChallenge("bearer", Map.of("realm", "x", "service", "y")), challenges.get(1));
    }

    @Test
    void garbageGivesNothingUsable() {
        assertTrue(AuthChallenge.parse("").isEmpty());
        assertTrue(AuthChallenge.parse("=\"\",,,").isEmpty());
    }
}
