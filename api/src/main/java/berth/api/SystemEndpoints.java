package berth.api;

import berth.engine.Engine;
import berth.engine.Filters;
import berth.engine.Subscription;
import berth.oci.Json;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code /_ping}, {@code /version}, {@code /info} and the {@code /events} stream. */
final class SystemEndpoints {
    private final Engine engine;

    SystemEndpoints(Engine engine) {
        this.engine = engine;
    }

    void register(Router router) {
        router.add(HttpMethod.GET, "/_ping", this::ping)
                .add(HttpMethod.GET, "/version", ex -> ex.json(HttpResponseStatus.OK, engine.version()))
                .add(HttpMethod.GET, "/info", ex -> ex.json(HttpResponseStatus.OK, engine.info()))
                .add(HttpMethod.GET, "/events", this::events)
                // Berth has no builder yet, so no build cache: the docker CLI's system prune asks to prune it anyway.
                .add(HttpMethod.POST, "/build/prune", ex -> ex.json(HttpResponseStatus.OK,
                        java.util.Map.of("CachesDeleted", java.util.List.of(), "SpaceReclaimed", 0)));
    }

    private void ping(Exchange ex) {
        ex.send(HttpResponseStatus.OK, "text/plain; charset=utf-8", "OK".getBytes(StandardCharsets.US_ASCII),
                Map.of("Cache-Control", "no-cache, no-store, must-revalidate", "Pragma", "no-cache"));
    }

    private void events(Exchange ex) throws InterruptedException {
        Long since = UnixTime.parseNanos(ex.query("since"));
        Long until = UnixTime.parseNanos(ex.query("until"));
        Filters filters = Filters.parse(ex.query("filters"));
        Exchange.ChunkedBody body = ex.chunked(Exchange.JSON);
        Subscription subscription = engine.events(new Engine.EventQuery(since, until, filters), event -> {
            byte[] json = Json.write(event);
            byte[] line = Arrays.copyOf(json, json.length + 1);
            line[json.length] = '\n';
            body.write(line);
        });
        ex.onClientGone(subscription::close);
        body.start();
        if (until != null) {
            // the engine's listener has no end signal: the stream ends here when `until` has passed
            long waitNanos = until - System.currentTimeMillis() * 1_000_000L;
            if (waitNanos > 0) {
                TimeUnit.NANOSECONDS.sleep(waitNanos);
            }
            subscription.close();
            body.end();
        }
    }
}
