package berth.registry.server;

import berth.oci.Digest;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpMethod;

import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.locks.Lock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blobs and their uploads: fetch (with ranges), check, delete; uploads monolithic ({@code POST ?digest=}),
 * streamed or chunked ({@code PATCH} with {@code Content-Range}, then {@code PUT ?digest=}), their status and
 * cancellation; and cross-repository mounts. A finished upload's digest is checked against the bytes hashed as
 * they arrived before the blob is published and linked into the repository.
 */
final class BlobEndpoints {
    private static final Pattern CONTENT_RANGE = Pattern.compile("(?:bytes )?(\\d+)-(\\d+)(?:/(?:\\d+|\\*))?");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final Registry registry;

    BlobEndpoints(Registry registry) {
        this.registry = registry;
    }

    RequestBody blob(Request request, Route.Blob route) throws IOException {
        HttpMethod method = request.method();
        if (Registry.isRead(method)) {
            return RequestBody.none(() -> fetch(request, route));
        }
        if (method.equals(HttpMethod.DELETE)) {
            return RequestBody.none(() -> delete(route));
        }
        throw Registry.notAllowed(method);
    }

    private Response fetch(Request request, Route.Blob route) throws IOException {
        RepositoryName name = route.name();
        Digest digest = route.digest();
        long size;
        Lock shared = registry.collection.readLock();
        shared.lock();
        try {
            if (!registry.repositories.hasLayer(name, digest) || !registry.blobs.exists(digest)) {
                throw ErrorCode.BLOB_UNKNOWN.with("blob " + digest + " is not in " + name);
            }
            if (request.isHead()) {
                // A client checking a blob before it pushes a manifest naming it: keep the blob from collection.
                registry.repositories.linkLayer(name, digest);
            }
            size = Files.size(registry.blobs.path(digest));
        } finally {
            shared.unlock();
        }
        Response response = Response.status(200)
                .header("Docker-Content-Digest", digest)
                .header("ETag", "\"" + digest + "\"")
                .header("Accept-Ranges", "bytes");
        String range = request.header("Range");
        Matcher m = range == null ? null : RANGE.matcher(range.strip());
        if (m == null || !m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return response.file("application/octet-stream", new Response.FileRange(registry.blobs.path(digest), 0, size));
        }
        long first;
        long last;
        if (m.group(1).isEmpty()) {
            long suffix = Long.parseLong(m.group(2));
            first = Math.max(0, size - suffix);
            last = size - 1;
        } else {
            first = Long.parseLong(m.group(1));
            last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
        }
        if (first >= size || first > last) {
            return Response.status(416).header("Content-Range", "bytes */" + size)
                    .header("Docker-Content-Digest", digest);
        }
        return Response.status(206).header("Docker-Content-Digest", digest).header("Accept-Ranges", "bytes")
                .header("Content-Range", "bytes " + first + "-" + last + "/" + size)
                .file("application/octet-stream", new Response.FileRange(registry.blobs.path(digest), first,
                        last - first + 1));
    }

    private Response delete(Route.Blob route) throws IOException {
        if (!registry.deleteEnabled) {
            throw registry.deletesDisabled();
        }
        if (!registry.repositories.unlinkLayer(route.name(), route.digest())) {
            throw ErrorCode.BLOB_UNKNOWN.with("blob " + route.digest() + " is not in " + route.name());
        }
        return Response.status(202);
    }

    /** {@code POST /v2/<name>/blobs/uploads/}: a mount, a monolithic upload, or the start of a session. */
    RequestBody startUpload(Request request, Route.Uploads route) throws IOException {
        RepositoryName name = route.name();
        String mount = request.query("mount");
        String from = request.query("from");
        if (mount != null && from != null) {
            Digest digest = ManifestReference.digest(mount);
            RepositoryName source = new RepositoryName(from);
            return RequestBody.none(() -> mounted(name, source, digest) ? created(name, digest) : started(name));
        }
        String digest = request.query("digest");
        if (digest != null) {
            Digest expected = ManifestReference.digest(digest);
            Uploads.Session session = registry.uploads.start(name);
            return append(session, -1, expected);
        }
        return RequestBody.none(() -> started(name));
    }

    private boolean mounted(RepositoryName name, RepositoryName source, Digest digest) throws IOException {
        Lock shared = registry.collection.readLock();
        shared.lock();
        try {
            if (!registry.repositories.hasLayer(source, digest) || !registry.blobs.exists(digest)) {
                return false;
            }
            registry.repositories.linkLayer(name, digest);
            return true;
        } finally {
            shared.unlock();
        }
    }

    private Response started(RepositoryName name) throws IOException {
        return status(Response.status(202), registry.uploads.start(name));
    }

    /** {@code /v2/<name>/blobs/uploads/<uuid>}: status, a chunk, the end, or cancellation. */
    RequestBody upload(Request request, Route.Upload route) throws IOException {
        Uploads.Session session = registry.uploads.get(route.name(), route.uuid());
        HttpMethod method = request.method();
        if (Registry.isRead(method)) {
            return RequestBody.none(() -> status(Response.status(204), session));
        }
        if (method.equals(HttpMethod.DELETE)) {
            return RequestBody.none(() -> {
                registry.uploads.remove(session);
                return Response.status(204);
            });
        }
        if (method.equals(HttpMethod.PATCH)) {
            return append(session, chunkStart(request), null);
        }
        if (method.equals(HttpMethod.PUT)) {
            String digest = request.query("digest");
            if (digest == null) {
                throw ErrorCode.DIGEST_INVALID.with("finishing an upload needs ?digest=");
            }
            Digest expected = ManifestReference.digest(digest);
            long start = request.header("Content-Range") == null ? -1 : chunkStart(request);
            return append(session, start, expected);
        }
        throw Registry.notAllowed(method);
    }

    /** The first offset of a PATCH's {@code Content-Range}, checked against its Content-Length; -1 without one. */
    private static long chunkStart(Request request) {
        String header = request.header("Content-Range");
        if (header == null) {
            return -1;
        }
        Matcher m = CONTENT_RANGE.matcher(header.strip());
        if (!m.matches()) {
            throw ErrorCode.BLOB_UPLOAD_INVALID.with("malformed Content-Range: " + header).withStatus(416);
        }
        long start = Long.parseLong(m.group(1));
        long end = Long.parseLong(m.group(2));
        if (end < start) {
            throw ErrorCode.BLOB_UPLOAD_INVALID.with("Content-Range ends before it starts: " + header).withStatus(416);
        }
        String length = request.header("Content-Length");
        if (length != null && Long.parseLong(length.strip()) != end - start + 1) {
            throw ErrorCode.SIZE_INVALID.with("Content-Range " + header + " is " + (end - start + 1)
                    + " bytes but Content-Length is " + length);
        }
        return start;
    }

    /**
     * Streams the request's body into the upload; then, with {@code expected}, finishes it: the upload must hash to
     * {@code expected}, and its file becomes the blob.
     */
    private RequestBody append(Uploads.Session session, long start, Digest expected) throws IOException {
        Uploads.Appender appender = registry.uploads.append(session, start);
        return new RequestBody() {
            @Override
            public void accept(ByteBuf chunk) throws IOException {
                appender.write(chunk);
            }

            @Override
            public Response finish() throws IOException {
                if (expected == null) {
                    appender.close();
                    flushInBackground(session);
                    return status(Response.status(202), session);
                }
                try (appender) {
                    return complete(session, appender, expected);
                }
            }

            @Override
            public void abort() {
                try {
                    appender.close();
                } catch (IOException e) {
                    // the connection is gone; the upload keeps what reached its file
                }
            }
        };
    }

    /**
     * Starts writing a chunk's bytes to disk now, so the sync that finishing the upload needs (the next request,
     * usually) finds little left to do.
     */
    private static void flushInBackground(Uploads.Session session) {
        Thread.ofVirtual().name("upload-flush").start(() -> {
            try (var channel = java.nio.channels.FileChannel.open(session.data, java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(false);
            } catch (IOException e) {
                // Cancelled or finished meanwhile; finishing syncs anyway.
            }
        });
    }

    /** Publishes a finished upload; its appender stays open meanwhile, so no other request can add to it. */
    private Response complete(Uploads.Session session, Uploads.Appender appender, Digest expected) throws IOException {
        Digest actual = session.digest();
        if (!actual.equals(expected)) {
            registry.uploads.remove(session);
            throw ErrorCode.DIGEST_INVALID.with("the uploaded bytes have digest " + actual + ", not " + expected);
        }
        Lock shared = registry.collection.readLock();
        shared.lock();
        try {
            if (!registry.blobs.exists(actual)) {
                appender.sync();
            }
            registry.blobs.publish(session.data, actual);
            registry.repositories.linkLayer(session.name, actual);
        } finally {
            shared.unlock();
        }
        registry.uploads.remove(session);
        return created(session.name, actual);
    }

    private static Response created(RepositoryName name, Digest digest) {
        return Response.status(201).header("Location", "/v2/" + name + "/blobs/" + digest)
                .header("Docker-Content-Digest", digest);
    }

    private static Response status(Response response, Uploads.Session session) {
        long size = session.size();
        return response.header("Location", "/v2/" + session.name + "/blobs/uploads/" + session.uuid)
                .header("Range", "0-" + Math.max(0, size - 1))
                .header("Docker-Upload-UUID", session.uuid);
    }
}
