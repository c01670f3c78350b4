package berth.cli.command;

import berth.cli.UserException;
import berth.registry.server.GarbageCollector;
import berth.registry.server.RegistryConfig;
import berth.registry.server.RegistryServer;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code berth registry serve} and {@code berth registry gc}: Berth's OCI distribution registry, run in the
 * foreground without a daemon. The only verbs that load the registry server (and Netty): the others never
 * touch this class.
 */
final class RegistryServerCommands {
    static final String USAGE = """

            Usage:  berth registry COMMAND

            Run Berth's image registry server (OCI distribution spec 1.1, Docker Registry HTTP API v2)

            Commands:
              serve       Serve a registry in the foreground until SIGTERM or SIGINT
              gc          Remove blobs no manifest references from a registry no server is using

            Run 'berth registry COMMAND --help' for more information on a command.
            """;
    static final String DEFAULT_ROOT = "/var/lib/berth/registry";

    private RegistryServerCommands() {}

    static BerthCommand lookup(String verb) {
        return switch (verb) {
            case "serve" -> new Serve();
            case "gc", "garbage-collect" -> new Gc();
            default -> null;
        };
    }

    static final class Serve extends BerthCommand {
        @Override public String synopsis() { return "berth serve [OPTIONS]"; }
        @Override public String description() { return "Serve an OCI distribution registry in the foreground until SIGTERM or SIGINT"; }
        @Override public void define(FlagSet f) {
            f.string(null, "addr", "Address to listen on, HOST:PORT or :PORT (default 127.0.0.1:5000)", v -> address = v);
            f.string(null, "root", "Directory of the registry's blobs and repositories (default " + DEFAULT_ROOT + ")", v -> root = v);
            f.string(null, "htpasswd", "Require basic auth by the users of this htpasswd file (bcrypt, htpasswd -B)", v -> htpasswd = v);
            f.string(null, "tls-cert", "Serve HTTPS with this certificate (PEM)", v -> tlsCert = v);
            f.string(null, "tls-key", "The certificate's private key (PEM, PKCS#8)", v -> tlsKey = v);
            f.string(null, "gc-interval", "Collect unreferenced blobs this often, e.g. 1h (default 0: never)", v -> gcInterval = v);
            f.string(null, "gc-grace", "Keep unreferenced blobs this long after their last push or check (default 1h)", v -> gcGrace = v);
            f.bool(null, "no-delete", "Refuse deletes of manifests, tags and blobs", v -> noDelete = v);
        }
        String address = "127.0.0.1:5000";
        String root = DEFAULT_ROOT;
        String htpasswd;
        String tlsCert;
        String tlsKey;
        String gcInterval = "0";
        String gcGrace = "1h";
        boolean noDelete;

        @Override
        public Integer call() throws InterruptedException {
            RegistryServer server;
            try {
                RegistryConfig config = new RegistryConfig(address, Path.of(root), file(htpasswd), file(tlsCert),
                        file(tlsKey), !noDelete, RegistryConfig.parseDuration(gcInterval),
                        RegistryConfig.parseDuration(gcGrace));
                server = new RegistryServer(config);
                server.start();
            } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
                throw new UserException("berth registry serve: " + e.getMessage(), 1);
            } catch (RuntimeException e) {
                // Netty reports a failed bind as the JDK's checked BindException, rethrown unchecked.
                throw new UserException("berth registry serve: cannot listen on " + address + ": " + e.getMessage(), 1);
            }
            cli.out.println("Berth registry listening on " + server.url() + " (root " + Path.of(root).toAbsolutePath() + ")");
            cli.out.flush();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "registry-shutdown"));
            stopped.await();
            return 0;
        }
    }

    static final class Gc extends BerthCommand {
        @Override public String synopsis() { return "berth gc [OPTIONS]"; }
        @Override public String description() { return "Remove blobs no manifest references from a registry no server is using"; }
        @Override public void define(FlagSet f) {
            f.string(null, "root", "Directory of the registry (default " + DEFAULT_ROOT + ")", v -> root = v);
            f.string(null, "grace", "Keep unreferenced blobs this long after their last push or check (default 1h)", v -> grace = v);
        }
        String root = DEFAULT_ROOT;
        String grace = "1h";

        @Override
        public Integer call() {
            try {
                Duration keep = RegistryConfig.parseDuration(grace);
                cli.out.println(GarbageCollector.collect(Path.of(root), keep));
            } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
                throw new UserException("berth registry gc: " + e.getMessage(), 1);
            }
            return 0;
        }
    }

    private static Path file(String value) {
        return value == null ? null : Path.of(value);
    }
}
