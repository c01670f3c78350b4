package berth.api;

import berth.engine.Engine;
import berth.engine.Filters;
import berth.oci.Json;
import berth.oci.errors.InvalidArgument;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The image endpoints. Names may hold slashes and a registry port ({@code localhost:5000/a/b:tag}), hence the
 * greedy {@code {name*}}. Import and load bodies stream to the engine; save streams back.
 */
final class ImageEndpoints {
    private static final String TAR = "application/x-tar";

    private final Engine engine;
    private final DistributionEndpoints distribution;

    ImageEndpoints(Engine engine) {
        this.engine = engine;
        this.distribution = new DistributionEndpoints(engine);
    }

    void register(Router router) {
        distribution.register(router);
        router.add(HttpMethod.GET, "/images/json", this::list)
                .add(HttpMethod.POST, "/images/create", Router.Body.STREAMED, this::create)
                .add(HttpMethod.GET, "/images/get", ex -> save(ex, ex.queryAll("names")))
                .add(HttpMethod.POST, "/images/load", Router.Body.STREAMED, this::load)
                .add(HttpMethod.POST, "/images/prune", ex -> ex.json(HttpResponseStatus.OK,
                        engine.pruneImages(Filters.parse(ex.query("filters")))))
                .add(HttpMethod.GET, "/images/{name*}/json", ex -> ex.json(HttpResponseStatus.OK,
                        engine.inspectImage(ex.param("name"))))
                .add(HttpMethod.GET, "/images/{name*}/history", ex -> ex.json(HttpResponseStatus.OK,
                        engine.imageHistory(ex.param("name"))))
                .add(HttpMethod.GET, "/images/{name*}/get", ex -> save(ex, List.of(ex.param("name"))))
                .add(HttpMethod.POST, "/images/{name*}/tag", this::tag)
                .add(HttpMethod.DELETE, "/images/{name*}", ex -> ex.json(HttpResponseStatus.OK,
                        engine.removeImage(ex.param("name"), ex.bool("force"), ex.bool("noprune"))));
    }

    private void list(Exchange ex) {
        ex.json(HttpResponseStatus.OK,
                engine.listImages(ex.bool("all"), Filters.parse(ex.query("filters")), ex.bool("digests")));
    }

    /** {@code docker import} ({@code fromSrc=-}) or {@code docker pull} ({@code fromImage}). */
    private void create(Exchange ex) throws Exception {
        String fromSrc = ex.query("fromSrc");
        try (InputStream body = ex.bodyStream()) {
            if (fromSrc == null || fromSrc.isEmpty()) {
                String image = ex.query("fromImage");
                if (image == null || image.isEmpty()) {
                    throw new InvalidArgument("fromImage or fromSrc is required");
                }
                distribution.pull(ex, image, ex.query("tag"));
                return;
            }
            if (!fromSrc.equals("-")) {
                throw new InvalidArgument("importing from a URL is not supported: " + fromSrc);
            }
            String id = drainingOnFailure(body, () -> engine.importImage(body, ex.query("repo"), ex.query("tag"),
                    ex.queryAll("changes"), ex.query("message")));
            ex.send(HttpResponseStatus.OK, Exchange.JSON, jsonLine(Map.of("status", id)));
        }
    }

    /**
     * Runs {@code call}; if it fails before the upload is read to its end (a bad --change, a corrupt archive), reads
     * the rest first. A client still sending when the connection closes sees "broken pipe", not the error.
     */
    static <T> T drainingOnFailure(InputStream body, Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            try {
                body.transferTo(OutputStream.nullOutputStream());
            } catch (IOException | RuntimeException drainFailure) {
                e.addSuppressed(drainFailure);
            }
            throw e;
        }
    }

    private void tag(Exchange ex) {
        engine.tagImage(ex.param("name"), ex.query("repo"), ex.query("tag"));
        ex.status(HttpResponseStatus.CREATED);
    }

    private void save(Exchange ex, List<String> names) throws Exception {
        if (names.isEmpty()) {
            throw new InvalidArgument("no image names given");
        }
        Exchange.ChunkedBody body = ex.chunked(TAR);
        try (OutputStream out = new BufferedOutputStream(body.asOutputStream(), 64 * 1024)) {
            engine.saveImages(names, out);
        }
        body.end();
    }

    private void load(Exchange ex) throws Exception {
        List<String> lines;
        try (InputStream body = ex.bodyStream()) {
            lines = drainingOnFailure(body, () -> engine.loadImages(body));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String line : lines) {
            out.write(jsonLine(Map.of("stream", line.endsWith("\n") ? line : line + "\n")));
        }
        ex.send(HttpResponseStatus.OK, Exchange.JSON, out.toByteArray());
    }

    static byte[] jsonLine(Object value) {
        return (new String(Json.write(value), StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
