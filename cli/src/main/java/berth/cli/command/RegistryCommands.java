package berth.cli.command;

import berth.cli.Cli;
import berth.cli.DaemonException;
import berth.cli.EngineClient;
import berth.cli.UserException;
import berth.cli.format.Json;
import berth.cli.http.HttpConnection.Response;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Registry verbs: pull, push, login, logout, search. Credentials come from the docker CLI's config.json. */
final class RegistryCommands {
    private RegistryCommands() {}

    /** The registry a reference names: its first component if that has a dot, a port or is localhost; else Docker Hub. */
    static String registryOf(String name) {
        int slash = name.indexOf('/');
        if (slash > 0) {
            String first = name.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                return first;
            }
        }
        return "docker.io";
    }

    /** A name split as the API wants it: the repository and its tag or digest (empty for none). */
    record Split(String repository, String tag) {
        static Split of(String name) {
            int at = name.indexOf('@');
            if (at >= 0) {
                return new Split(name.substring(0, at), name.substring(at + 1));
            }
            int colon = name.lastIndexOf(':');
            return colon > name.lastIndexOf('/') ? new Split(name.substring(0, colon), name.substring(colon + 1))
                    : new Split(name, "");
        }

        /** The fully qualified form docker prints after a pull: {@code docker.io/library/busybox:latest}. */
        String qualified() {
            String repo = repository;
            if (registryOf(repo).equals("docker.io") && !repo.startsWith("docker.io/")) {
                repo = "docker.io/" + (repo.contains("/") ? repo : "library/" + repo);
            }
            return repo + (tag.isEmpty() ? "" : (tag.startsWith("sha256:") ? "@" : ":") + tag);
        }
    }

    /**
     * {@code POST /images/create?fromImage=&tag=} with the user's credentials for the registry, drawing the
     * progress on {@code out}. Shared by {@code pull} and by {@code run}/{@code create} pulling a missing image
     * (which, as docker's, draw it on stderr).
     */
    static void pull(Cli cli, Split ref, String platform, boolean quiet, java.io.PrintStream out) {
        String auth = new DockerConfig(cli.env).registryAuthHeader(registryOf(ref.repository()));
        EngineClient.Query q = EngineClient.query().add("fromImage", ref.repository()).add("tag", ref.tag())
                .add("platform", platform);
        Response r = cli.engine().stream("POST", "/images/create", q, null, -1, null, Map.of("X-Registry-Auth", auth));
        try (InputStream in = r.body()) {
            new ProgressPrinter(out, cli.isTerminal(), quiet).print(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            r.connection().close();
        }
    }

    public static final class Pull extends BerthCommand {
        @Override public String synopsis() { return "berth pull [OPTIONS] NAME[:TAG|@DIGEST]"; }
        @Override public String description() { return "Download an image from a registry"; }
        @Override public void args(List<String> a) { name = a.getFirst(); }
        @Override public int minArgs() { return 1; }
        @Override public int maxArgs() { return 1; }
        @Override public void define(FlagSet f) {
            f.bool("a", "all-tags", "Download all tagged images in the repository", v -> allTags = v);
            f.string(null, "platform", "Set platform if server is multi-platform capable", v -> platform = v);
            f.bool("q", "quiet", "Suppress verbose output", v -> quiet = v);
        }
        String name;
        boolean allTags;
        String platform;
        boolean quiet;

        @Override
        public Integer call() {
            Split ref = Split.of(name);
            if (allTags && !ref.tag().isEmpty()) {
                throw new UserException("tag can't be used with --all-tags/-a", 1);
            }
            if (!allTags && ref.tag().isEmpty()) {
                ref = new Split(ref.repository(), "latest");
            }
            if (!quiet && allTags) {
                cli.out.println("Using default tag: all tags");
            } else if (!quiet && Split.of(name).tag().isEmpty()) {
                cli.out.println("Using default tag: latest");
            }
            pull(cli, ref, platform, quiet, cli.out);
            cli.out.println(ref.qualified());
            return 0;
        }
    }

    public static final class Push extends BerthCommand {
        @Override public String synopsis() { return "berth push [OPTIONS] NAME[:TAG]"; }
        @Override public String description() { return "Upload an image to a registry"; }
        @Override public void args(List<String> a) { name = a.getFirst(); }
        @Override public int minArgs() { return 1; }
        @Override public int maxArgs() { return 1; }
        @Override public void define(FlagSet f) {
            f.bool("a", "all-tags", "Push all tags of an image to the repository", v -> allTags = v);
            f.bool("q", "quiet", "Suppress verbose output", v -> quiet = v);
        }
        String name;
        boolean allTags;
        boolean quiet;

        @Override
        public Integer call() throws IOException {
            Split ref = Split.of(name);
            if (ref.tag().startsWith("sha256:")) {
                throw new UserException("invalid reference format: a digest cannot be pushed, name a tag", 1);
            }
            if (allTags && !ref.tag().isEmpty()) {
                throw new UserException("tag can't be used with --all-tags/-a", 1);
            }
            if (!allTags && ref.tag().isEmpty()) {
                if (!quiet) {
                    cli.out.println("Using default tag: latest");
                }
                ref = new Split(ref.repository(), "latest");
            }
            String auth = new DockerConfig(cli.env).registryAuthHeader(registryOf(ref.repository()));
            Response r = engine().stream("POST", "/images/" + path(ref.repository()) + "/push",
                    EngineClient.query().add("tag", ref.tag()), null, -1, null, Map.of("X-Registry-Auth", auth));
            try (InputStream in = r.body()) {
                new ProgressPrinter(cli.out, cli.isTerminal(), quiet).print(in);
            } finally {
                r.connection().close();
            }
            if (quiet) {
                cli.out.println(ref.qualified());
            }
            return 0;
        }
    }

    public static final class Login extends BerthCommand {
        @Override public String synopsis() { return "berth login [OPTIONS] [SERVER]"; }
        @Override public String description() { return "Authenticate to a registry"; }
        @Override public void args(List<String> a) { server = a.isEmpty() ? null : a.getFirst(); }
        @Override public int maxArgs() { return 1; }
        @Override public void define(FlagSet f) {
            f.string("u", "username", "Username", v -> username = v);
            f.string("p", "password", "Password or Personal Access Token (PAT)", v -> password = v);
            f.bool(null, "password-stdin", "Take the Password or Personal Access Token (PAT) from stdin", v -> passwordStdin = v);
        }
        String server;
        String username;
        String password;
        boolean passwordStdin;

        @Override
        public Integer call() throws IOException {
            DockerConfig config = new DockerConfig(cli.env);
            String key = DockerConfig.key(server);
            if (password != null && passwordStdin) {
                throw new UserException("--password and --password-stdin are mutually exclusive", 1);
            }
            if (passwordStdin) {
                if (username == null || username.isEmpty()) {
                    throw new UserException("Must provide --username with --password-stdin", 1);
                }
                password = new String(cli.in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("[\r\n]+$", "");
            } else if (password != null) {
                cli.err.println("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
            }
            if (username == null && password == null) {
                DockerConfig.Credentials stored = config.get(key);
                if (stored != null && authenticate(key, stored)) {
                    cli.out.println("Login Succeeded");
                    return 0;
                }
            }
            if (username == null || username.isEmpty()) {
                username = prompt("Username: ", false);
            }
            if (password == null || password.isEmpty()) {
                password = prompt("Password: ", true);
            }
            DockerConfig.Credentials credentials = new DockerConfig.Credentials(username, password);
            if (!authenticate(key, credentials)) {
                return 1;
            }
            config.store(key, credentials);
            cli.out.println("Login Succeeded");
            return 0;
        }

        private boolean authenticate(String key, DockerConfig.Credentials credentials) {
            try {
                engine().post("/auth", null, Json.object("username", credentials.username(), "password", credentials.secret(),
                        "serveraddress", key));
                return true;
            } catch (DaemonException e) {
                if (username == null && password == null && e.status() == 401) {
                    return false; // stored credentials went stale: ask for new ones
                }
                throw e;
            }
        }

        private String prompt(String label, boolean secret) {
            java.io.Console console = System.console();
            if (!cli.isTerminal() || console == null) {
                throw new UserException("Error: Cannot perform an interactive login from a non TTY device", 1);
            }
            if (secret) {
                char[] typed = console.readPassword(label);
                return typed == null ? "" : new String(typed);
            }
            try {
                cli.out.print(label);
                cli.out.flush();
                String line = new BufferedReader(new InputStreamReader(cli.in, StandardCharsets.UTF_8)).readLine();
                return line == null ? "" : line.strip();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    public static final class Logout extends BerthCommand {
        @Override public String synopsis() { return "berth logout [SERVER]"; }
        @Override public String description() { return "Log out from a registry"; }
        @Override public void args(List<String> a) { server = a.isEmpty() ? null : a.getFirst(); }
        @Override public int maxArgs() { return 1; }
        String server;

        @Override
        public Integer call() {
            String key = DockerConfig.key(server);
            if (new DockerConfig(cli.env).erase(key)) {
                cli.out.println("Removing login credentials for " + key);
            } else {
                cli.out.println("Not logged in to " + (server == null ? key : server));
            }
            return 0;
        }
    }

    public static final class Search extends BerthCommand {
        @Override public String synopsis() { return "berth search [OPTIONS] TERM"; }
        @Override public String description() { return "Search a registry for images"; }
        @Override public void args(List<String> a) { term = a.getFirst(); }
        @Override public int minArgs() { return 1; }
        @Override public int maxArgs() { return 1; }
        @Override public void define(FlagSet f) {
            f.integer(null, "limit", "Max number of search results", v -> limit = v);
            f.bool(null, "no-trunc", "Don't truncate output", v -> { });
            f.string(null, "format", "Pretty-print search using a Go template", v -> format = v);
        }
        String term;
        int limit = 25;
        String format;

        @Override
        public Integer call() {
            String auth = new DockerConfig(cli.env).registryAuthHeader(registryOf(term));
            Object results = engine().call("GET", "/images/search", EngineClient.query().add("term", term).add("limit", limit),
                    null, Map.of("X-Registry-Auth", auth));
            List<Map<String, Object>> rows = new java.util.ArrayList<>();
            for (Object row : results instanceof List<?> l ? l : List.of()) {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("Name", Json.str(row, "name"));
                m.put("Description", Json.str(row, "description"));
                m.put("StarCount", Json.num(row, "star_count"));
                m.put("IsOfficial", Boolean.TRUE.equals(Json.at(row, "is_official")) ? "[OK]" : "");
                m.put("IsAutomated", Boolean.TRUE.equals(Json.at(row, "is_automated")) ? "[OK]" : "");
                rows.add(m);
            }
            cli.out.print(Formatting.render(format, "table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}",
                    Map.of("Name", "NAME", "Description", "DESCRIPTION", "StarCount", "STARS", "IsOfficial", "OFFICIAL",
                            "IsAutomated", "AUTOMATED"), rows));
            return 0;
        }
    }

}
