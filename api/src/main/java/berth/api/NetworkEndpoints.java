package berth.api;

import berth.engine.Engine;
import berth.engine.Filters;
import berth.oci.Json;
import berth.oci.container.EndpointConfig;
import berth.oci.errors.InvalidArgument;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.LinkedHashMap;
import java.util.Map;

/** The network endpoints: create, list, inspect, remove, prune, connect and disconnect, in docker's shapes. */
final class NetworkEndpoints {
    private final Engine engine;

    NetworkEndpoints(Engine engine) {
        this.engine = engine;
    }

    void register(Router r) {
        r.add(HttpMethod.GET, "/networks", ex -> ex.json(HttpResponseStatus.OK,
                        engine.listNetworks(Filters.parse(ex.query("filters")))))
                .add(HttpMethod.POST, "/networks/create", this::create)
                .add(HttpMethod.POST, "/networks/prune", ex -> ex.json(HttpResponseStatus.OK,
                        Map.of("NetworksDeleted", engine.pruneNetworks(Filters.parse(ex.query("filters"))))))
                .add(HttpMethod.GET, "/networks/{id}", ex -> ex.json(HttpResponseStatus.OK,
                        engine.inspectNetwork(ex.param("id"))))
                .add(HttpMethod.DELETE, "/networks/{id}", ex -> {
                    engine.removeNetwork(ex.param("id"));
                    ex.status(HttpResponseStatus.NO_CONTENT);
                })
                .add(HttpMethod.POST, "/networks/{id}/connect", ex -> {
                    JsonNode body = object(ex.body());
                    JsonNode endpoint = body.path("EndpointConfig");
                    engine.connectNetwork(ex.param("id"), container(body), endpoint.isObject()
                            ? ContainerEndpoints.convert(endpoint, EndpointConfig.class) : EndpointConfig.EMPTY);
                    ex.status(HttpResponseStatus.OK);
                })
                .add(HttpMethod.POST, "/networks/{id}/disconnect", ex -> {
                    JsonNode body = object(ex.body());
                    engine.disconnectNetwork(ex.param("id"), container(body), body.path("Force").asBoolean(false));
                    ex.status(HttpResponseStatus.OK);
                });
    }

    private void create(Exchange ex) {
        JsonNode body = object(ex.body());
        String name = body.path("Name").asText("");
        JsonNode config = body.path("IPAM").path("Config");
        if (config.size() > 1) {
            throw new InvalidArgument("Berth networks have one IPv4 subnet; got " + config.size() + " IPAM configs");
        }
        JsonNode ipam = config.path(0);
        String id = engine.createNetwork(new Engine.NetworkCreate(name, body.path("Driver").asText(""),
                body.path("Internal").asBoolean(false), ipam.path("Subnet").asText(""),
                ipam.path("Gateway").asText(""), ipam.path("IPRange").asText(""), strings(body.path("Labels")),
                strings(body.path("Options"))));
        ex.json(HttpResponseStatus.CREATED, Map.of("Id", id, "Warning", ""));
    }

    private static String container(JsonNode body) {
        String container = body.path("Container").asText("");
        if (container.isEmpty()) {
            throw new InvalidArgument("no container given");
        }
        return container;
    }

    private static JsonNode object(byte[] body) {
        JsonNode tree = body.length == 0 ? null : Json.read(body, JsonNode.class);
        if (tree == null || !tree.isObject()) {
            throw new InvalidArgument("invalid JSON: the body must be an object");
        }
        return tree;
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    /** {@code NetworkingConfig.EndpointsConfig} of a container create: network name → how it joins. */
    static Map<String, EndpointConfig> endpointsConfig(JsonNode node) {
        Map<String, EndpointConfig> endpoints = new LinkedHashMap<>();
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> endpoints.put(e.getKey(), e.getValue().isObject()
                    ? ContainerEndpoints.convert(e.getValue(), EndpointConfig.class) : EndpointConfig.EMPTY));
        }
        return endpoints;
    }
}
