package berth.registry.client;

import berth.oci.Json;
import berth.oci.errors.EngineException;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;
import berth.oci.errors.Unauthorized;
import berth.oci.errors.Unavailable;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Sends {@link RegistryEndpoint}s to one registry for one set of repository scopes. It answers a 401 as the
 * challenge asks: {@code Bearer} by fetching a token from the realm (with the user's password as basic auth when
 * there is one) for the scopes, {@code Basic} by sending the credentials; then it sends the request again. It
 * follows redirects itself (a blob served from elsewhere must not receive the registry's credentials) and repeats
 * idempotent requests whose connection failed. Thread-safe: layers share one caller.
 */
final class RegistryCaller {
    private static final int ATTEMPTS = 3;
    private static final int REDIRECTS = 5;

    private final HttpClient client;
    private final URI base;
    private final AuthConfig auth;
    private final List<String> scopes;
    private volatile String authorization;

    RegistryCaller(HttpClient client, URI base, AuthConfig auth, List<String> scopes) {
        this.client = client;
        this.base = base;
        this.auth = auth;
        this.scopes = List.copyOf(scopes);
    }

    URI base() {
        return base;
    }

    /** The scope of a repository for {@code actions} ({@code pull}, {@code pull,push}). */
    static String scope(String repository, String actions) {
        return "repository:" + repository + ":" + actions;
    }

    <T> T call(RegistryEndpoint<T> endpoint) {
        boolean authorised = false;
        for (int attempt = 1; ; attempt++) {
            HttpResponse<InputStream> response;
            try {
                response = send(endpoint);
            } catch (IOException e) {
                if (endpoint.idempotent() && attempt < ATTEMPTS && !(e instanceof ConnectException && attempt > 1)) {
                    pause(attempt);
                    continue;
                }
                throw unreachable(endpoint, e);
            }
            int status = response.statusCode();
            if (status == 401 && !authorised) {
                String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
                close(response);
                authorise(AuthChallenge.parse(challenge));
                authorised = true;
                attempt--; // an authentication round is not a failed attempt
                continue;
            }
            if (endpoint.accepts(status)) {
                try {
                    return endpoint.read(response);
                } catch (IOException e) {
                    close(response);
                    throw new Unavailable("reading " + endpoint.uri(base) + ": " + e.getMessage(), e);
                }
            }
            if (status >= 500 && endpoint.idempotent() && attempt < ATTEMPTS) {
                close(response);
                pause(attempt);
                continue;
            }
            throw failure(endpoint, response);
        }
    }

    private <T> HttpResponse<InputStream> send(RegistryEndpoint<T> endpoint) throws IOException {
        URI uri = endpoint.uri(base);
        String credentials = authorization;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .method(endpoint.method(), endpoint.body())
                    .header("User-Agent", "berth/0.1");
            endpoint.headers().forEach(request::header);
            if (credentials != null) {
                request.header("Authorization", credentials);
            }
            HttpResponse<InputStream> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            int status = response.statusCode();
            Optional<String> location = response.headers().firstValue("Location");
            boolean redirect = (status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
                    && location.isPresent() && endpoint.idempotent() && !endpoint.method().equals("POST");
            if (!redirect || hop >= REDIRECTS) {
                return response;
            }
            close(response);
            URI next = uri.resolve(location.get());
            if (!next.getAuthority().equals(uri.getAuthority())) {
                credentials = null; // never hand the registry's credentials to the blob's storage
            }
            uri = next;
        }
    }

    private void authorise(List<AuthChallenge> challenges) {
        Optional<AuthChallenge> bearer = challenges.stream().filter(c -> c.scheme().equals("bearer")).findFirst();
        if (bearer.isPresent()) {
            authorization = "Bearer " + token(bearer.get());
            return;
        }
        if (challenges.stream().anyMatch(c -> c.scheme().equals("basic"))) {
            if (!auth.hasPassword()) {
                throw new Unauthorized("authentication required: no basic auth credentials for " + base.getAuthority());
            }
            authorization = auth.basicHeader();
            return;
        }
        throw new Unauthorized("the registry " + base.getAuthority() + " refused the request (401) without a usable challenge");
    }

    private String token(AuthChallenge challenge) {
        String realm = challenge.param("realm")
                .orElseThrow(() -> new Unauthorized("bearer challenge of " + base.getAuthority() + " names no realm"));
        StringBuilder query = new StringBuilder();
        challenge.param("service").ifPresent(s -> query.append("service=").append(encode(s)));
        List<String> asked = scopes.isEmpty() ? challenge.param("scope").map(List::of).orElse(List.of()) : scopes;
        for (String scope : asked) {
            query.append(query.isEmpty() ? "" : "&").append("scope=").append(encode(scope));
        }
        if (auth.hasPassword()) {
            query.append(query.isEmpty() ? "" : "&").append("account=").append(encode(auth.username()));
        }
        URI uri = URI.create(realm + (query.isEmpty() ? "" : (realm.contains("?") ? "&" : "?") + query));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().header("User-Agent", "berth/0.1");
        if (auth.hasPassword()) {
            request.header("Authorization", auth.basicHeader());
        }
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                throw new Unauthorized("unauthorized: incorrect username or password");
            }
            if (response.statusCode() / 100 != 2) {
                throw new Unavailable("token server " + uri.getAuthority() + " answered " + response.statusCode());
            }
            JsonNode node = Json.MAPPER.readTree(response.body());
            String token = node.hasNonNull("token") ? node.get("token").asText()
                    : node.hasNonNull("access_token") ? node.get("access_token").asText() : null;
            if (token == null || token.isEmpty()) {
                throw new Unavailable("token server " + uri.getAuthority() + " gave no token");
            }
            return token;
        } catch (IOException e) {
            throw new Unavailable("getting a token from " + uri.getAuthority() + ": " + message(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted", e);
        }
    }

    private EngineException failure(RegistryEndpoint<?> endpoint, HttpResponse<InputStream> response) {
        String detail = errorText(response);
        int status = response.statusCode();
        String where = endpoint.method() + " " + endpoint.uri(base);
        return switch (status) {
            case 401, 403 -> new Unauthorized(detail.isEmpty() ? "denied: requested access to the resource is denied" : detail);
            case 404 -> new NotFound(detail.isEmpty() ? "not found: " + where : detail);
            case 400 -> new InvalidArgument(detail.isEmpty() ? "the registry refused " + where : detail);
            default -> new Unavailable("the registry answered " + status + " to " + where + (detail.isEmpty() ? "" : ": " + detail));
        };
    }

    // The spec's error body: {"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown",…}]}.
    private static String errorText(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            byte[] body = in.readNBytes(64 * 1024);
            JsonNode errors = body.length == 0 ? null : Json.MAPPER.readTree(body).get("errors");
            if (errors == null || errors.isEmpty()) {
                return "";
            }
            JsonNode first = errors.get(0);
            String code = first.path("code").asText("").toLowerCase().replace('_', ' ');
            String message = first.path("message").asText("");
            return code.isEmpty() ? message : code + ": " + message;
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private Unavailable unreachable(RegistryEndpoint<?> endpoint, IOException e) {
        URI uri = endpoint.uri(base);
        String text = e instanceof ConnectException ? "dial tcp " + uri.getAuthority() + ": " + message(e) : message(e);
        return new Unavailable(endpoint.method().charAt(0) + endpoint.method().substring(1).toLowerCase()
                + " \"" + uri + "\": " + text, e);
    }

    // The JDK turns every failure to connect into a ConnectException, a refusal into one without a message: say what
    // the system said, in docker's words for the refusal.
    private static String message(IOException e) {
        String text = null;
        for (Throwable t = e; t != null && text == null; t = t.getCause() == t ? null : t.getCause()) {
            text = t.getMessage();
        }
        if (e instanceof ConnectException) {
            return text == null || text.equals("Connection refused") ? "connect: connection refused" : "connect: " + text;
        }
        return text == null ? e.getClass().getSimpleName() : text;
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(Duration.ofMillis(200L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void close(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException e) {
            // the connection is dropped either way
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
