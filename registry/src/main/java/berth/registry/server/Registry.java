package berth.registry.server;

import io.netty.handler.codec.http.HttpMethod;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The distribution API over one registry root: checks credentials, finds the route of each request and hands it
 * to the endpoints of blobs and uploads or of manifests, tags, referrers and the catalog. Independent of the
 * wire: {@link RegistryConnection} feeds it requests and sends its responses.
 */
final class Registry {
    static final String API_VERSION = "registry/2.0";
    private static final byte[] EMPTY_OBJECT = {'{', '}'};

    final RegistryLayout layout;
    final BlobStore blobs;
    final RepositoryStore repositories;
    final Uploads uploads;
    /**
     * Pushes (finished uploads, mounts, blob checks, manifests) hold it shared; garbage collection's sweep holds
     * it exclusively, so no push is between checking a blob and linking it while the sweep decides.
     */
    final ReadWriteLock collection = new ReentrantReadWriteLock();
    final boolean deleteEnabled;
    private final Htpasswd users;
    private final BlobEndpoints blobEndpoints;
    private final ManifestEndpoints manifestEndpoints;

    /**
     * @param users         who may use the registry; null for anyone
     * @param deleteEnabled whether manifests, tags and blobs may be deleted
     */
    Registry(RegistryLayout layout, Htpasswd users, boolean deleteEnabled) {
        this.layout = layout;
        this.blobs = new BlobStore(layout);
        this.repositories = new RepositoryStore(layout);
        this.uploads = new Uploads(layout);
        this.users = users;
        this.deleteEnabled = deleteEnabled;
        this.blobEndpoints = new BlobEndpoints(this);
        this.manifestEndpoints = new ManifestEndpoints(this);
        layout.createDirectories();
        try {
            blobs.clearIngest();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the body of {@code request} goes, and how it is answered; a refusal when the head is already wrong. */
    RequestBody begin(Request request) {
        try {
            if (users != null && !users.allows(request.header("Authorization"))) {
                throw ErrorCode.UNAUTHORIZED.with("log in with a user of the registry's htpasswd file");
            }
            Route route = Route.parse(request.path());
            HttpMethod method = request.method();
            return switch (route) {
                case Route.Base base when isRead(method) -> RequestBody.none(() -> Response.status(200)
                        .body("application/json", EMPTY_OBJECT));
                case Route.Blob blob -> blobEndpoints.blob(request, blob);
                case Route.Uploads uploads when method.equals(HttpMethod.POST) -> blobEndpoints.startUpload(request, uploads);
                case Route.Upload upload -> blobEndpoints.upload(request, upload);
                case Route.Manifest manifest -> manifestEndpoints.manifest(request, manifest);
                case Route.Tags tags when isRead(method) -> manifestEndpoints.tags(request, tags);
                case Route.Catalog catalog when isRead(method) -> manifestEndpoints.catalog(request);
                case Route.Referrers referrers when isRead(method) -> manifestEndpoints.referrers(request, referrers);
                default -> throw notAllowed(method);
            };
        } catch (RegistryException e) {
            return RequestBody.refused(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isRead(HttpMethod method) {
        return method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
    }

    static RegistryException notAllowed(HttpMethod method) {
        return ErrorCode.UNSUPPORTED.with("method " + method + " is not allowed here");
    }

    RegistryException deletesDisabled() {
        return ErrorCode.UNSUPPORTED.with("deletes are disabled on this registry");
    }

    /** The error response, with the challenge a 401 needs. */
    Response error(RegistryException e) {
        Response response = Response.error(e);
        if (e.code() == ErrorCode.UNAUTHORIZED) {
            response.header("WWW-Authenticate", "Basic realm=\"Berth Registry\"");
        }
        return response;
    }
}
