package berth.registry.server;

import berth.oci.Digest;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The resources of the distribution API, parsed from a request path. */
sealed interface Route {
    /** {@code /v2/}: the API version check. */
    record Base() implements Route {}

    /** {@code /v2/_catalog}. */
    record Catalog() implements Route {}

    /** {@code /v2/<name>/tags/list}. */
    record Tags(RepositoryName name) implements Route {}

    /** {@code /v2/<name>/manifests/<reference>}. */
    record Manifest(RepositoryName name, ManifestReference reference) implements Route {}

    /** {@code /v2/<name>/blobs/<digest>}. */
    record Blob(RepositoryName name, Digest digest) implements Route {}

    /** {@code /v2/<name>/blobs/uploads/}: where uploads start (and mounts happen). */
    record Uploads(RepositoryName name) implements Route {}

    /** {@code /v2/<name>/blobs/uploads/<uuid>}: one upload in progress. */
    record Upload(RepositoryName name, String uuid) implements Route {}

    /** {@code /v2/<name>/referrers/<digest>}. */
    record Referrers(RepositoryName name, Digest digest) implements Route {}

    // A name may itself contain "blobs" or "manifests" as components: each pattern anchors on the path's end.
    Pattern TAGS = Pattern.compile("/v2/(.+)/tags/list");
    Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/]+)");
    Pattern UPLOADS = Pattern.compile("/v2/(.+)/blobs/uploads/?");
    Pattern UPLOAD = Pattern.compile("/v2/(.+)/blobs/uploads/([^/]+)");
    Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/([^/]+)");
    Pattern REFERRERS = Pattern.compile("/v2/(.+)/referrers/([^/]+)");

    /** The route of a decoded path; NAME_INVALID, DIGEST_INVALID, MANIFEST_INVALID for bad parts, 404 for none. */
    static Route parse(String path) {
        if (path.equals("/v2/") || path.equals("/v2")) {
            return new Base();
        }
        if (path.equals("/v2/_catalog")) {
            return new Catalog();
        }
        Matcher m;
        if ((m = TAGS.matcher(path)).matches()) {
            return new Tags(new RepositoryName(m.group(1)));
        }
        if ((m = MANIFEST.matcher(path)).matches()) {
            return new Manifest(new RepositoryName(m.group(1)), ManifestReference.parse(m.group(2)));
        }
        if ((m = UPLOADS.matcher(path)).matches()) {
            return new Uploads(new RepositoryName(m.group(1)));
        }
        if ((m = UPLOAD.matcher(path)).matches()) {
            return new Upload(new RepositoryName(m.group(1)), m.group(2));
        }
        if ((m = BLOB.matcher(path)).matches()) {
            return new Blob(new RepositoryName(m.group(1)), ManifestReference.digest(m.group(2)));
        }
        if ((m = REFERRERS.matcher(path)).matches()) {
            return new Referrers(new RepositoryName(m.group(1)), ManifestReference.digest(m.group(2)));
        }
        throw ErrorCode.UNSUPPORTED.with("no such endpoint: " + path).withStatus(404);
    }
}
