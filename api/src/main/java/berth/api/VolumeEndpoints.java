package berth.api;

import berth.engine.Engine;
import berth.engine.Filters;
import berth.engine.model.VolumeCreateRequest;
import berth.oci.Json;
import berth.oci.errors.InvalidArgument;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /volumes}: list, create, inspect, remove and prune, in the Docker API's shapes. */
final class VolumeEndpoints {
    /** Before API 1.42 a volume prune took every unused volume; since, only anonymous ones unless {@code all}. */
    private static final ApiVersion PRUNE_ANONYMOUS_ONLY = new ApiVersion(1, 42);

    private final Engine engine;

    VolumeEndpoints(Engine engine) {
        this.engine = engine;
    }

    void register(Router r) {
        r.add(HttpMethod.GET, "/volumes", ex -> ex.json(HttpResponseStatus.OK,
                        engine.listVolumes(Filters.parse(ex.query("filters")))))
                .add(HttpMethod.POST, "/volumes/create", this::create)
                .add(HttpMethod.POST, "/volumes/prune", this::prune)
                .add(HttpMethod.GET, "/volumes/{name}", ex -> ex.json(HttpResponseStatus.OK,
                        engine.inspectVolume(ex.param("name"))))
                .add(HttpMethod.DELETE, "/volumes/{name}", ex -> {
                    engine.removeVolume(ex.param("name"), ex.bool("force"));
                    ex.status(HttpResponseStatus.NO_CONTENT);
                });
    }

    private void create(Exchange ex) {
        byte[] body = ex.body();
        VolumeCreateRequest request = body.length == 0 ? null : Json.read(body, VolumeCreateRequest.class);
        if (body.length > 0 && request == null) {
            throw new InvalidArgument("invalid JSON: the body must be an object");
        }
        ex.json(HttpResponseStatus.CREATED, engine.createVolume(request));
    }

    private void prune(Exchange ex) {
        Filters filters = Filters.parse(ex.query("filters"));
        if (ex.version().compareTo(PRUNE_ANONYMOUS_ONLY) < 0) {
            Map<String, List<String>> values = new LinkedHashMap<>(filters.values());
            values.put("all", List.of("true"));
            filters = new Filters(values);
        }
        ex.json(HttpResponseStatus.OK, engine.pruneVolumes(filters));
    }
}
