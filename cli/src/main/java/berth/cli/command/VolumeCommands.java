package berth.cli.command;

import berth.cli.EngineClient;
import berth.cli.UserException;
import berth.cli.format.HumanUnits;
import berth.cli.format.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Volume verbs: {@code volume create}, {@code ls}, {@code rm}, {@code prune} ({@code inspect} is the generic one). */
public final class VolumeCommands {
    private VolumeCommands() {}

    public static final class Create extends BerthCommand {
        @Override public String synopsis() { return "berth volume create [OPTIONS] [VOLUME]"; }
        @Override public String description() { return "Create a volume"; }
        @Override public void args(List<String> a) { argName = a.isEmpty() ? null : a.getFirst(); }
        @Override public int maxArgs() { return 1; }
        @Override public void define(FlagSet f) {
            f.string("d", "driver", "Specify volume driver name", v -> driver = v);
            f.list("o", "opt", "Set driver specific options", opts);
            f.list(null, "label", "Set metadata for a volume", labels);
            f.string(null, "name", "Specify volume name", v -> flagName = v);
        }
        String argName;
        String flagName;
        String driver = "local";
        List<String> opts = new ArrayList<>();
        List<String> labels = new ArrayList<>();

        @Override
        public Integer call() {
            if (argName != null && flagName != null && !argName.equals(flagName)) {
                throw new UserException("conflicting options: cannot specify a volume-name through both --name and "
                        + "as a positional arg", 1);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("Driver", driver);
            body.put("DriverOpts", keyValues(opts, "--opt"));
            body.put("Labels", keyValues(labels, "--label"));
            body.put("Name", argName != null ? argName : flagName == null ? "" : flagName);
            cli.out.println(Json.str(engine().post("/volumes/create", null, body), "Name"));
            return 0;
        }
    }

    public static final class Ls extends BerthCommand {
        @Override public String synopsis() { return "berth volume ls [OPTIONS]"; }
        @Override public String description() { return "List volumes"; }
        @Override public void define(FlagSet f) {
            f.bool("q", "quiet", "Only display volume names", v -> quiet = v);
            f.list("f", "filter", "Provide filter values (e.g. \"dangling=true\")", filters);
            f.string(null, "format", "Format output using a custom template", v -> format = v);
        }
        boolean quiet;
        List<String> filters = new ArrayList<>();
        String format;

        static final Map<String, String> HEADERS = Map.of("Driver", "DRIVER", "Name", "VOLUME NAME", "Scope", "SCOPE",
                "Mountpoint", "MOUNTPOINT", "Labels", "LABELS", "Links", "LINKS", "Size", "SIZE", "CreatedAt", "CREATED");

        @Override
        public Integer call() {
            Object list = engine().get("/volumes", EngineClient.query().add("filters", ContainerCommands.filtersJson(filters)));
            List<Map<String, Object>> rows = new ArrayList<>();
            if (Json.at(list, "Volumes") instanceof List<?> volumes) {
                for (Object v : volumes) {
                    rows.add(row(v));
                }
            }
            rows.sort((a, b) -> a.get("Name").toString().compareTo(b.get("Name").toString()));
            if (quiet) {
                rows.forEach(r -> cli.out.println(r.get("Name")));
                return 0;
            }
            cli.out.print(Formatting.render(format, "table {{.Driver}}\t{{.Name}}", HEADERS, rows));
            return 0;
        }

        private static Map<String, Object> row(Object v) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("Name", Json.str(v, "Name"));
            r.put("Driver", Json.str(v, "Driver"));
            r.put("Scope", Json.str(v, "Scope"));
            r.put("Mountpoint", Json.str(v, "Mountpoint"));
            r.put("CreatedAt", Json.str(v, "CreatedAt"));
            List<String> labels = new ArrayList<>();
            if (Json.at(v, "Labels") instanceof Map<?, ?> m) {
                m.forEach((k, value) -> labels.add(k + "=" + value));
            }
            r.put("Labels", String.join(",", labels));
            r.put("Links", "N/A");
            r.put("Size", "N/A");
            return r;
        }
    }

    public static final class Rm extends ContainerCommands.Many {
        @Override public String synopsis() { return "berth volume rm [OPTIONS] VOLUME [VOLUME...]"; }
        @Override public String description() { return "Remove one or more volumes"; }
        @Override public void define(FlagSet f) {
            f.bool("f", "force", "Force the removal of one or more volumes", v -> force = v);
        }
        boolean force;

        @Override
        public Integer call() {
            return forEach(names, n -> {
                engine().call("DELETE", "/volumes/" + path(n), EngineClient.query().flag("force", force), null);
                cli.out.println(n);
            });
        }
    }

    public static final class Prune extends BerthCommand {
        @Override public String synopsis() { return "berth volume prune [OPTIONS]"; }
        @Override public String description() { return "Remove unused local volumes"; }
        @Override public void define(FlagSet f) {
            f.bool("a", "all", "Remove all unused volumes, not just anonymous ones", v -> all = v);
            f.bool("f", "force", "Do not prompt for confirmation", v -> force = v);
            f.list(null, "filter", "Provide filter values (e.g. \"label=<label>\")", filters);
        }
        boolean all;
        boolean force;
        List<String> filters = new ArrayList<>();

        @Override
        public Integer call() {
            String warning = all ? "WARNING! This will remove all local volumes not used by at least one container."
                    : "WARNING! This will remove anonymous local volumes not used by at least one container.";
            if (!force && !ContainerCommands.confirm(this, warning)) {
                return 0;
            }
            List<String> f = new ArrayList<>(filters);
            if (all) {
                f.add("all=true");
            }
            Object r = engine().post("/volumes/prune", EngineClient.query().add("filters", ContainerCommands.filtersJson(f)), null);
            if (Json.at(r, "VolumesDeleted") instanceof List<?> l && !l.isEmpty()) {
                cli.out.println("Deleted Volumes:");
                l.forEach(cli.out::println);
                cli.out.println();
            }
            cli.out.println("Total reclaimed space: " + HumanUnits.humanSize(Json.num(r, "SpaceReclaimed")));
            return 0;
        }
    }

    /** {@code key=value} flags as a map; a bare key has the empty value, as docker's CLI reads labels. */
    private static Map<String, String> keyValues(List<String> entries, String flag) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String e : entries) {
            int eq = e.indexOf('=');
            if (flag.equals("--opt") && eq <= 0) {
                throw new UserException("invalid argument \"" + e + "\" for \"-o, --opt\" flag: invalid key value pair format in driver options", 125);
            }
            m.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
        }
        return m;
    }
}
