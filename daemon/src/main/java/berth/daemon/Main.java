package berth.daemon;

import berth.api.ApiServer;
import berth.engine.LocalEngine;
import berth.registry.server.RegistryConfig;
import berth.registry.server.RegistryServer;

import java.util.concurrent.CountDownLatch;

/**
 * berthd: opens the engine on its root (adopting containers a previous daemon left running), serves the Docker
 * Engine API (and, with {@code --registry-addr}, Berth's OCI registry), and on SIGTERM/SIGINT stops listening
 * and closes the metadata; containers keep running under conmon (live restore).
 */
public final class Main {
    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        DaemonOptions options;
        try {
            options = DaemonOptions.parse(args);
        } catch (DaemonOptions.UsageException e) {
            (e.exitCode == 0 ? System.out : System.err).print(e.getMessage());
            System.exit(e.exitCode);
            return;
        }
        LocalEngine engine;
        ApiServer server;
        RegistryServer registry = null;
        try {
            engine = LocalEngine.open(options.root(), options.execRoot(), options.network(), options.registry());
            server = new ApiServer(engine, options.hosts(), LocalEngine.VERSION, options.tls());
            server.start();
            if (options.registryAddress() != null) {
                registry = new RegistryServer(RegistryConfig.of(options.registryAddress(), options.registryRoot()));
                registry.start();
                LOG.log(System.Logger.Level.INFO, "registry listening on {0} (root {1})", registry.url(),
                        options.registryRoot());
            }
        } catch (RuntimeException e) {
            System.err.println("berthd: " + e.getMessage());
            LOG.log(System.Logger.Level.DEBUG, "start-up failed", e);
            System.exit(1);
            return;
        }
        LOG.log(System.Logger.Level.INFO, "berthd {0} listening on {1} (root {2})", LocalEngine.VERSION,
                String.join(", ", options.hosts()), options.root());
        CountDownLatch stopped = new CountDownLatch(1);
        RegistryServer startedRegistry = registry;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (startedRegistry != null) {
                startedRegistry.close();
            }
            server.close();
            engine.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }
}
