package berth.api;

import berth.oci.errors.CannotInvoke;
import berth.oci.errors.Conflict;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;
import berth.oci.errors.NotModified;
import berth.oci.errors.Unavailable;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Path patterns, version prefixes, time parameters and the error table, without a socket. */
class RoutingTest {
    private final Router router = ApiServer.routes(new ScriptedEngine());

    private Router.Match match(String method, String path) {
        return router.match(HttpMethod.valueOf(method), path);
    }

    @Test
    void imageNamesKeepTheirSlashesAndPorts() {
        assertEquals(Map.of("name", "localhost:5000/a/b:tag"), match("GET", "/images/localhost:5000/a/b:tag/json").params());
        assertEquals(Map.of("name", "busybox"), match("DELETE", "/images/busybox").params());
        assertEquals(Map.of("name", "a/b"), match("GET", "/images/a/b/history").params());
        assertEquals(Map.of(), match("GET", "/images/json").params());
        assertEquals(Map.of(), match("GET", "/images/get").params());
        assertEquals(Map.of("name", "x/get"), match("GET", "/images/x/get/json").params());
    }

    @Test
    void containerRoutesTakeOneSegmentIds() {
        assertEquals(Map.of("id", "web"), match("POST", "/containers/web/start").params());
        assertEquals(Router.Body.HIJACK, match("POST", "/containers/web/attach").route().body());
        assertThrows(HttpError.class, () -> match("POST", "/containers/a/b/start"));
        assertThrows(HttpError.class, () -> match("GET", "/containers/web/start"));
    }

    @Test
    void versionPrefixes() {
        assertEquals(new ApiVersion.VersionedPath(ApiVersion.MAX, "/containers/json"),
                ApiVersion.split("/containers/json"));
        assertEquals(new ApiVersion.VersionedPath(new ApiVersion(1, 24), "/_ping"), ApiVersion.split("/v1.24/_ping"));
        assertEquals("client version 1.52 is too new. Maximum supported API version is 1.51",
                assertThrows(HttpError.class, () -> ApiVersion.split("/v1.52/_ping")).getMessage());
        assertThrows(HttpError.class, () -> ApiVersion.split("/v1.23/_ping"));
        assertEquals(new ApiVersion.VersionedPath(ApiVersion.MAX, "/version1.41"), ApiVersion.split("/version1.41"));
    }

    @Test
    void unixTimesWithFractions() {
        assertNull(UnixTime.parseNanos(""));
        assertEquals(1_700_000_000_000_000_000L, UnixTime.parseNanos("1700000000"));
        assertEquals(1_700_000_000_120_000_000L, UnixTime.parseNanos("1700000000.12"));
        assertEquals(1_700_000_000_000_000_001L, UnixTime.parseNanos("1700000000.000000001"));
        assertEquals(1_000_000_000L, UnixTime.parseNanos("1970-01-01T00:00:01Z"));
        assertThrows(HttpError.class, () -> UnixTime.parseNanos("yesterday"));
        assertEquals(-1, ContainerEndpoints.tail("all"));
        assertEquals(5, ContainerEndpoints.tail("5"));
    }

    @Test
    void oneTableMapsEngineErrorsToStatuses() {
        assertEquals(404, ErrorMapping.reply(new NotFound("x")).status().code());
        assertEquals(409, ErrorMapping.reply(new Conflict("x")).status().code());
        assertEquals(400, ErrorMapping.reply(new InvalidArgument("x")).status().code());
        assertEquals(400, ErrorMapping.reply(new CannotInvoke("x", true)).status().code());
        assertEquals(500, ErrorMapping.reply(new Unavailable("x")).status().code());
        ErrorMapping.Reply notModified = ErrorMapping.reply(new NotModified("x"));
        assertEquals(304, notModified.status().code());
        assertNull(notModified.message());
        assertEquals(404, ErrorMapping.reply(new CompletionException(new NotFound("gone"))).status().code());
        assertEquals("boom", ErrorMapping.reply(new IllegalStateException("boom")).message());
    }
}
