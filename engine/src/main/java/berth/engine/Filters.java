package berth.engine;

import berth.oci.Json;
import berth.oci.errors.InvalidArgument;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code filters} query parameter of list, prune and events calls: a JSON map of names to values
 * ({@code {"status":["running"]}}, or the older {@code {"status":{"running":true}}}).
 */
public record Filters(Map<String, List<String>> values) {
    public static final Filters NONE = new Filters(Map.of());

    /** Parses the query parameter's JSON; null or empty means no filter. */
    public static Filters parse(String json) {
        if (json == null || json.isBlank()) {
            return NONE;
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new InvalidArgument("invalid filter: " + json);
        }
        if (!root.isObject()) {
            throw new InvalidArgument("invalid filter: " + json);
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        root.properties().forEach(entry -> {
            List<String> list = new ArrayList<>();
            JsonNode node = entry.getValue();
            if (node.isArray()) {
                node.forEach(v -> list.add(v.asText()));
            } else if (node.isObject()) {
                node.properties().forEach(v -> list.add(v.getKey()));
            } else {
                throw new InvalidArgument("invalid filter: " + json);
            }
            values.put(entry.getKey(), List.copyOf(list));
        });
        return new Filters(Map.copyOf(values));
    }

    public List<String> get(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** Refuses a filter name the call does not know, as docker does: {@code invalid filter 'x'}. */
    public Filters allowOnly(Set<String> names) {
        for (String name : values.keySet()) {
            if (!names.contains(name)) {
                throw new InvalidArgument("invalid filter '" + name + "'");
            }
        }
        return this;
    }
}
