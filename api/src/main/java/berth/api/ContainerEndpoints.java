package berth.api;

import berth.engine.Engine;
import berth.engine.Filters;
import berth.engine.OutputSink;
import berth.engine.Session;
import berth.engine.Subscription;
import berth.engine.model.ContainerInspect;
import berth.engine.model.ExecConfig;
import berth.engine.model.ExecInspect;
import berth.engine.model.WaitResponse;
import berth.oci.Json;
import berth.oci.container.ContainerConfig;
import berth.oci.container.HostConfig;
import berth.oci.errors.InvalidArgument;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The container and exec endpoints: lifecycle calls, the hijacked attach and exec start, followed logs and the
 * wait whose head goes out before its answer.
 */
final class ContainerEndpoints {
    private static final System.Logger LOG = System.getLogger(ContainerEndpoints.class.getName());
    private static final HttpResponseStatus NO_CONTENT = HttpResponseStatus.NO_CONTENT;
    private static final Session NO_SESSION = new Session() {
        @Override
        public void writeStdin(byte[] data, int offset, int length) {}

        @Override
        public void closeStdin() {}

        @Override
        public void detach() {}
    };

    private final Engine engine;

    ContainerEndpoints(Engine engine) {
        this.engine = engine;
    }

    void register(Router r) {
        r.add(HttpMethod.POST, "/containers/create", this::create)
                .add(HttpMethod.GET, "/containers/json", ex -> ex.json(HttpResponseStatus.OK, engine.listContainers(
                        ex.bool("all"), ex.integer("limit", -1), ex.bool("size"), Filters.parse(ex.query("filters")))))
                .add(HttpMethod.POST, "/containers/prune", ex -> ex.json(HttpResponseStatus.OK,
                        engine.pruneContainers(Filters.parse(ex.query("filters")))))
                .add(HttpMethod.GET, "/containers/{id}/json", ex -> ex.json(HttpResponseStatus.OK,
                        engine.inspectContainer(ex.param("id"), ex.bool("size"))))
                .add(HttpMethod.POST, "/containers/{id}/start", ex -> {
                    engine.startContainer(ex.param("id"));
                    ex.status(NO_CONTENT);
                })
                .add(HttpMethod.POST, "/containers/{id}/stop", ex -> {
                    engine.stopContainer(ex.param("id"), ex.integer("t"), blankToNull(ex.query("signal")));
                    ex.status(NO_CONTENT);
                })
                .add(HttpMethod.POST, "/containers/{id}/restart", ex -> {
                    engine.restartContainer(ex.param("id"), ex.integer("t"), blankToNull(ex.query("signal")));
                    ex.status(NO_CONTENT);
                })
                .add(HttpMethod.POST, "/containers/{id}/kill", ex -> {
                    String signal = blankToNull(ex.query("signal"));
                    engine.killContainer(ex.param("id"), signal == null ? "SIGKILL" : signal);
                    ex.status(NO_CONTENT);
                })
                .add(HttpMethod.POST, "/containers/{id}/pause", ex -> {
                    engine.pauseContainer(ex.param("id"));
                    ex.status(NO_CONTENT);
                })
                .add(HttpMethod.POST, "/containers/{id}/unpause", ex -> {
                    engine.unpauseContainer(ex.param("id"));
                    ex.status(NO_CONTENT);
                })
                .add(HttpMethod.POST, "/containers/{id}/rename", ex -> {
                    engine.renameContainer(ex.param("id"), ex.query("name"));
                    ex.status(NO_CONTENT);
                })
                .add(HttpMethod.POST, "/containers/{id}/resize", ex -> {
                    engine.resizeContainer(ex.param("id"), ex.integer("h", 0), ex.integer("w", 0));
                    ex.status(HttpResponseStatus.OK);
                })
                .add(HttpMethod.POST, "/containers/{id}/wait", this::waitFor)
                .add(HttpMethod.POST, "/containers/{id}/attach", Router.Body.HIJACK, this::attach)
                .add(HttpMethod.GET, "/containers/{id}/logs", this::logs)
                .add(HttpMethod.GET, "/containers/{id}/top", ex -> ex.json(HttpResponseStatus.OK,
                        engine.topContainer(ex.param("id"), blankToNull(ex.query("ps_args")))))
                .add(HttpMethod.DELETE, "/containers/{id}", ex -> {
                    engine.removeContainer(ex.param("id"), ex.bool("force"), ex.bool("v"));
                    ex.status(NO_CONTENT);
                })
                .add(HttpMethod.POST, "/containers/{id}/exec", this::createExec)
                .addHijackingAfterBody(HttpMethod.POST, "/exec/{id}/start", ContainerEndpoints::hijacksExec,
                        this::startExec)
                .add(HttpMethod.POST, "/exec/{id}/resize", ex -> {
                    engine.resizeExec(ex.param("id"), ex.integer("h", 0), ex.integer("w", 0));
                    ex.status(HttpResponseStatus.OK);
                })
                .add(HttpMethod.GET, "/exec/{id}/json", ex -> ex.json(HttpResponseStatus.OK,
                        engine.inspectExec(ex.param("id"))));
    }

    /** The body is the container's Config at the top level, with {@code HostConfig} (and NetworkingConfig) in it. */
    private void create(Exchange ex) {
        byte[] body = ex.body();
        if (body.length == 0) {
            throw new InvalidArgument("config cannot be empty in order to create a container");
        }
        JsonNode tree = Json.read(body, JsonNode.class);
        if (tree == null || !tree.isObject()) {
            throw new InvalidArgument("invalid JSON: the body must be an object");
        }
        ContainerConfig config = convert(tree, ContainerConfig.class);
        JsonNode host = tree.get("HostConfig");
        HostConfig hostConfig = host == null || host.isNull() ? HostConfig.EMPTY : convert(host, HostConfig.class);
        ex.json(HttpResponseStatus.CREATED, engine.createContainer(blankToNull(ex.query("name")), config, hostConfig,
                NetworkEndpoints.endpointsConfig(tree.path("NetworkingConfig").path("EndpointsConfig"))));
    }

    private void waitFor(Exchange ex) {
        String condition = blankToNull(ex.query("condition"));
        var future = engine.waitContainer(ex.param("id"), condition == null ? "not-running" : condition);
        ex.headNowBodyLater(future, response -> response, failure -> new WaitResponse(-1,
                new WaitResponse.WaitError(ErrorMapping.reply(failure).message())));
    }

    private void attach(Exchange ex) {
        String id = ex.param("id");
        ContainerInspect container = engine.inspectContainer(id, false);
        boolean tty = container.config() != null && container.config().isTty();
        var options = new Engine.AttachOptions(ex.bool("stdin"), ex.bool("stdout"), ex.bool("stderr"),
                ex.bool("stream"), ex.bool("logs"), blankToNull(ex.query("detachKeys")));
        DeferredSink sink = new DeferredSink();
        Session session = engine.attachContainer(id, options, sink);
        HijackedStream stream = ex.hijack(tty ? Exchange.RAW_STREAM : Exchange.MULTIPLEXED_STREAM);
        sink.open(stream.sink(tty));
        stream.start(session == null ? NO_SESSION : session, options.stdin());
    }

    private void logs(Exchange ex) {
        String id = ex.param("id");
        ContainerInspect container = engine.inspectContainer(id, false);
        boolean tty = container.config() != null && container.config().isTty();
        boolean stdout = ex.bool("stdout");
        boolean stderr = ex.bool("stderr");
        if (!stdout && !stderr) {
            throw new InvalidArgument("Bad parameters: you must choose at least one stream");
        }
        var options = new Engine.LogOptions(stdout, stderr, ex.bool("follow"), tail(ex.query("tail")),
                UnixTime.parseNanosOrZero(ex.query("since")), UnixTime.parseNanosOrZero(ex.query("until")),
                ex.bool("timestamps"));
        Exchange.ChunkedBody body = ex.chunked(tty ? Exchange.RAW_STREAM : Exchange.MULTIPLEXED_STREAM);
        Subscription subscription = engine.containerLogs(id, options, new FramedSink(tty, body::write, body::end));
        if (subscription != null) {
            ex.onClientGone(subscription::close);
        }
        body.start();
    }

    private void createExec(Exchange ex) {
        ExecConfig config = Json.read(nonEmpty(ex.body()), ExecConfig.class);
        if (config == null) {
            throw new InvalidArgument("invalid JSON: the body must be an object");
        }
        String id = engine.createExec(ex.param("id"), config);
        ex.json(HttpResponseStatus.CREATED, Map.of("Id", id));
    }

    /** The body of {@code POST /exec/{id}/start}. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record ExecStart(Boolean detach, Boolean tty) {
        static ExecStart parse(byte[] body) {
            if (body.length == 0) {
                return new ExecStart(false, false);
            }
            ExecStart start = Json.read(body, ExecStart.class);
            return start == null ? new ExecStart(false, false) : start;
        }

        boolean detached() {
            return Boolean.TRUE.equals(detach);
        }
    }

    private static boolean hijacksExec(byte[] body) {
        try {
            return !ExecStart.parse(body).detached();
        } catch (InvalidArgument e) {
            return false;
        }
    }

    private void startExec(Exchange ex) {
        String id = ex.param("id");
        ExecStart start = ExecStart.parse(ex.body());
        if (start.detached()) {
            engine.startExec(id, true, Boolean.TRUE.equals(start.tty()), DISCARD);
            ex.status(HttpResponseStatus.OK);
            return;
        }
        ExecInspect exec = engine.inspectExec(id);
        boolean tty = exec.processConfig() != null && exec.processConfig().tty();
        HijackedStream stream = ex.hijack(tty ? Exchange.RAW_STREAM : Exchange.MULTIPLEXED_STREAM);
        OutputSink sink = stream.sink(tty);
        Session session;
        try {
            session = engine.startExec(id, false, tty, sink);
        } catch (RuntimeException e) {
            failAfterHijack(sink, "Error starting exec", e);
            return;
        }
        stream.start(session == null ? NO_SESSION : session, exec.openStdin());
    }

    /** After the 101 there is no status to send: the error goes to the client's stderr, as docker does. */
    private static void failAfterHijack(OutputSink sink, String what, RuntimeException e) {
        String message = ErrorMapping.reply(e).message();
        LOG.log(System.Logger.Level.DEBUG, what + ": " + message);
        byte[] text = (what + ": " + (message == null ? "" : message) + "\n").getBytes(StandardCharsets.UTF_8);
        sink.write(OutputSink.StdStream.STDERR, text, 0, text.length);
        sink.close();
    }

    private static final OutputSink DISCARD = new OutputSink() {
        @Override
        public void write(StdStream stream, byte[] data, int offset, int length) {}

        @Override
        public void close() {}
    };

    /** Docker's {@code tail}: {@code all} (or anything not a number) is everything. */
    static int tail(String value) {
        if (value == null || value.isBlank() || value.equalsIgnoreCase("all")) {
            return -1;
        }
        try {
            return Math.max(-1, Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static <T> T convert(JsonNode node, Class<T> type) {
        try {
            return Json.MAPPER.treeToValue(node, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            String message = e.getMessage() == null ? "malformed body" : e.getMessage().lines().findFirst().orElse("");
            throw new InvalidArgument("invalid JSON: " + message);
        }
    }

    private static byte[] nonEmpty(byte[] body) {
        if (body.length == 0) {
            throw new InvalidArgument("invalid JSON: empty body");
        }
        return body;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
