package berth.api;

import berth.engine.Engine;
import berth.engine.files.PathStat;
import berth.oci.Json;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The container's files and state: the archive endpoints ({@code HEAD}/{@code GET}/{@code PUT
 * /containers/{id}/archive}, what {@code docker cp} uses), export, changes, commit, stats, and {@code /system/df}.
 */
final class FileEndpoints {
    private static final String TAR = "application/x-tar";
    private static final String PATH_STAT = "X-Docker-Container-Path-Stat";

    private final Engine engine;

    FileEndpoints(Engine engine) {
        this.engine = engine;
    }

    void register(Router r) {
        // HEAD first: the router would otherwise answer a HEAD with the GET route, which streams the whole tar.
        r.add(HttpMethod.HEAD, "/containers/{id}/archive", ex -> ex.send(HttpResponseStatus.OK, TAR, null,
                        Map.of(PATH_STAT, header(engine.statContainerPath(ex.param("id"), path(ex))))))
                .add(HttpMethod.GET, "/containers/{id}/archive", this::archive)
                .add(HttpMethod.PUT, "/containers/{id}/archive", Router.Body.STREAMED, this::extract)
                .add(HttpMethod.GET, "/containers/{id}/export", this::export)
                .add(HttpMethod.GET, "/containers/{id}/changes", ex -> ex.json(HttpResponseStatus.OK,
                        engine.containerChanges(ex.param("id"))))
                .add(HttpMethod.GET, "/containers/{id}/stats", this::stats)
                .add(HttpMethod.POST, "/commit", this::commit)
                .add(HttpMethod.GET, "/system/df", ex -> ex.json(HttpResponseStatus.OK, engine.diskUsage()));
    }

    private static String path(Exchange ex) {
        String path = ex.query("path");
        if (path == null || path.isEmpty()) {
            throw new HttpError(HttpResponseStatus.BAD_REQUEST, "path is required");
        }
        return path;
    }

    private static String header(PathStat stat) {
        return Base64.getEncoder().encodeToString(Json.write(stat));
    }

    private void archive(Exchange ex) throws IOException {
        Exchange.ChunkedBody[] body = new Exchange.ChunkedBody[1];
        OutputStream[] out = new OutputStream[1];
        engine.archiveContainerPath(ex.param("id"), path(ex), stat -> {
            body[0] = ex.chunked(TAR, Map.of(PATH_STAT, header(stat)));
            out[0] = new BufferedOutputStream(body[0].asOutputStream(), 64 * 1024);
            return out[0];
        });
        out[0].flush();
        body[0].end();
    }

    private void extract(Exchange ex) throws IOException {
        try (InputStream body = ex.bodyStream()) {
            ImageEndpoints.drainingOnFailure(body, () -> {
                engine.extractToContainer(ex.param("id"), path(ex), body, ex.bool("noOverwriteDirNonDir"),
                        ex.bool("copyUIDGID"));
                return null;
            });
        }
        ex.status(HttpResponseStatus.OK);
    }

    private void export(Exchange ex) throws IOException {
        Exchange.ChunkedBody body = ex.chunked(TAR);
        try (OutputStream out = new BufferedOutputStream(body.asOutputStream(), 64 * 1024)) {
            engine.exportContainer(ex.param("id"), out);
        }
        body.end();
    }

    private void commit(Exchange ex) {
        String container = ex.query("container");
        if (container == null || container.isEmpty()) {
            throw new HttpError(HttpResponseStatus.BAD_REQUEST, "container is required");
        }
        // docker pauses unless told not to: an absent pause means true
        boolean pause = ex.query("pause") == null || ex.query("pause").isEmpty() || ex.bool("pause");
        String id = engine.commitContainer(container, ex.query("repo"), ex.query("tag"), ex.query("comment"),
                ex.query("author"), pause, ex.queryAll("changes"));
        ex.json(HttpResponseStatus.CREATED, Map.of("Id", id));
    }

    private void stats(Exchange ex) {
        boolean stream = ex.query("stream") == null || ex.query("stream").isEmpty() || ex.bool("stream");
        boolean oneShot = ex.bool("one-shot");
        Exchange.ChunkedBody body = ex.chunked(Exchange.JSON);
        AtomicBoolean gone = new AtomicBoolean();
        ex.onClientGone(() -> gone.set(true));
        engine.containerStats(ex.param("id"), stream, oneShot, sample -> {
            byte[] json = Json.write(sample);
            byte[] line = Arrays.copyOf(json, json.length + 1);
            line[json.length] = '\n';
            return !gone.get() && body.write(line);
        });
        body.end();
    }
}
