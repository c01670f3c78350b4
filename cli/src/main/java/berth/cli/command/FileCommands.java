package berth.cli.command;

import berth.cli.DaemonException;
import berth.cli.EngineClient;
import berth.cli.UserException;
import berth.cli.format.Json;
import berth.cli.http.HttpConnection.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** export, diff, commit and stats: a container's files and its resource use. */
public final class FileCommands {
    private FileCommands() {}

    public static final class Export extends BerthCommand {
        @Override public String synopsis() { return "berth export [OPTIONS] CONTAINER"; }
        @Override public String description() { return "Export a container's filesystem as a tar archive"; }
        @Override public int minArgs() { return 1; }
        @Override public int maxArgs() { return 1; }
        @Override public void args(List<String> a) { container = a.getFirst(); }
        @Override public void define(FlagSet f) {
            f.string("o", "output", "Write to a file, instead of STDOUT", v -> output = v);
        }
        String container;
        String output;

        @Override
        public Integer call() throws IOException {
            if (output == null && cli.isTerminal()) {
                throw new UserException("cowardly refusing to save to a terminal. Use the -o flag or redirect", 1);
            }
            Response r = engine().stream("GET", "/containers/" + path(container) + "/export", null, null, -1, null);
            try (InputStream in = r.body()) {
                ImageCommands.writeTar(cli, in, output);
            } finally {
                r.connection().close();
            }
            return 0;
        }
    }

    public static final class Diff extends BerthCommand {
        @Override public String synopsis() { return "berth diff CONTAINER"; }
        @Override public String description() { return "Inspect changes to files or directories on a container's filesystem"; }
        @Override public int minArgs() { return 1; }
        @Override public int maxArgs() { return 1; }
        @Override public void args(List<String> a) { container = a.getFirst(); }
        String container;

        @Override
        public Integer call() {
            Object changes = engine().get("/containers/" + path(container) + "/changes", null);
            StringBuilder sb = new StringBuilder();
            if (changes instanceof List<?> list) {
                for (Object change : list) {
                    String kind = switch ((int) Json.num(change, "Kind")) {
                        case 1 -> "A";
                        case 2 -> "D";
                        default -> "C";
                    };
                    sb.append(kind).append(' ').append(Json.str(change, "Path")).append('\n');
                }
            }
            cli.out.print(sb);
            return 0;
        }
    }

    public static final class Commit extends BerthCommand {
        @Override public String synopsis() { return "berth commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]"; }
        @Override public String description() { return "Create a new image from a container's changes"; }
        @Override public int minArgs() { return 1; }
        @Override public int maxArgs() { return 2; }
        @Override public void args(List<String> a) { args = new ArrayList<>(a); }
        @Override public void define(FlagSet f) {
            f.string("a", "author", "Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\")", v -> author = v);
            f.list("c", "change", "Apply Dockerfile instruction to the created image", changes);
            f.string("m", "message", "Commit message", v -> message = v);
            f.bool("p", "pause", "Pause container during commit", v -> pause = v);
        }
        List<String> args = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        String author;
        String message;
        boolean pause = true;

        @Override
        public Integer call() {
            EngineClient.Query q = EngineClient.query().add("container", args.getFirst());
            if (args.size() > 1) {
                ImageReference.addRepoAndTag(q, args.get(1));
            }
            q.add("comment", message).add("author", author).add("pause", pause ? "1" : "0");
            for (String c : changes) {
                q.add("changes", c);
            }
            Object r = engine().post("/commit", q, Map.of());
            cli.out.println(Json.str(r, "Id"));
            return 0;
        }
    }

    public static final class Stats extends BerthCommand {
        private static final String DEFAULT_TABLE =
                "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";
        private static final Map<String, String> HEADERS = Map.of("ID", "CONTAINER ID", "Container", "CONTAINER",
                "Name", "NAME", "CPUPerc", "CPU %", "MemUsage", "MEM USAGE / LIMIT", "MemPerc", "MEM %",
                "NetIO", "NET I/O", "BlockIO", "BLOCK I/O", "PIDs", "PIDS");

        @Override public String synopsis() { return "berth stats [OPTIONS] [CONTAINER...]"; }
        @Override public String description() { return "Display a live stream of container(s) resource usage statistics"; }
        @Override public int maxArgs() { return Integer.MAX_VALUE; }
        @Override public void args(List<String> a) { containers = new ArrayList<>(a); }
        @Override public void define(FlagSet f) {
            f.bool("a", "all", "Show all containers (default shows just running)", v -> all = v);
            f.bool(null, "no-stream", "Disable streaming stats and only pull the first result", v -> noStream = v);
            f.bool(null, "no-trunc", "Do not truncate output", v -> noTrunc = v);
            f.string(null, "format", "Format output using a custom template", v -> format = v);
        }
        List<String> containers = new ArrayList<>();
        boolean all;
        boolean noStream;
        boolean noTrunc;
        String format;

        @Override
        public Integer call() throws InterruptedException {
            List<String> names = containers;
            if (names.isEmpty()) {
                names = new ArrayList<>();
                Object list = engine().get("/containers/json", EngineClient.query().add("all", all ? "1" : null));
                if (list instanceof List<?> rows) {
                    for (Object row : rows) {
                        names.add(Json.str(row, "Id"));
                    }
                }
            }
            Map<String, Object> latest = new ConcurrentHashMap<>();
            if (noStream) {
                List<Thread> readers = new ArrayList<>();
                List<String> failures = new ArrayList<>();
                for (String name : names) {
                    readers.add(Thread.ofVirtual().start(() -> {
                        try {
                            latest.put(name, engine().get("/containers/" + path(name) + "/stats",
                                    EngineClient.query().add("stream", "0")));
                        } catch (DaemonException e) {
                            synchronized (failures) {
                                failures.add(e.getMessage());
                            }
                        }
                    }));
                }
                for (Thread t : readers) {
                    t.join();
                }
                if (!failures.isEmpty()) {
                    failures.forEach(m -> cli.err.println("Error response from daemon: " + m));
                    return 1;
                }
                cli.out.print(render(names, latest));
                return 0;
            }
            for (String name : names) {
                Thread.ofVirtual().start(() -> follow(name, latest));
            }
            while (true) {
                Thread.sleep(1000);
                cli.out.print("\033[2J\033[H" + render(names, latest));
                cli.out.flush();
            }
        }

        private void follow(String name, Map<String, Object> latest) {
            try {
                Response r = engine().stream("GET", "/containers/" + path(name) + "/stats",
                        EngineClient.query().add("stream", "1"), null, -1, null);
                try (InputStream in = r.body()) {
                    Json.Stream s = Json.stream(in);
                    for (Object sample = s.next(); sample != null; sample = s.next()) {
                        latest.put(name, sample);
                    }
                } finally {
                    r.connection().close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (DaemonException e) {
                cli.err.println("Error response from daemon: " + e.getMessage());
            }
        }

        private String render(List<String> names, Map<String, Object> latest) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String name : names) {
                Object sample = latest.get(name);
                if (sample == null) {
                    continue;
                }
                StatsFigures f = StatsFigures.of(sample);
                String id = Json.str(sample, "id");
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("ID", noTrunc ? id : Formatting.shortId(id));
                row.put("Container", name);
                row.put("Name", Json.str(sample, "name").replaceFirst("^/", ""));
                row.put("CPUPerc", f.cpu());
                row.put("MemUsage", f.memUsage());
                row.put("MemPerc", f.memPercent());
                row.put("NetIO", f.netIo());
                row.put("BlockIO", f.blockIo());
                row.put("PIDs", Long.toString(f.pids()));
                rows.add(row);
            }
            return Formatting.render(format, DEFAULT_TABLE, HEADERS, rows);
        }
    }
}
