package berth.registry.client;

import berth.oci.Json;
import berth.oci.errors.InvalidArgument;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Credentials for one registry, in the shape of the Docker API's auth config (the {@code X-Registry-Auth} header
 * and the body of {@code POST /auth}): a user name and password, or {@code auth} (base64 {@code user:pass}), or an
 * identity token (an OAuth2 refresh token).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AuthConfig(String username, String password, String auth, String serveraddress, String identitytoken,
                         String registrytoken) {
    public static final AuthConfig ANONYMOUS = new AuthConfig(null, null, null, null, null, null);

    public static AuthConfig basic(String username, String password) {
        return new AuthConfig(username, password, null, null, null, null);
    }

    /** Decodes an {@code X-Registry-Auth} header: base64url (padded or not) JSON; empty or absent is anonymous. */
    public static AuthConfig fromHeader(String header) {
        if (header == null || header.isBlank() || header.equals("e30") || header.equals("e30=")) {
            return ANONYMOUS;
        }
        byte[] json;
        try {
            json = Base64.getUrlDecoder().decode(header.trim().replace('+', '-').replace('/', '_'));
        } catch (IllegalArgumentException e) {
            throw new InvalidArgument("invalid X-Registry-Auth header: " + e.getMessage());
        }
        return Json.read(json, AuthConfig.class).normalised();
    }

    /** Fills user and password from {@code auth} when only that was given. */
    public AuthConfig normalised() {
        if ((username == null || username.isEmpty()) && auth != null && !auth.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new InvalidArgument("invalid auth configuration: auth is not base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new InvalidArgument("invalid auth configuration: auth is not user:password");
            }
            return new AuthConfig(decoded.substring(0, colon), decoded.substring(colon + 1), null, serveraddress,
                    identitytoken, registrytoken);
        }
        return this;
    }

    public boolean hasPassword() {
        return username != null && !username.isEmpty() && password != null;
    }

    public boolean isAnonymous() {
        return !hasPassword() && empty(identitytoken) && empty(registrytoken);
    }

    /** The {@code Authorization: Basic} value of user and password. */
    public String basicHeader() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }
}
