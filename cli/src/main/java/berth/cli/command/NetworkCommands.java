package berth.cli.command;

import berth.cli.DaemonException;
import berth.cli.EngineClient;
import berth.cli.UserException;
import berth.cli.format.GoTemplate;
import berth.cli.format.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code berth network create|ls|inspect|rm|prune|connect|disconnect}, as docker's. */
public final class NetworkCommands {
    private NetworkCommands() {}

    public static BerthCommand lookup(String verb) {
        return switch (verb) {
            case "create" -> new Create();
            case "ls", "list" -> new Ls();
            case "inspect" -> new Inspect();
            case "rm", "remove" -> new Rm();
            case "prune" -> new Prune();
            case "connect" -> new Connect();
            case "disconnect" -> new Disconnect();
            default -> null;
        };
    }

    public static final class Create extends BerthCommand {
        @Override public String synopsis() { return "berth network create [OPTIONS] NETWORK"; }
        @Override public String description() { return "Create a network"; }
        @Override public void args(List<String> a) { name = a.getFirst(); }
        @Override public int minArgs() { return 1; }
        @Override public int maxArgs() { return 1; }
        @Override public void define(FlagSet f) {
            f.string("d", "driver", "Driver to manage the Network", v -> driver = v);
            f.list(null, "subnet", "Subnet in CIDR format that represents a network segment", subnets);
            f.list(null, "gateway", "IPv4 or IPv6 Gateway for the master subnet", gateways);
            f.list(null, "ip-range", "Allocate container ip from a sub-range", ranges);
            f.bool(null, "internal", "Restrict external access to the network", v -> internal = v);
            f.list(null, "label", "Set metadata on a network", labels);
            f.list("o", "opt", "Set driver specific options", options);
        }
        String name;
        String driver = "bridge";
        boolean internal;
        List<String> subnets = new ArrayList<>();
        List<String> gateways = new ArrayList<>();
        List<String> ranges = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<String> options = new ArrayList<>();

        @Override
        public Integer call() {
            if (subnets.size() > 1 || gateways.size() > subnets.size() || ranges.size() > subnets.size()) {
                throw new UserException("Error: a gateway or ip-range needs a --subnet, and Berth networks take one subnet", 1);
            }
            List<Object> ipam = new ArrayList<>();
            if (!subnets.isEmpty()) {
                Map<String, Object> config = new LinkedHashMap<>();
                config.put("Subnet", subnets.getFirst());
                if (!ranges.isEmpty()) {
                    config.put("IPRange", ranges.getFirst());
                }
                if (!gateways.isEmpty()) {
                    config.put("Gateway", gateways.getFirst());
                }
                ipam.add(config);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("Name", name);
            body.put("Driver", driver);
            body.put("Internal", internal);
            body.put("IPAM", Map.of("Driver", "default", "Config", ipam, "Options", Map.of()));
            body.put("Options", pairs(options));
            body.put("Labels", pairs(labels));
            try {
                Object r = engine().post("/networks/create", null, body);
                cli.out.println(Json.str(r, "Id"));
            } catch (DaemonException e) {
                throw new UserException("Error response from daemon: " + e.getMessage(), 1);
            }
            return 0;
        }

        private static Map<String, String> pairs(List<String> items) {
            Map<String, String> map = new LinkedHashMap<>();
            for (String item : items) {
                int eq = item.indexOf('=');
                map.put(eq < 0 ? item : item.substring(0, eq), eq < 0 ? "" : item.substring(eq + 1));
            }
            return map;
        }
    }

    public static final class Ls extends BerthCommand {
        @Override public String synopsis() { return "berth network ls [OPTIONS]"; }
        @Override public String description() { return "List networks"; }
        @Override public void define(FlagSet f) {
            f.bool("q", "quiet", "Only display network IDs", v -> quiet = v);
            f.bool(null, "no-trunc", "Do not truncate the output", v -> noTrunc = v);
            f.list("f", "filter", "Provide filter values (e.g. \"driver=bridge\")", filters);
            f.string(null, "format", "Format output using a custom template", v -> format = v);
        }
        boolean quiet;
        boolean noTrunc;
        List<String> filters = new ArrayList<>();
        String format;

        static final Map<String, String> HEADERS = Map.of("ID", "NETWORK ID", "Name", "NAME", "Driver", "DRIVER",
                "Scope", "SCOPE", "IPv6", "IPV6", "Internal", "INTERNAL", "Labels", "LABELS", "CreatedAt", "CREATED");

        @Override
        public Integer call() {
            Object list = engine().get("/networks", EngineClient.query().add("filters", ContainerCommands.filtersJson(filters)));
            List<Map<String, Object>> rows = new ArrayList<>();
            if (list instanceof List<?> l) {
                for (Object n : l) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    String id = Json.str(n, "Id");
                    row.put("ID", noTrunc ? id : Formatting.shortId(id));
                    row.put("Name", Json.str(n, "Name"));
                    row.put("Driver", Json.str(n, "Driver"));
                    row.put("Scope", Json.str(n, "Scope"));
                    row.put("IPv6", String.valueOf(Json.at(n, "EnableIPv6")));
                    row.put("Internal", String.valueOf(Json.at(n, "Internal")));
                    row.put("Labels", labels(Json.at(n, "Labels")));
                    row.put("CreatedAt", Json.str(n, "Created"));
                    rows.add(row);
                }
            }
            if (quiet) {
                rows.forEach(r -> cli.out.println(r.get("ID")));
                return 0;
            }
            cli.out.print(Formatting.render(format, "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}", HEADERS, rows));
            return 0;
        }

        private static String labels(Object labels) {
            List<String> out = new ArrayList<>();
            if (labels instanceof Map<?, ?> m) {
                m.forEach((k, v) -> out.add(k + "=" + v));
            }
            return String.join(",", out);
        }
    }

    public static final class Inspect extends BerthCommand {
        @Override public String synopsis() { return "berth network inspect [OPTIONS] NETWORK [NETWORK...]"; }
        @Override public String description() { return "Display detailed information on one or more networks"; }
        @Override public void args(List<String> a) { names = new ArrayList<>(a); }
        @Override public int minArgs() { return 1; }
        @Override public int maxArgs() { return Integer.MAX_VALUE; }
        @Override public void define(FlagSet f) {
            f.string("f", "format", "Format output using a custom template", v -> format = v);
        }
        List<String> names = new ArrayList<>();
        String format;

        @Override
        public Integer call() {
            GoTemplate template = null;
            if (format != null && !format.isEmpty() && !format.equals("json")) {
                try {
                    template = GoTemplate.parse(format.replace("\\t", "\t").replace("\\n", "\n"));
                } catch (GoTemplate.TemplateException e) {
                    throw new UserException("template parsing error: " + e.getMessage(), 1);
                }
            }
            List<Object> found = new ArrayList<>();
            int rc = 0;
            for (String n : names) {
                Object o;
                try {
                    o = engine().get("/networks/" + path(n), null);
                } catch (DaemonException e) {
                    cli.err.println("Error response from daemon: " + e.getMessage());
                    rc = 1;
                    continue;
                }
                if (template != null) {
                    cli.out.println(template.execute(o));
                } else {
                    found.add(o);
                }
            }
            if (template == null) {
                StringBuilder sb = new StringBuilder();
                ContainerCommands.indent(sb, found, 0);
                cli.out.println(sb);
            }
            return rc;
        }
    }

    public static final class Rm extends BerthCommand {
        @Override public String synopsis() { return "berth network rm NETWORK [NETWORK...]"; }
        @Override public String description() { return "Remove one or more networks"; }
        @Override public void args(List<String> a) { names = new ArrayList<>(a); }
        @Override public int minArgs() { return 1; }
        @Override public int maxArgs() { return Integer.MAX_VALUE; }
        @Override public void define(FlagSet f) {
            f.bool("f", "force", "Do not error if the network does not exist", v -> force = v);
        }
        List<String> names = new ArrayList<>();
        boolean force;

        @Override
        public Integer call() {
            int rc = 0;
            for (String n : names) {
                try {
                    engine().call("DELETE", "/networks/" + path(n), null, null);
                    cli.out.println(n);
                } catch (DaemonException e) {
                    if (force && e.status() == 404) {
                        continue;
                    }
                    cli.err.println("Error response from daemon: " + e.getMessage());
                    rc = 1;
                }
            }
            return rc;
        }
    }

    public static final class Prune extends BerthCommand {
        @Override public String synopsis() { return "berth network prune [OPTIONS]"; }
        @Override public String description() { return "Remove all unused networks"; }
        @Override public void define(FlagSet f) {
            f.bool("f", "force", "Do not prompt for confirmation", v -> force = v);
            f.list(null, "filter", "Provide filter values (e.g. \"until=<timestamp>\")", filters);
        }
        boolean force;
        List<String> filters = new ArrayList<>();

        @Override
        public Integer call() {
            if (!force && !ContainerCommands.confirm(this,
                    "WARNING! This will remove all custom networks not used by at least one container.")) {
                return 0;
            }
            Object r = engine().post("/networks/prune", EngineClient.query().add("filters", ContainerCommands.filtersJson(filters)), null);
            if (Json.at(r, "NetworksDeleted") instanceof List<?> l && !l.isEmpty()) {
                cli.out.println("Deleted Networks:");
                l.forEach(cli.out::println);
                cli.out.println();
            }
            return 0;
        }
    }

    public static final class Connect extends BerthCommand {
        @Override public String synopsis() { return "berth network connect [OPTIONS] NETWORK CONTAINER"; }
        @Override public String description() { return "Connect a container to a network"; }
        @Override public void args(List<String> a) { args = new ArrayList<>(a); }
        @Override public int minArgs() { return 2; }
        @Override public int maxArgs() { return 2; }
        @Override public void define(FlagSet f) {
            f.list(null, "alias", "Add network-scoped alias for the container", aliases);
            f.string(null, "ip", "IPv4 address (e.g., \"172.30.100.104\")", v -> ip = v);
        }
        List<String> args = new ArrayList<>();
        List<String> aliases = new ArrayList<>();
        String ip = "";

        @Override
        public Integer call() {
            Map<String, Object> endpoint = new LinkedHashMap<>();
            endpoint.put("IPAMConfig", ip.isEmpty() ? null : Map.of("IPv4Address", ip));
            endpoint.put("Aliases", aliases.isEmpty() ? null : List.copyOf(aliases));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("Container", args.get(1));
            body.put("EndpointConfig", endpoint);
            try {
                engine().post("/networks/" + path(args.getFirst()) + "/connect", null, body);
            } catch (DaemonException e) {
                throw new UserException("Error response from daemon: " + e.getMessage(), 1);
            }
            return 0;
        }
    }

    public static final class Disconnect extends BerthCommand {
        @Override public String synopsis() { return "berth network disconnect [OPTIONS] NETWORK CONTAINER"; }
        @Override public String description() { return "Disconnect a container from a network"; }
        @Override public void args(List<String> a) { args = new ArrayList<>(a); }
        @Override public int minArgs() { return 2; }
        @Override public int maxArgs() { return 2; }
        @Override public void define(FlagSet f) {
            f.bool("f", "force", "Force the container to disconnect from a network", v -> force = v);
        }
        List<String> args = new ArrayList<>();
        boolean force;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("Container", args.get(1));
            body.put("Force", force);
            try {
                engine().post("/networks/" + path(args.getFirst()) + "/disconnect", null, body);
            } catch (DaemonException e) {
                throw new UserException("Error response from daemon: " + e.getMessage(), 1);
            }
            return 0;
        }
    }
}
