package berth.cli.command;

import berth.cli.DaemonException;
import berth.cli.EngineClient;
import berth.cli.UserException;
import berth.cli.format.GoTemplate;
import berth.cli.format.HumanUnits;
import berth.cli.format.Json;
import berth.cli.format.TableWriter;
import berth.cli.http.HttpConnection.Response;
import berth.cli.http.StreamDemux;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/** The container verbs other than run/create: listing, inspecting, lifecycle, logs, exec, attach. */
public final class ContainerCommands {
    private ContainerCommands() {}

    /** Verbs taking one or more containers. */
    abstract static class Many extends BerthCommand {
        List<String> names = new ArrayList<>();

        @Override public void args(List<String> a) { names = new ArrayList<>(a); }
        @Override public int minArgs() { return 1; }
        @Override public int maxArgs() { return Integer.MAX_VALUE; }
    }

    public static final class Ps extends BerthCommand {
        @Override public String synopsis() { return "berth ps [OPTIONS]"; }
        @Override public String description() { return "List containers"; }
        @Override public void define(FlagSet f) {
            f.bool("a", "all", "Show all", v -> all = v);
            f.bool("q", "quiet", "Only display IDs", v -> quiet = v);
            f.integer("n", "last", "Show n last created containers (includes all states)", v -> last = v);
            f.bool("l", "latest", "Show the latest created container (includes all states)", v -> latest = v);
            f.bool(null, "no-trunc", "Don't truncate output", v -> noTrunc = v);
            f.bool("s", "size", "Display total file sizes", v -> size = v);
            f.list("f", "filter", "Filter output based on conditions provided", filters);
            f.string(null, "format", "Format output using a custom template", v -> format = v);
        }
        boolean all;
        boolean quiet;
        Integer last;
        boolean latest;
        boolean noTrunc;
        boolean size;
        List<String> filters = new ArrayList<>();
        String format;

        static final Map<String, String> HEADERS = Map.ofEntries(Map.entry("ID", "CONTAINER ID"), Map.entry("Image", "IMAGE"),
                Map.entry("Command", "COMMAND"), Map.entry("CreatedAt", "CREATED AT"), Map.entry("RunningFor", "CREATED"),
                Map.entry("Ports", "PORTS"), Map.entry("State", "STATE"), Map.entry("Status", "STATUS"), Map.entry("Size", "SIZE"),
                Map.entry("Names", "NAMES"), Map.entry("Labels", "LABELS"), Map.entry("Label", "LABEL"), Map.entry("Mounts", "MOUNTS"),
                Map.entry("Networks", "NETWORKS"), Map.entry("LocalVolumes", "LOCAL VOLUMES"));

        @Override
        public Integer call() {
            EngineClient.Query q = EngineClient.query().flag("all", all);
            int limit = latest ? 1 : last == null ? -1 : last;
            if (limit > 0) {
                q.add("limit", limit);
            }
            q.flag("size", size || format != null && format.contains(".Size")).add("filters", filtersJson(filters));
            Object list = engine().get("/containers/json", q);
            String def = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}" + (size ? "\t{{.Size}}" : "");
            Set<String> shown = new HashSet<>();
            if (!quiet) {
                for (String field : HEADERS.keySet()) {
                    if (Formatting.shows(format, def, field)) {
                        shown.add(field);
                    }
                }
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            long now = System.currentTimeMillis();
            if (list instanceof List<?> l) {
                for (Object c : l) {
                    rows.add(row(c, !noTrunc, now, shown));
                }
            }
            if (quiet) {
                for (Map<String, Object> r : rows) {
                    cli.out.println(r.get("ID"));
                }
                return 0;
            }
            cli.out.print(Formatting.render(format, def, HEADERS, rows));
            return 0;
        }

        /**
         * One container's fields: ID and Names always, the others only when {@code shown} (see {@link Formatting#shows}).
         * A {@code ps} of 200 containers runs this interpreted: the fields the table does not show (labels, mounts,
         * networks, sizes) were a third of its time, and CreatedAt loads the time-zone database.
         */
        static Map<String, Object> row(Object c, boolean trunc, long now, Set<String> shown) {
            Map<String, Object> r = new LinkedHashMap<>();
            String id = Json.str(c, "Id");
            r.put("ID", trunc ? Formatting.shortId(id) : id);
            if (shown.contains("Image")) {
                String image = Json.str(c, "Image");
                if (trunc && image.startsWith("sha256:")) {
                    image = Formatting.shortId(image);
                }
                r.put("Image", image);
            }
            if (shown.contains("Command")) {
                String command = Json.str(c, "Command");
                r.put("Command", Formatting.quote(trunc ? Formatting.ellipsis(command, 20) : command));
            }
            long created = Json.num(c, "Created");
            if (shown.contains("CreatedAt")) {
                r.put("CreatedAt", Formatting.goTime(created));
            }
            if (shown.contains("RunningFor")) {
                r.put("RunningFor", HumanUnits.ago(created, now));
            }
            if (shown.contains("Ports")) {
                r.put("Ports", ports(Json.at(c, "Ports")));
            }
            r.put("State", Json.str(c, "State"));
            r.put("Status", Json.str(c, "Status"));
            if (shown.contains("Size")) {
                long rw = Json.num(c, "SizeRw");
                long rootfs = Json.num(c, "SizeRootFs");
                r.put("Size", HumanUnits.humanSize(rw, 3) + (rootfs > 0 ? " (virtual " + HumanUnits.humanSize(rootfs, 3) + ")" : ""));
            }
            List<String> names = new ArrayList<>();
            if (Json.at(c, "Names") instanceof List<?> ns) {
                for (Object n : ns) {
                    String s = n.toString().startsWith("/") ? n.toString().substring(1) : n.toString();
                    if (!trunc || !s.contains("/")) {
                        names.add(s);
                    }
                }
            }
            r.put("Names", String.join(",", names));
            if (!shown.contains("Labels") && !shown.contains("Label") && !shown.contains("Mounts")
                    && !shown.contains("LocalVolumes") && !shown.contains("Networks")) {
                return r;
            }
            Map<String, Object> labels = Json.at(c, "Labels") instanceof Map<?, ?> m ? asMap(m) : Map.of();
            List<String> kv = new ArrayList<>();
            new TreeMap<>(labels).forEach((k, v) -> kv.add(k + "=" + v));
            r.put("Labels", String.join(",", kv));
            r.put("Label", (Function<Object, Object>) k -> labels.getOrDefault(String.valueOf(k), ""));
            List<String> mounts = new ArrayList<>();
            if (Json.at(c, "Mounts") instanceof List<?> ms) {
                for (Object m : ms) {
                    String name = Json.str(m, "Name");
                    mounts.add(Formatting.ellipsis(name.isEmpty() ? Json.str(m, "Source") : name, trunc ? 15 : Integer.MAX_VALUE));
                }
            }
            r.put("Mounts", String.join(",", mounts));
            Object nets = Json.at(c, "NetworkSettings", "Networks");
            r.put("Networks", nets instanceof Map<?, ?> nm ? String.join(",", new TreeMap<>(asMap(nm)).keySet()) : "");
            r.put("LocalVolumes", String.valueOf(mounts.size()));
            return r;
        }

        static String ports(Object ports) {
            if (!(ports instanceof List<?> l)) {
                return "";
            }
            List<String> out = new ArrayList<>();
            for (Object p : l) {
                String type = Json.str(p, "Type");
                long priv = Json.num(p, "PrivatePort");
                long pub = Json.num(p, "PublicPort");
                if (pub > 0) {
                    String ip = Json.str(p, "IP");
                    ip = ip.contains(":") ? "[" + ip + "]" : ip;
                    out.add(ip + ":" + pub + "->" + priv + "/" + type);
                } else {
                    out.add(priv + "/" + type);
                }
            }
            return String.join(", ", out);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    /** {@code k=v} filters as the API's JSON: {"k":{"v":true}}. */
    static String filtersJson(List<String> filters) {
        if (filters.isEmpty()) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (String f : filters) {
            int eq = f.indexOf('=');
            if (eq < 0) {
                throw new UserException("bad format of filter (expected name=value)", 1);
            }
            asMap((Map<?, ?>) m.computeIfAbsent(f.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT), k -> new LinkedHashMap<>()))
                    .put(f.substring(eq + 1), true);
        }
        return Json.write(m);
    }

    public static final class Inspect extends Many {
        @Override public String synopsis() { return "berth inspect [OPTIONS] NAME|ID [NAME|ID...]"; }
        @Override public String description() { return "Return low-level information on Berth objects"; }
        @Override public void define(FlagSet f) {
            super.define(f);
            f.string("f", "format", "Format output using a custom template", v -> format = v);
            f.string(null, "type", "Only inspect objects of the given type", v -> type = v);
            f.bool("s", "size", "Display total file sizes", v -> size = v);
        }
        static final String CONTAINER = "container";
        static final String IMAGE = "image";
        static final String VOLUME = "volume";

        String format;
        String type;
        boolean size;

        public Inspect() {
        }

        Inspect(String type) {
            this.type = type;
        }

        @Override
        public Integer call() {
            if (type != null && !type.equals(CONTAINER) && !type.equals(IMAGE) && !type.equals(VOLUME)) {
                throw new UserException("\"" + type + "\" is not a valid value for --type", 1);
            }
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
                Object o = lookup(n);
                if (o == null) {
                    cli.err.println(type == null ? "Error: No such object: " + n : "Error response from daemon: No such " + type + ": " + n);
                    rc = 1;
                    continue;
                }
                if (template != null) {
                    try {
                        cli.out.println(template.execute(o));
                    } catch (GoTemplate.TemplateException e) {
                        throw new UserException("template: " + e.getMessage().replaceFirst("^template: ", "") , 1);
                    }
                } else {
                    found.add(o);
                }
            }
            if (template == null) {
                StringBuilder sb = new StringBuilder();
                indent(sb, found, 0);
                cli.out.println(sb);
            }
            return rc;
        }

        private Object lookup(String n) {
            if (type == null || type.equals(CONTAINER)) {
                try {
                    return engine().get("/containers/" + path(n) + "/json", EngineClient.query().flag("size", size));
                } catch (DaemonException e) {
                    if (e.status() != 404) {
                        throw e;
                    }
                }
            }
            if (type == null || type.equals(IMAGE)) {
                try {
                    return engine().get("/images/" + path(n) + "/json", null);
                } catch (DaemonException e) {
                    if (e.status() != 404) {
                        throw e;
                    }
                }
            }
            if (type == null || type.equals(VOLUME)) {
                try {
                    return engine().get("/volumes/" + path(n), null);
                } catch (DaemonException e) {
                    if (e.status() != 404) {
                        throw e;
                    }
                }
            }
            return null;
        }
    }

    /** Go's json.Indent with four spaces, as docker inspect prints. */
    static void indent(StringBuilder sb, Object v, int level) {
        String pad = "    ".repeat(level + 1);
        String end = "    ".repeat(level);
        switch (v) {
            case Map<?, ?> m when !m.isEmpty() -> {
                sb.append("{\n");
                int i = 0;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    sb.append(pad);
                    Json.write(sb, String.valueOf(e.getKey()));
                    sb.append(": ");
                    indent(sb, e.getValue(), level + 1);
                    sb.append(++i < m.size() ? ",\n" : "\n");
                }
                sb.append(end).append('}');
            }
            case List<?> l when !l.isEmpty() -> {
                sb.append("[\n");
                for (int i = 0; i < l.size(); i++) {
                    sb.append(pad);
                    indent(sb, l.get(i), level + 1);
                    sb.append(i + 1 < l.size() ? ",\n" : "\n");
                }
                sb.append(end).append(']');
            }
            case null, default -> Json.write(sb, v);
        }
    }

    public static final class Logs extends BerthCommand {
        @Override public String synopsis() { return "berth logs [OPTIONS] CONTAINER"; }
        @Override public String description() { return "Fetch the logs of a container"; }
        @Override public void args(List<String> a) { name = a.isEmpty() ? null : a.getFirst(); }
        @Override public int minArgs() { return 1; }
        @Override public int maxArgs() { return 1; }
        @Override public void define(FlagSet f) {
            f.bool("f", "follow", "Follow log output", v -> follow = v);
            f.string("n", "tail", "Number of lines to show from the end of the logs", v -> tail = v);
            f.string(null, "since", "Show logs since timestamp or relative (e.g. 42m)", v -> since = v);
            f.string(null, "until", "Show logs before a timestamp or relative", v -> until = v);
            f.bool("t", "timestamps", "Show timestamps", v -> timestamps = v);
            f.bool(null, "details", "Show extra details provided to logs", v -> details = v);
        }
        String name;
        boolean follow;
        String tail = "all";
        String since;
        String until;
        boolean timestamps;
        boolean details;

        @Override
        public Integer call() {
            Object c = engine().get("/containers/" + path(name) + "/json", null);
            boolean tty = Boolean.TRUE.equals(Json.at(c, "Config", "Tty"));
            long now = System.currentTimeMillis();
            EngineClient.Query q = EngineClient.query().add("stdout", "1").add("stderr", "1")
                    .add("since", since == null ? null : timestamp(since, now)).add("until", until == null ? null : timestamp(until, now))
                    .flag("timestamps", timestamps).flag("follow", follow).add("tail", tail).flag("details", details);
            Response r = engine().stream("GET", "/containers/" + path(Json.str(c, "Id")) + "/logs", q, null, -1, null);
            try (InputStream in = r.body()) {
                if (tty) {
                    StreamDemux.copyRaw(in, cli.out);
                } else {
                    StreamDemux.copy(in, cli.out, cli.err);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                r.connection().close();
            }
            return 0;
        }
    }

    /**
     * docker's GetTimestamp: a Go duration ("10m", "1h30m") is that long before now; RFC 3339
     * times and dates become unix seconds; anything else (unix seconds) is passed through.
     */
    static String timestamp(String value, long nowMillis) {
        if (value.matches("(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)").matcher(value);
            double nanos = 0;
            while (m.find()) {
                double n = Double.parseDouble(m.group(1));
                nanos += n * switch (m.group(2)) {
                    case "ns" -> 1;
                    case "us", "µs" -> 1e3;
                    case "ms" -> 1e6;
                    case "s" -> 1e9;
                    case "m" -> 60e9;
                    default -> 3600e9;
                };
            }
            long t = nowMillis * 1_000_000L - (long) nanos;
            return String.format("%d.%09d", Math.floorDiv(t, 1_000_000_000L), Math.floorMod(t, 1_000_000_000L));
        }
        try {
            Instant i = OffsetDateTime.parse(value).toInstant();
            return String.format("%d.%09d", i.getEpochSecond(), i.getNano());
        } catch (RuntimeException notRfc3339) {
            // fall through
        }
        try {
            Instant i = java.time.LocalDateTime.parse(value).atZone(java.time.ZoneId.systemDefault()).toInstant();
            return String.format("%d.%09d", i.getEpochSecond(), i.getNano());
        } catch (RuntimeException notLocal) {
            // fall through
        }
        try {
            Instant i = java.time.LocalDate.parse(value).atStartOfDay(java.time.ZoneId.systemDefault()).toInstant();
            return String.valueOf(i.getEpochSecond());
        } catch (RuntimeException notDate) {
            return value;
        }
    }

    public static final class Wait extends Many {
        @Override public String synopsis() { return "berth wait CONTAINER [CONTAINER...]"; }
        @Override public String description() { return "Block until one or more containers stop, then print their exit codes"; }
        @Override public void define(FlagSet f) {
            super.define(f);
        }
        @Override
        public Integer call() {
            return forEach(names, n -> cli.out.println(Json.num(engine().post("/containers/" + path(n) + "/wait", null, null), "StatusCode")));
        }
    }

    public static final class Start extends Many {
        @Override public String synopsis() { return "berth start [OPTIONS] CONTAINER [CONTAINER...]"; }
        @Override public String description() { return "Start one or more stopped containers"; }
        @Override public void define(FlagSet f) {
            super.define(f);
            f.bool("a", "attach", "Attach STDOUT/STDERR and forward signals", v -> attach = v);
            f.bool("i", "interactive", "Attach container's STDIN", v -> interactive = v);
            f.string(null, "detach-keys", "", v -> detachKeys = v);
        }
        boolean attach;
        boolean interactive;
        String detachKeys;

        @Override
        public Integer call() {
            if (!attach && !interactive) {
                List<String> failed = new ArrayList<>();
                for (String n : names) {
                    if (forEach(List.of(n), c -> {
                        engine().post("/containers/" + path(c) + "/start", null, null);
                        cli.out.println(c);
                    }) != 0) {
                        failed.add(n);
                    }
                }
                if (!failed.isEmpty()) {
                    throw new UserException("Error: failed to start containers: " + String.join(", ", failed), 1);
                }
                return 0;
            }
            if (names.size() > 1) {
                throw new UserException("you cannot start and attach multiple containers at once", 1);
            }
            String n = names.getFirst();
            Object c = engine().get("/containers/" + path(n) + "/json", null);
            String id = Json.str(c, "Id");
            boolean tty = Boolean.TRUE.equals(Json.at(c, "Config", "Tty"));
            boolean stdin = interactive && Boolean.TRUE.equals(Json.at(c, "Config", "OpenStdin"));
            Response hijacked = engine().hijack("/containers/" + id + "/attach",
                    EngineClient.query().add("stream", "1").flag("stdin", stdin).add("stdout", "1").add("stderr", "1")
                            .add("detachKeys", detachKeys), null);
            EngineClient.Pending exit = engine().postNow("/containers/" + id + "/wait", EngineClient.query().add("condition", "next-exit"));
            engine().post("/containers/" + id + "/start", null, null);
            return Attach.session(this, id, hijacked, tty, stdin, detachKeys, true, exit, 0);
        }
    }

    public static final class Attach extends BerthCommand {
        @Override public String synopsis() { return "berth attach [OPTIONS] CONTAINER"; }
        @Override public String description() { return "Attach local standard input, output, and error streams to a running container"; }
        @Override public void args(List<String> a) { name = a.isEmpty() ? null : a.getFirst(); }
        @Override public int minArgs() { return 1; }
        @Override public int maxArgs() { return 1; }
        @Override public void define(FlagSet f) {
            f.string(null, "detach-keys", "", v -> detachKeys = v);
            f.bool(null, "no-stdin", "Do not attach STDIN", v -> noStdin = v);
            f.bool(null, "sig-proxy", "", v -> sigProxy = v);
        }
        String name;
        String detachKeys;
        boolean noStdin;
        boolean sigProxy = true;

        @Override
        public Integer call() {
            Object c = engine().get("/containers/" + path(name) + "/json", null);
            String id = Json.str(c, "Id");
            if (!Boolean.TRUE.equals(Json.at(c, "State", "Running"))) {
                throw new UserException("You cannot attach to a stopped container, start it first", 1);
            }
            if (Boolean.TRUE.equals(Json.at(c, "State", "Paused"))) {
                throw new UserException("You cannot attach to a paused container, unpause it first", 1);
            }
            boolean tty = Boolean.TRUE.equals(Json.at(c, "Config", "Tty"));
            boolean stdin = !noStdin && Boolean.TRUE.equals(Json.at(c, "Config", "OpenStdin"));
            Response hijacked = engine().hijack("/containers/" + id + "/attach",
                    EngineClient.query().add("stream", "1").flag("stdin", stdin).add("stdout", "1").add("stderr", "1")
                            .add("detachKeys", detachKeys), null);
            EngineClient.Pending exit = engine().postNow("/containers/" + id + "/wait", null);
            // docker attach reports the detach as an error (exit 1); start -a and run treat it as success.
            return session(this, id, hijacked, tty, stdin, detachKeys, sigProxy, exit, 1);
        }

        static int session(BerthCommand cmd, String id, Response hijacked, boolean tty, boolean stdin, String detachKeys,
                           boolean sigProxy, EngineClient.Pending exit, int detachedExit) {
            byte[] keys = AttachedStreams.parseDetachKeys(detachKeys);
            Runnable restore = () -> { };
            if (tty && cmd.cli.isTerminal()) {
                AttachedStreams.followResize(cmd.engine(), "/containers/" + id + "/resize");
                if (stdin) {
                    restore = Terminal.makeRaw();
                }
            }
            if (!tty && sigProxy) {
                AttachedStreams.proxySignals(cmd.engine(), id);
            }
            AttachedStreams.End end;
            try {
                end = new AttachedStreams(cmd.cli, hijacked, tty).run(stdin, stdin && tty ? keys : new byte[0]);
            } finally {
                restore.run();
            }
            if (end == AttachedStreams.End.DETACHED) {
                cmd.cli.err.println("read escape sequence");
                return detachedExit;
            }
            return (int) Json.num(exit.get(), "StatusCode");
        }
    }

    /** stop and restart: the same flags and call, to a different endpoint. */
    abstract static class StopOrRestart extends Many {
        private final String verb;
        Integer timeout;
        String signal;

        StopOrRestart(String verb) {
            this.verb = verb;
        }

        @Override public void define(FlagSet f) {
            super.define(f);
            f.integer("t", "timeout", "Seconds to wait before killing the container", v -> timeout = v);
            f.integer(null, "time", "Seconds to wait before killing the container", v -> timeout = v);
            f.string("s", "signal", "Signal to send to the container", v -> signal = v);
        }

        @Override
        public Integer call() {
            return forEach(names, n -> {
                engine().post("/containers/" + path(n) + "/" + verb, EngineClient.query().add("signal", signal).add("t", timeout), null);
                cli.out.println(n);
            });
        }
    }

    public static final class Stop extends StopOrRestart {
        public Stop() {
            super("stop");
        }

        @Override public String synopsis() { return "berth stop [OPTIONS] CONTAINER [CONTAINER...]"; }
        @Override public String description() { return "Stop one or more running containers"; }
    }

    public static final class Restart extends StopOrRestart {
        public Restart() {
            super("restart");
        }

        @Override public String synopsis() { return "berth restart [OPTIONS] CONTAINER [CONTAINER...]"; }
        @Override public String description() { return "Restart one or more containers"; }
    }

    public static final class Kill extends Many {
        @Override public String synopsis() { return "berth kill [OPTIONS] CONTAINER [CONTAINER...]"; }
        @Override public String description() { return "Kill one or more running containers"; }
        @Override public void define(FlagSet f) {
            super.define(f);
            f.string("s", "signal", "Signal to send to the container", v -> signal = v);
        }
        String signal;

        @Override
        public Integer call() {
            return forEach(names, n -> {
                engine().post("/containers/" + path(n) + "/kill", EngineClient.query().add("signal", signal), null);
                cli.out.println(n);
            });
        }
    }

    public static final class Pause extends Many {
        @Override public String synopsis() { return "berth pause CONTAINER [CONTAINER...]"; }
        @Override public String description() { return "Pause all processes within one or more containers"; }
        @Override public void define(FlagSet f) {
            super.define(f);
        }
        @Override
        public Integer call() {
            return forEach(names, n -> {
                engine().post("/containers/" + path(n) + "/pause", null, null);
                cli.out.println(n);
            });
        }
    }

    public static final class Unpause extends Many {
        @Override public String synopsis() { return "berth unpause CONTAINER [CONTAINER...]"; }
        @Override public String description() { return "Unpause all processes within one or more containers"; }
        @Override public void define(FlagSet f) {
            super.define(f);
        }
        @Override
        public Integer call() {
            return forEach(names, n -> {
                engine().post("/containers/" + path(n) + "/unpause", null, null);
                cli.out.println(n);
            });
        }
    }

    public static final class Rm extends Many {
        @Override public String synopsis() { return "berth rm [OPTIONS] CONTAINER [CONTAINER...]"; }
        @Override public String description() { return "Remove one or more containers"; }
        @Override public void define(FlagSet f) {
            super.define(f);
            f.bool("f", "force", "Force the removal", v -> force = v);
            f.bool("v", "volumes", "Remove anonymous volumes associated with the container", v -> volumes = v);
            f.bool("l", "link", "Remove the specified link", v -> link = v);
        }
        boolean force;
        boolean volumes;
        boolean link;

        @Override
        public Integer call() {
            return forEach(names, n -> {
                engine().call("DELETE", "/containers/" + path(n), EngineClient.query().flag("v", volumes).flag("link", link).flag("force", force), null);
                cli.out.println(n);
            });
        }
    }

    public static final class Rename extends BerthCommand {
        @Override public String synopsis() { return "berth rename CONTAINER NEW_NAME"; }
        @Override public String description() { return "Rename a container"; }
        @Override public void args(List<String> a) { args = new ArrayList<>(a); }
        @Override public int minArgs() { return 2; }
        @Override public int maxArgs() { return 2; }
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            String newName = args.get(1).strip();
            if (newName.isEmpty() || args.getFirst().isBlank()) {
                throw new UserException("Error: Neither old nor new names may be empty", 1);
            }
            try {
                engine().post("/containers/" + path(args.getFirst()) + "/rename", EngineClient.query().add("name", newName), null);
            } catch (DaemonException e) {
                throw new UserException("Error response from daemon: " + e.getMessage() + "\nError: failed to rename container named " + args.getFirst(), 1);
            }
            return 0;
        }
    }

    public static final class Top extends BerthCommand {
        @Override public String synopsis() { return "berth top CONTAINER [ps OPTIONS]"; }
        @Override public boolean interspersed() { return false; }
        @Override public String description() { return "Display the running processes of a container"; }
        @Override public void args(List<String> a) { args = new ArrayList<>(a); }
        @Override public int minArgs() { return 1; }
        @Override public int maxArgs() { return Integer.MAX_VALUE; }
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            String psArgs = args.size() > 1 ? String.join(" ", args.subList(1, args.size())) : null;
            Object top = engine().get("/containers/" + path(args.getFirst()) + "/top", EngineClient.query().add("ps_args", psArgs));
            StringBuilder sb = new StringBuilder();
            if (Json.at(top, "Titles") instanceof List<?> titles) {
                sb.append(String.join("\t", titles.stream().map(String::valueOf).toList())).append('\n');
            }
            if (Json.at(top, "Processes") instanceof List<?> procs) {
                for (Object p : procs) {
                    if (p instanceof List<?> cols) {
                        sb.append(String.join("\t", cols.stream().map(String::valueOf).toList())).append('\n');
                    }
                }
            }
            cli.out.print(TableWriter.align(sb.toString()));
            return 0;
        }
    }

    public static final class Prune extends BerthCommand {
        @Override public String synopsis() { return "berth prune [OPTIONS]"; }
        @Override public String description() { return "Remove all stopped containers"; }
        @Override public void define(FlagSet f) {
            f.bool("f", "force", "Do not prompt for confirmation", v -> force = v);
            f.list(null, "filter", "Filter output based on conditions provided", filters);
        }
        boolean force;
        List<String> filters = new ArrayList<>();

        @Override
        public Integer call() {
            if (!force && !confirm(this, "WARNING! This will remove all stopped containers.")) {
                return 0;
            }
            Object r = engine().post("/containers/prune", EngineClient.query().add("filters", filtersJson(filters)), null);
            StringBuilder sb = new StringBuilder();
            if (Json.at(r, "ContainersDeleted") instanceof List<?> l && !l.isEmpty()) {
                sb.append("Deleted Containers:\n");
                l.forEach(id -> sb.append(id).append('\n'));
                sb.append('\n');
            }
            sb.append("Total reclaimed space: ").append(HumanUnits.humanSize(Json.num(r, "SpaceReclaimed"))).append('\n');
            cli.out.print(sb);
            return 0;
        }
    }

    /** docker's prompt: "Are you sure you want to continue? [y/N] ", yes only for y or Y. */
    static boolean confirm(BerthCommand cmd, String warning) {
        cmd.cli.out.print(warning + "\nAre you sure you want to continue? [y/N] ");
        cmd.cli.out.flush();
        StringBuilder line = new StringBuilder();
        try {
            int c;
            while ((c = cmd.cli.in.read()) >= 0 && c != '\n') {
                line.append((char) c);
            }
        } catch (IOException e) {
            return false;
        }
        String answer = line.toString().strip();
        if (!answer.equalsIgnoreCase("y")) {
            cmd.cli.out.println("Total reclaimed space: 0B");
            return false;
        }
        return true;
    }

    public static final class Exec extends BerthCommand {
        @Override public String synopsis() { return "berth exec [OPTIONS] CONTAINER COMMAND [ARG...]"; }
        @Override public boolean interspersed() { return false; }
        @Override public String description() { return "Execute a command in a running container"; }
        @Override public void args(List<String> a) { args = new ArrayList<>(a); }
        @Override public int minArgs() { return 0; }
        @Override public int maxArgs() { return Integer.MAX_VALUE; }
        @Override public void define(FlagSet f) {
            f.bool("d", "detach", "", v -> detach = v);
            f.bool("i", "interactive", "Attach container's STDIN", v -> interactive = v);
            f.bool("t", "tty", "", v -> tty = v);
            f.list("e", "env", "", env);
            f.list(null, "env-file", "", envFiles);
            f.string("u", "user", "", v -> user = v);
            f.string("w", "workdir", "", v -> workdir = v);
            f.bool(null, "privileged", "", v -> privileged = v);
            f.string(null, "detach-keys", "", v -> detachKeys = v);
        }
        List<String> args = new ArrayList<>();
        boolean detach;
        boolean interactive;
        boolean tty;
        List<String> env = new ArrayList<>();
        List<String> envFiles = new ArrayList<>();
        String user = "";
        String workdir = "";
        boolean privileged;
        String detachKeys;

        @Override
        public Integer call() {
            if (args.size() < 2) {
                throw new UserException("'berth exec' requires at least 2 arguments\n\nUsage:  berth exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\n"
                        + "See 'berth exec --help' for more information", 1);
            }
            if (tty && interactive && !detach && !cli.isTerminal()) {
                throw new UserException("the input device is not a TTY", 1);
            }
            ContainerFlags envFlags = new ContainerFlags();
            envFlags.env = env;
            envFlags.envFiles = envFiles;
            int[] size = tty && cli.isTerminal() ? Terminal.size() : new int[] {0, 0};
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("User", user);
            body.put("Privileged", privileged);
            body.put("Tty", tty);
            body.put("ConsoleSize", List.of((long) size[0], (long) size[1]));
            body.put("AttachStdin", interactive && !detach);
            body.put("AttachStderr", !detach);
            body.put("AttachStdout", !detach);
            body.put("Detach", detach);
            body.put("DetachKeys", detachKeys == null ? "" : detachKeys);
            body.put("Env", envFlags.envList(cli.env));
            body.put("WorkingDir", workdir);
            body.put("Cmd", List.copyOf(args.subList(1, args.size())));
            Object created = engine().post("/containers/" + path(args.getFirst()) + "/exec", null, body);
            String execId = Json.str(created, "Id");
            Map<String, Object> start = Json.object("Detach", detach, "Tty", tty, "ConsoleSize", body.get("ConsoleSize"));
            if (detach) {
                engine().post("/exec/" + execId + "/start", null, start);
                return 0;
            }
            Response hijacked = engine().hijack("/exec/" + execId + "/start", null, start);
            Runnable restore = () -> { };
            if (tty && cli.isTerminal()) {
                AttachedStreams.followResize(engine(), "/exec/" + execId + "/resize");
                if (interactive) {
                    restore = Terminal.makeRaw();
                }
            }
            AttachedStreams.End end;
            try {
                // like docker, the detach keys are looked for on a terminal only: other input passes as it is
                end = new AttachedStreams(cli, hijacked, tty).run(interactive,
                        interactive && tty ? AttachedStreams.parseDetachKeys(detachKeys) : new byte[0]);
            } finally {
                restore.run();
            }
            if (end == AttachedStreams.End.DETACHED) {
                // docker exec reports the detach as an error: the message and exit status 1
                cli.err.println("read escape sequence");
                return 1;
            }
            Object inspect = engine().get("/exec/" + execId + "/json", null);
            return (int) Json.num(inspect, "ExitCode");
        }
    }
}
