package berth.api;

import berth.engine.Engine;
import berth.oci.Json;
import berth.registry.client.AuthConfig;
import berth.registry.client.ProgressListener;
import berth.registry.client.RegistryClient;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry endpoints: pull ({@code POST /images/create?fromImage=}, reached through {@link ImageEndpoints}),
 * push, {@code /auth} and search. Pull and push answer with docker's JSON progress stream, one message per line,
 * begun only with the first event: a failure before it (no such manifest, refused credentials, unreachable
 * registry) is a plain error status, as dockerd answers; a failure after it is an {@code errorDetail} message.
 */
final class DistributionEndpoints {
    private final Engine engine;

    DistributionEndpoints(Engine engine) {
        this.engine = engine;
    }

    void register(Router router) {
        router.add(HttpMethod.POST, "/images/{name*}/push", this::push)
                .add(HttpMethod.POST, "/auth", this::auth)
                .add(HttpMethod.GET, "/images/search", this::search);
    }

    void pull(Exchange ex, String image, String tag) {
        AuthConfig auth = AuthConfig.fromHeader(ex.header("X-Registry-Auth"));
        ProgressStream out = new ProgressStream(ex.chunked(Exchange.JSON));
        out.run(() -> engine.pullImage(image, tag, ex.query("platform"), auth, out));
    }

    private void push(Exchange ex) {
        AuthConfig auth = AuthConfig.fromHeader(ex.header("X-Registry-Auth"));
        ProgressStream out = new ProgressStream(ex.chunked(Exchange.JSON));
        out.run(() -> {
            for (RegistryClient.PushResult pushed : engine.pushImage(ex.param("name"), ex.query("tag"), auth, out)) {
                Map<String, Object> aux = new LinkedHashMap<>();
                aux.put("Tag", pushed.tag());
                aux.put("Digest", pushed.digest().toString());
                aux.put("Size", pushed.size());
                Map<String, Object> message = new LinkedHashMap<>();
                message.put("progressDetail", Map.of());
                message.put("aux", aux);
                out.write(message);
            }
        });
    }

    private void auth(Exchange ex) {
        AuthConfig auth = Json.read(ex.body(), AuthConfig.class).normalised();
        engine.login(auth);
        ex.json(HttpResponseStatus.OK, Map.of("Status", "Login Succeeded", "IdentityToken", ""));
    }

    private void search(Exchange ex) {
        AuthConfig auth = AuthConfig.fromHeader(ex.header("X-Registry-Auth"));
        List<Map<String, Object>> results = engine.searchImages(ex.query("term"), ex.integer("limit", 25), auth)
                .stream().map(r -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("star_count", r.starCount());
                    m.put("is_official", r.official());
                    m.put("name", r.name());
                    m.put("is_automated", r.automated());
                    m.put("description", r.description());
                    return m;
                }).toList();
        ex.json(HttpResponseStatus.OK, results);
    }

    /** Progress events as docker's JSON messages on a chunked body that starts with the first of them. */
    static final class ProgressStream implements ProgressListener {
        private static final System.Logger LOG = System.getLogger(ProgressStream.class.getName());
        private final Exchange.ChunkedBody body;

        ProgressStream(Exchange.ChunkedBody body) {
            this.body = body;
        }

        void run(Runnable work) {
            try {
                work.run();
            } catch (RuntimeException e) {
                if (!body.started()) {
                    throw e;
                }
                String message = ErrorMapping.reply(e).message();
                LOG.log(System.Logger.Level.WARNING, message, e);
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("errorDetail", Map.of("message", message));
                error.put("error", message);
                write(error);
            }
            body.end();
        }

        @Override
        public void progress(Event event) {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("status", event.status());
            if (event.hasBytes()) {
                Map<String, Object> detail = new LinkedHashMap<>();
                detail.put("current", event.current());
                if (event.total() > 0) {
                    detail.put("total", event.total());
                }
                message.put("progressDetail", detail);
                message.put("progress", bar(event.current(), event.total()));
            } else if (event.id() != null) {
                message.put("progressDetail", Map.of());
            }
            if (event.id() != null) {
                message.put("id", event.id());
            }
            write(message);
        }

        synchronized void write(Map<String, Object> message) {
            body.write(ImageEndpoints.jsonLine(message));
        }

        // docker's JSONProgress.String(): "[====>     ]  1.05MB/2.1MB", a bar 50 wide.
        static String bar(long current, long total) {
            if (total <= 0) {
                return String.format(java.util.Locale.ROOT, "%8s", humanSize(current));
            }
            int filled = (int) Math.min(50, current * 50 / total);
            return "[" + "=".repeat(filled) + ">" + " ".repeat(50 - filled) + "] "
                    + String.format(java.util.Locale.ROOT, "%8s/%s", humanSize(current), humanSize(total));
        }

        static String humanSize(long bytes) {
            String[] units = {"B", "kB", "MB", "GB", "TB"};
            double value = bytes;
            int unit = 0;
            while (value >= 1000 && unit < units.length - 1) {
                value /= 1000;
                unit++;
            }
            String text = String.format(java.util.Locale.ROOT, "%.4g", value);
            if (text.contains(".")) {
                text = text.replaceAll("0+$", "").replaceAll("\\.$", "");
            }
            return text + units[unit];
        }
    }
}
