package berth.cli.command;

import berth.cli.Cli;
import berth.cli.DaemonException;
import berth.cli.EngineClient;
import berth.cli.UserException;
import berth.cli.format.HumanUnits;
import berth.cli.format.Json;
import berth.cli.http.HttpConnection.Response;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Image verbs: images, history, tag, rmi, prune, import, save, load. */
public final class ImageCommands {
    private ImageCommands() {}

    public static final class Images extends BerthCommand {
        @Override public String synopsis() { return "berth images [OPTIONS] [REPOSITORY[:TAG]]"; }
        @Override public String description() { return "List images"; }
        @Override public void args(List<String> a) { reference = a.isEmpty() ? null : a.getFirst(); }
        @Override public int minArgs() { return 0; }
        @Override public int maxArgs() { return 1; }
        @Override public void define(FlagSet f) {
            f.bool("q", "quiet", "Only display IDs", v -> quiet = v);
            f.bool("a", "all", "Show all", v -> all = v);
            f.bool(null, "digests", "Show digests", v -> digests = v);
            f.bool(null, "no-trunc", "Don't truncate output", v -> noTrunc = v);
            f.list("f", "filter", "Filter output based on conditions provided", filters);
            f.string(null, "format", "Format output using a custom template", v -> format = v);
        }
        String reference;
        boolean quiet;
        boolean all;
        boolean digests;
        boolean noTrunc;
        List<String> filters = new ArrayList<>();
        String format;

        static final Map<String, String> HEADERS = Map.of("Repository", "REPOSITORY", "Tag", "TAG", "Digest", "DIGEST", "ID", "IMAGE ID",
                "CreatedSince", "CREATED", "CreatedAt", "CREATED AT", "Size", "SIZE", "Containers", "CONTAINERS",
                "VirtualSize", "SIZE", "SharedSize", "SHARED SIZE");

        @Override
        public Integer call() {
            List<String> f = new ArrayList<>(filters);
            if (reference != null) {
                f.add("reference=" + reference);
            }
            Object list = engine().get("/images/json", EngineClient.query().flag("all", all).add("filters", ContainerCommands.filtersJson(f)));
            String def = digests
                    ? "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
                    : "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
            boolean createdAt = !quiet && Formatting.shows(format, def, "CreatedAt");
            List<Map<String, Object>> rows = new ArrayList<>();
            long now = System.currentTimeMillis();
            if (list instanceof List<?> l) {
                for (Object img : l) {
                    rows.addAll(rows(img, !noTrunc, now, createdAt));
                }
            }
            if (quiet) {
                // One id per row, as docker prints it: an image with two tags shows twice.
                rows.forEach(r -> cli.out.println(r.get("ID")));
                return 0;
            }
            cli.out.print(Formatting.render(format, def, HEADERS, rows));
            return 0;
        }

        /** One row per repo:tag (docker's imageFormat), {@code <none>} for dangling images; CreatedAt only when {@code createdAt}. */
        static List<Map<String, Object>> rows(Object img, boolean trunc, long now, boolean createdAt) {
            List<Map<String, Object>> out = new ArrayList<>();
            String id = Json.str(img, "Id");
            Map<String, String> digestByRepo = new LinkedHashMap<>();
            if (Json.at(img, "RepoDigests") instanceof List<?> ds) {
                for (Object d : ds) {
                    String s = d.toString();
                    int at = s.indexOf('@');
                    if (at > 0) {
                        digestByRepo.put(s.substring(0, at), s.substring(at + 1));
                    }
                }
            }
            List<String[]> tags = new ArrayList<>();
            if (Json.at(img, "RepoTags") instanceof List<?> ts) {
                for (Object t : ts) {
                    String s = t.toString();
                    if (s.equals("<none>:<none>")) {
                        continue;
                    }
                    int colon = s.lastIndexOf(':');
                    tags.add(new String[] {s.substring(0, colon), s.substring(colon + 1)});
                }
            }
            if (tags.isEmpty()) {
                if (digestByRepo.isEmpty()) {
                    tags.add(new String[] {"<none>", "<none>"});
                } else {
                    digestByRepo.keySet().forEach(repo -> tags.add(new String[] {repo, "<none>"}));
                }
            }
            for (String[] t : tags) {
                Map<String, Object> r = new LinkedHashMap<>();
                long created = Json.num(img, "Created");
                long size = Json.num(img, "Size");
                r.put("Containers", Json.num(img, "Containers") < 0 ? "N/A" : String.valueOf(Json.num(img, "Containers")));
                if (createdAt) {
                    r.put("CreatedAt", Formatting.goTime(created));
                }
                r.put("CreatedSince", HumanUnits.ago(created, now));
                r.put("Digest", digestByRepo.getOrDefault(t[0], "<none>"));
                r.put("ID", trunc ? Formatting.shortId(id) : id);
                r.put("Repository", t[0]);
                r.put("SharedSize", Json.num(img, "SharedSize") < 0 ? "N/A" : HumanUnits.humanSize(Json.num(img, "SharedSize"), 3));
                r.put("Size", HumanUnits.humanSize(size, 3));
                r.put("Tag", t[1]);
                r.put("VirtualSize", HumanUnits.humanSize(size, 3));
                out.add(r);
            }
            return out;
        }
    }

    public static final class History extends BerthCommand {
        @Override public String synopsis() { return "berth history [OPTIONS] IMAGE"; }
        @Override public String description() { return "Show the history of an image"; }
        @Override public void args(List<String> a) { image = a.isEmpty() ? null : a.getFirst(); }
        @Override public int minArgs() { return 1; }
        @Override public int maxArgs() { return 1; }
        @Override public void define(FlagSet f) {
            f.bool("q", "quiet", "Only display IDs", v -> quiet = v);
            f.bool(null, "no-trunc", "Don't truncate output", v -> noTrunc = v);
            f.bool("H", "human", "Print sizes and dates in human readable format", v -> human = v);
            f.string(null, "format", "Format output using a custom template", v -> format = v);
        }
        String image;
        boolean quiet;
        boolean noTrunc;
        boolean human = true;
        String format;

        static final Map<String, String> HEADERS = Map.of("ID", "IMAGE", "CreatedSince", "CREATED", "CreatedAt", "CREATED AT",
                "CreatedBy", "CREATED BY", "Size", "SIZE", "Comment", "COMMENT");

        @Override
        public Integer call() {
            Object list = engine().get("/images/" + path(image) + "/history", null);
            List<Map<String, Object>> rows = new ArrayList<>();
            long now = System.currentTimeMillis();
            if (list instanceof List<?> l) {
                for (Object h : l) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    String id = Json.str(h, "Id");
                    r.put("ID", id.equals("<missing>") || id.isEmpty() ? "<missing>" : noTrunc ? id : Formatting.shortId(id));
                    long created = Json.num(h, "Created");
                    r.put("CreatedSince", human ? HumanUnits.ago(created, now) : java.time.Instant.ofEpochSecond(created).toString());
                    r.put("CreatedAt", java.time.Instant.ofEpochSecond(created).atZone(java.time.ZoneId.systemDefault())
                            .format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME));
                    String by = Json.str(h, "CreatedBy").replace("\t", " ");
                    r.put("CreatedBy", noTrunc ? by : Formatting.ellipsis(by, 45));
                    long size = Json.num(h, "Size");
                    r.put("Size", human ? HumanUnits.humanSize(size, 3) : String.valueOf(size));
                    r.put("Comment", Json.str(h, "Comment"));
                    rows.add(r);
                }
            }
            if (quiet) {
                rows.forEach(r -> cli.out.println(r.get("ID")));
                return 0;
            }
            cli.out.print(Formatting.render(format, "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}", HEADERS, rows));
            return 0;
        }
    }

    public static final class Tag extends BerthCommand {
        @Override public String synopsis() { return "berth tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]"; }
        @Override public String description() { return "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE"; }
        @Override public void args(List<String> a) { args = new ArrayList<>(a); }
        @Override public int minArgs() { return 2; }
        @Override public int maxArgs() { return 2; }
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            ImageReference target = parsed(args.get(1));
            if (target.digest() != null) {
                throw new UserException("refusing to create a tag with a digest reference", 1);
            }
            engine().post("/images/" + path(args.getFirst()) + "/tag",
                    EngineClient.query().add("repo", target.name()).add("tag", target.tag() == null ? "latest" : target.tag()), null);
            return 0;
        }

        private static ImageReference parsed(String target) {
            try {
                return ImageReference.parse(target);
            } catch (IllegalArgumentException e) {
                throw new UserException("Error parsing reference: \"" + target + "\" is not a valid repository/tag: "
                        + e.getMessage(), 1);
            }
        }
    }

    public static final class Rmi extends BerthCommand {
        @Override public String synopsis() { return "berth rmi [OPTIONS] IMAGE [IMAGE...]"; }
        @Override public String description() { return "Remove one or more images"; }
        @Override public void args(List<String> a) { names = new ArrayList<>(a); }
        @Override public int minArgs() { return 1; }
        @Override public int maxArgs() { return Integer.MAX_VALUE; }
        @Override public void define(FlagSet f) {
            f.bool("f", "force", "Force the removal", v -> force = v);
            f.bool(null, "no-prune", "Do not delete untagged parents", v -> noPrune = v);
        }
        List<String> names = new ArrayList<>();
        boolean force;
        boolean noPrune;

        @Override
        public Integer call() {
            return forEach(names, n -> {
                Object r = engine().call("DELETE", "/images/" + path(n), EngineClient.query().flag("force", force).flag("noprune", noPrune), null);
                printDeleted(cli, r, "Untagged: ", "Deleted: ");
            });
        }
    }

    static void printDeleted(Cli cli, Object list, String untagged, String deleted) {
        if (list instanceof List<?> l) {
            for (Object item : l) {
                String u = Json.str(item, "Untagged");
                String d = Json.str(item, "Deleted");
                if (!u.isEmpty()) {
                    cli.out.println(untagged + u);
                }
                if (!d.isEmpty()) {
                    cli.out.println(deleted + d);
                }
            }
        }
    }

    public static final class Prune extends BerthCommand {
        @Override public String synopsis() { return "berth prune [OPTIONS]"; }
        @Override public String description() { return "Remove unused images"; }
        @Override public void define(FlagSet f) {
            f.bool("a", "all", "Show all", v -> all = v);
            f.bool("f", "force", "Force the removal", v -> force = v);
            f.list(null, "filter", "Filter output based on conditions provided", filters);
        }
        boolean all;
        boolean force;
        List<String> filters = new ArrayList<>();

        @Override
        public Integer call() {
            String warning = all ? "WARNING! This will remove all images without at least one container associated to them."
                    : "WARNING! This will remove all dangling images.";
            if (!force && !ContainerCommands.confirm(this, warning)) {
                return 0;
            }
            List<String> f = new ArrayList<>(filters);
            f.add("dangling=" + (all ? "false" : "true"));
            Object r = engine().post("/images/prune", EngineClient.query().add("filters", ContainerCommands.filtersJson(f)), null);
            if (Json.at(r, "ImagesDeleted") instanceof List<?> l && !l.isEmpty()) {
                cli.out.println("Deleted Images:");
                printDeleted(cli, l, "untagged: ", "deleted: ");
                cli.out.println();
            }
            cli.out.println("Total reclaimed space: " + HumanUnits.humanSize(Json.num(r, "SpaceReclaimed")));
            return 0;
        }
    }

    public static final class Import extends BerthCommand {
        @Override public String synopsis() { return "berth import [OPTIONS] file|URL|- [REPOSITORY[:TAG]]"; }
        @Override public String description() { return "Import the contents from a tarball to create a filesystem image"; }
        @Override public void args(List<String> a) { args = new ArrayList<>(a); }
        @Override public int minArgs() { return 1; }
        @Override public int maxArgs() { return 2; }
        @Override public void define(FlagSet f) {
            f.list("c", "change", "Apply Dockerfile instruction to the created image", changes);
            f.string("m", "message", "Set commit message for imported image", v -> message = v);
            f.string(null, "platform", "", v -> platform = v);
        }
        List<String> args = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        String message;
        String platform;

        @Override
        public Integer call() throws IOException {
            String source = args.getFirst();
            EngineClient.Query q = EngineClient.query().add("fromSrc", "-");
            if (args.size() > 1) {
                ImageReference.addRepoAndTag(q, args.get(1));
            }
            q.add("message", message).add("platform", platform);
            for (String c : changes) {
                q.add("changes", c);
            }
            InputStream body;
            Thread tarWriter = null;
            if (source.equals("-")) {
                body = cli.in;
            } else if (source.startsWith("http://") || source.startsWith("https://")) {
                throw new UserException("importing from a URL is not supported yet", 1);
            } else if (Files.isDirectory(Path.of(source))) {
                java.io.PipedInputStream pipe = new java.io.PipedInputStream(1 << 16);
                java.io.PipedOutputStream sink = new java.io.PipedOutputStream(pipe);
                tarWriter = Thread.ofVirtual().start(() -> {
                    try (sink) {
                        TarWriter.writeDirectory(Path.of(source), sink);
                    } catch (IOException e) {
                        cli.err.println("error archiving " + source + ": " + e.getMessage());
                    }
                });
                body = pipe;
            } else {
                try {
                    body = new BufferedInputStream(Files.newInputStream(Path.of(source)));
                } catch (NoSuchFileException e) {
                    throw new UserException("open " + source + ": no such file or directory", 1);
                }
            }
            Response r = engine().stream("POST", "/images/create", q, body, -1, "application/x-tar");
            try (InputStream in = r.body()) {
                printProgress(cli, in, false);
            } finally {
                r.connection().close();
                if (tarWriter != null) {
                    tarWriter.interrupt();
                }
            }
            return 0;
        }
    }

    /** Prints a JSON-lines progress stream (pull, import, load) the way docker does without a TTY. */
    static void printProgress(Cli cli, InputStream in, boolean quiet) throws IOException {
        Json.Stream s = Json.stream(in);
        Object m;
        while ((m = s.next()) != null) {
            Object error = Json.at(m, "errorDetail", "message");
            if (error == null) {
                error = Json.at(m, "error");
            }
            if (error != null) {
                throw new DaemonException(500, error.toString());
            }
            if (quiet) {
                continue;
            }
            String stream = Json.str(m, "stream");
            if (!stream.isEmpty()) {
                cli.out.print(stream);
                continue;
            }
            String status = Json.str(m, "status");
            if (status.isEmpty() || Json.at(m, "progressDetail") instanceof Map<?, ?> pd && !pd.isEmpty()) {
                continue;
            }
            String id = Json.str(m, "id");
            cli.out.println(id.isEmpty() ? status : id + ": " + status);
        }
        cli.out.flush();
    }

    public static final class Save extends BerthCommand {
        @Override public String synopsis() { return "berth save [OPTIONS] IMAGE [IMAGE...]"; }
        @Override public String description() { return "Save one or more images to a tar archive (streamed to STDOUT by default)"; }
        @Override public void args(List<String> a) { names = new ArrayList<>(a); }
        @Override public int minArgs() { return 1; }
        @Override public int maxArgs() { return Integer.MAX_VALUE; }
        @Override public void define(FlagSet f) {
            f.string("o", "output", "Write to a file, instead of STDOUT", v -> output = v);
            f.string(null, "platform", "", v -> platform = v);
        }
        List<String> names = new ArrayList<>();
        String output;
        String platform;

        @Override
        public Integer call() throws IOException {
            if (output == null && cli.isTerminal()) {
                throw new UserException("cowardly refusing to save to a terminal. Use the -o flag or redirect", 1);
            }
            EngineClient.Query q = EngineClient.query();
            names.forEach(n -> q.add("names", n));
            q.add("platform", platform);
            Response r = engine().stream("GET", "/images/get", q, null, -1, null);
            try (InputStream in = r.body()) {
                writeTar(cli, in, output);
            } finally {
                r.connection().close();
            }
            return 0;
        }
    }

    /** A tar answer to stdout, or to {@code output} whole or not at all (written aside, then renamed). */
    static void writeTar(berth.cli.Cli cli, InputStream in, String output) throws IOException {
        if (output == null) {
            in.transferTo(cli.out);
            cli.out.flush();
            return;
        }
        Path target = Path.of(output);
        Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), ".berth-save", ".tar");
        try (OutputStream o = Files.newOutputStream(tmp)) {
            in.transferTo(o);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public static final class Load extends BerthCommand {
        @Override public String synopsis() { return "berth load [OPTIONS]"; }
        @Override public String description() { return "Load an image from a tar archive or STDIN"; }
        @Override public void define(FlagSet f) {
            f.string("i", "input", "Read from tar archive file, instead of STDIN", v -> input = v);
            f.bool("q", "quiet", "Only display IDs", v -> quiet = v);
            f.string(null, "platform", "", v -> platform = v);
        }
        String input;
        boolean quiet;
        String platform;

        @Override
        public Integer call() throws IOException {
            InputStream body;
            if (input != null) {
                try {
                    body = new BufferedInputStream(Files.newInputStream(Path.of(input)));
                } catch (NoSuchFileException e) {
                    throw new UserException("open " + input + ": no such file or directory", 1);
                }
            } else {
                if (cli.isTerminal()) {
                    throw new UserException("requested load from stdin, but stdin is empty", 1);
                }
                body = cli.in;
            }
            Response r = engine().stream("POST", "/images/load", EngineClient.query().flag("quiet", quiet).add("platform", platform),
                    body, -1, "application/x-tar");
            try (InputStream in = r.body()) {
                if ("application/json".equals(r.header("Content-Type"))) {
                    printProgress(cli, in, false);
                } else {
                    in.transferTo(cli.out);
                }
            } finally {
                r.connection().close();
            }
            return 0;
        }
    }
}
