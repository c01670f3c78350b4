package berth.cli.command;

import berth.cli.CannotConnectException;
import berth.cli.EngineClient;
import berth.cli.Main;
import berth.cli.format.GoTemplate;
import berth.cli.format.HumanUnits;
import berth.cli.format.Json;
import berth.cli.http.HttpConnection.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** version, info, events. */
public final class SystemCommands {
    private SystemCommands() {}

    public static final class Version extends BerthCommand {
        @Override public String synopsis() { return "berth version [OPTIONS]"; }
        @Override public String description() { return "Show the Berth version information"; }
        @Override public void define(FlagSet f) {
            f.string("f", "format", "Format output using a custom template", v -> format = v);
        }
        String format;

        @Override
        public Integer call() {
            Map<String, Object> client = Json.object("Version", Main.VERSION, "ApiVersion", EngineClient.OWN_VERSION,
                    "DefaultAPIVersion", EngineClient.OWN_VERSION, "GitCommit", "dev", "GoVersion", "java" + Runtime.version().feature(),
                    "Os", "linux", "Arch", arch(), "BuildTime", "", "Context", "default");
            Object server = null;
            CannotConnectException failure = null;
            try {
                client.put("ApiVersion", engine().apiVersion());
                server = engine().get("/version", null);
            } catch (CannotConnectException e) {
                failure = e;
            }
            if (format != null && !format.isEmpty()) {
                Map<String, Object> all = Json.object("Client", client, "Server", server);
                cli.out.println(GoTemplate.parse(format.replace("\\t", "\t").replace("\\n", "\n")).execute(all));
            } else {
                StringBuilder sb = new StringBuilder();
                sb.append("Client:\n");
                line(sb, " Version:", Main.VERSION);
                line(sb, " API version:", client.get("ApiVersion").toString());
                line(sb, " Java version:", Runtime.version().toString());
                line(sb, " OS/Arch:", "linux/" + arch());
                line(sb, " Context:", "default");
                if (server != null) {
                    sb.append("\nServer: Berth Engine\n Engine:\n");
                    line(sb, "  Version:", Json.str(server, "Version"));
                    line(sb, "  API version:", Json.str(server, "ApiVersion") + " (minimum version " + Json.str(server, "MinAPIVersion") + ")");
                    line(sb, "  Git commit:", Json.str(server, "GitCommit"));
                    line(sb, "  Built:", Json.str(server, "BuildTime"));
                    line(sb, "  OS/Arch:", Json.str(server, "Os") + "/" + Json.str(server, "Arch"));
                    line(sb, "  Kernel version:", Json.str(server, "KernelVersion"));
                    if (Json.at(server, "Components") instanceof List<?> comps) {
                        for (Object c : comps) {
                            String name = Json.str(c, "Name");
                            if (name.equals("Engine")) {
                                continue;
                            }
                            sb.append(" ").append(name).append(":\n");
                            line(sb, "  Version:", Json.str(c, "Version"));
                        }
                    }
                }
                cli.out.print(sb);
            }
            if (failure != null) {
                cli.out.flush();
                throw failure;
            }
            return 0;
        }

        private static void line(StringBuilder sb, String key, String value) {
            sb.append(key).append(" ".repeat(Math.max(1, 20 - key.length()))).append(value).append('\n');
        }

        private static String arch() {
            String a = System.getProperty("os.arch");
            return a.equals("x86_64") ? "amd64" : a.equals("aarch64") ? "arm64" : a;
        }
    }

    public static final class Info extends BerthCommand {
        @Override public String synopsis() { return "berth info [OPTIONS]"; }
        @Override public String description() { return "Display system-wide information"; }
        @Override public void define(FlagSet f) {
            f.string("f", "format", "Format output using a custom template", v -> format = v);
        }
        String format;

        @Override
        public Integer call() {
            Object info = engine().get("/info", null);
            if (format != null && !format.isEmpty()) {
                String f = format.equals("json") ? "{{json .}}" : format;
                cli.out.println(GoTemplate.parse(f.replace("\\t", "\t").replace("\\n", "\n")).execute(info));
                return 0;
            }
            StringBuilder sb = new StringBuilder();
            sb.append("Client:\n Version:    ").append(Main.VERSION).append("\n Context:    default\n Debug Mode: false\n\nServer:\n");
            kv(sb, "Containers", Json.str(info, "Containers"));
            kv(sb, " Running", Json.str(info, "ContainersRunning"));
            kv(sb, " Paused", Json.str(info, "ContainersPaused"));
            kv(sb, " Stopped", Json.str(info, "ContainersStopped"));
            kv(sb, "Images", Json.str(info, "Images"));
            kv(sb, "Server Version", Json.str(info, "ServerVersion"));
            kv(sb, "Storage Driver", Json.str(info, "Driver"));
            kv(sb, "Logging Driver", Json.str(info, "LoggingDriver"));
            kv(sb, "Cgroup Driver", Json.str(info, "CgroupDriver"));
            kv(sb, "Cgroup Version", Json.str(info, "CgroupVersion"));
            if (Json.at(info, "Runtimes") instanceof Map<?, ?> rt) {
                kv(sb, "Runtimes", String.join(" ", new TreeMap<>(ContainerCommands.asMap(rt)).keySet()));
            }
            kv(sb, "Default Runtime", Json.str(info, "DefaultRuntime"));
            kv(sb, "Kernel Version", Json.str(info, "KernelVersion"));
            kv(sb, "Operating System", Json.str(info, "OperatingSystem"));
            kv(sb, "OSType", Json.str(info, "OSType"));
            kv(sb, "Architecture", Json.str(info, "Architecture"));
            kv(sb, "CPUs", Json.str(info, "NCPU"));
            kv(sb, "Total Memory", HumanUnits.bytesSize(Json.num(info, "MemTotal")));
            kv(sb, "Name", Json.str(info, "Name"));
            kv(sb, "ID", Json.str(info, "ID"));
            kv(sb, "Berth Root Dir", Json.str(info, "DockerRootDir"));
            cli.out.print(sb);
            if (Json.at(info, "Warnings") instanceof List<?> warnings) {
                warnings.forEach(w -> cli.err.println(w));
            }
            return 0;
        }

        private static void kv(StringBuilder sb, String key, String value) {
            sb.append(' ').append(key).append(": ").append(value).append('\n');
        }
    }

    public static final class Events extends BerthCommand {
        @Override public String synopsis() { return "berth events [OPTIONS]"; }
        @Override public String description() { return "Get real time events from the server"; }
        @Override public void define(FlagSet f) {
            f.string(null, "since", "Show logs since timestamp or relative (e.g. 42m)", v -> since = v);
            f.string(null, "until", "Show logs before a timestamp or relative", v -> until = v);
            f.list("f", "filter", "Filter output based on conditions provided", filters);
            f.string(null, "format", "Format output using a custom template", v -> format = v);
        }
        String since;
        String until;
        List<String> filters = new ArrayList<>();
        String format;

        private static final DateTimeFormatter NANOS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX");

        @Override
        public Integer call() {
            long now = System.currentTimeMillis();
            GoTemplate template = null;
            if (format != null && !format.isEmpty()) {
                template = GoTemplate.parse((format.equals("json") ? "{{json .}}" : format).replace("\\t", "\t").replace("\\n", "\n"));
            }
            EngineClient.Query q = EngineClient.query()
                    .add("since", since == null ? null : ContainerCommands.timestamp(since, now))
                    .add("until", until == null ? null : ContainerCommands.timestamp(until, now))
                    .add("filters", ContainerCommands.filtersJson(filters));
            Response r = engine().stream("GET", "/events", q, null, -1, null);
            try (InputStream in = r.body()) {
                Json.Stream s = Json.stream(in);
                Object e;
                while ((e = s.next()) != null) {
                    cli.out.println(template != null ? template.execute(e) : line(e));
                    cli.out.flush();
                }
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            } finally {
                r.connection().close();
            }
            return 0;
        }

        /** docker's default event line: time, type, action, actor id, (sorted attributes). */
        static String line(Object e) {
            long nanos = Json.num(e, "timeNano");
            Instant t = nanos != 0 ? Instant.ofEpochSecond(0, nanos) : Instant.ofEpochSecond(Json.num(e, "time"));
            StringBuilder sb = new StringBuilder(NANOS.format(t.atZone(ZoneId.systemDefault())));
            sb.append(' ').append(Json.str(e, "Type")).append(' ').append(Json.str(e, "Action")).append(' ').append(Json.str(e, "Actor", "ID"));
            if (Json.at(e, "Actor", "Attributes") instanceof Map<?, ?> attrs && !attrs.isEmpty()) {
                List<String> kv = new ArrayList<>();
                new TreeMap<>(ContainerCommands.asMap(attrs)).forEach((k, v) -> kv.add(k + "=" + v));
                sb.append(" (").append(String.join(", ", kv)).append(')');
            }
            return sb.toString();
        }
    }
}
