package berth.daemon;

import berth.api.ApiServer;
import berth.registry.client.RegistryConfig;
import berth.network.NetworkOptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * berthd's command line: where its state, runtime state and API sockets live, the TLS material without which
 * a TCP address is refused, and where the built-in registry serves, if it does.
 */
record DaemonOptions(Path root, Path execRoot, List<String> hosts, ApiServer.Tls tls, NetworkOptions network,
                     RegistryConfig registry, String registryAddress, Path registryRoot) {
    static final String USAGE = """
            Usage: berthd [--root DIR] [--exec-root DIR] [--host ADDR]... [--tlsverify --tlscacert FILE --tlscert FILE --tlskey FILE]
              --root DIR        persistent state (default /var/lib/berth)
              --exec-root DIR   runtime state: sockets, pids, conmon files (default /run/berth)
              -H, --host ADDR   API address: unix:///PATH (default unix:///run/berth/berth.sock) or tcp://HOST:PORT,
                                which needs --tlsverify; repeatable
              --tlsverify       serve TCP with TLS and require client certificates signed by --tlscacert
              --tlscacert FILE  CA certificate (PEM) that client certificates must chain to
              --tlscert FILE    the server's certificate (PEM)
              --tlskey FILE     the server's private key (PEM, PKCS#8)
              --bridge NAME     the default network's bridge interface (default berth0)
              --bip CIDR        the default bridge's address and subnet (default 10.66.0.1/16)
              --default-address-pool base=CIDR,size=N
                                where user-defined networks take their subnets (default base=10.67.0.0/16,size=24)
              --network-spares N
                                sandboxes on the default network set up ahead for the next containers (default 4)
              --registry-addr HOST:PORT  also serve Berth's OCI registry there (plain HTTP, anonymous; as
                                `berth registry serve`, which has the auth and TLS options)
              --registry-root DIR        the registry's directory (default <root>/registry)
              --insecure-registry HOST[:PORT]|CIDR   a registry spoken to over plain HTTP (loopback always is); repeatable
              --registry-mirror URL                  a mirror of Docker Hub tried first; repeatable
              --max-concurrent-downloads N           layers pulled at once (default 3)
              --max-concurrent-uploads N             layers pushed at once (default 5)
              --config-file FILE                     a daemon.json with insecure-registries, registry-mirrors, max-concurrent-*
            """;

    static DaemonOptions parse(String[] args) {
        Path root = Path.of("/var/lib/berth");
        Path execRoot = Path.of("/run/berth");
        List<String> hosts = new ArrayList<>();
        boolean tlsVerify = false;
        Path caCert = null;
        Path cert = null;
        Path key = null;
        String registryAddress = null;
        Path registryRoot = null;
        RegistrySettings registry = new RegistrySettings();
        NetworkOptions network = NetworkOptions.defaults();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--root" -> root = Path.of(value != null ? value : next(args, ++i, arg));
                case "--exec-root" -> execRoot = Path.of(value != null ? value : next(args, ++i, arg));
                case "--host", "-H" -> hosts.add(value != null ? value : next(args, ++i, arg));
                case "--tlsverify" -> tlsVerify = value == null || Boolean.parseBoolean(value);
                case "--tlscacert" -> caCert = Path.of(value != null ? value : next(args, ++i, arg));
                case "--tlscert" -> cert = Path.of(value != null ? value : next(args, ++i, arg));
                case "--tlskey" -> key = Path.of(value != null ? value : next(args, ++i, arg));
                case "--registry-addr" -> registryAddress = value != null ? value : next(args, ++i, arg);
                case "--registry-root" -> registryRoot = Path.of(value != null ? value : next(args, ++i, arg));
                case "--bridge", "-b" -> network = network(network::withBridge, value != null ? value : next(args, ++i, arg));
                case "--bip" -> network = network(network::withBip, value != null ? value : next(args, ++i, arg));
                case "--default-address-pool" ->
                        network = network(network::withPool, value != null ? value : next(args, ++i, arg));
                case "--network-spares" -> network = network(network::withSpares, value != null ? value : next(args, ++i, arg));
                case "--help", "-h" -> throw new UsageException(USAGE, 0);
                case String option when RegistrySettings.isOption(option) ->
                        registry.take(option, value != null ? value : next(args, ++i, arg));
                default -> throw new UsageException("berthd: unknown option " + arg + "\n" + USAGE, 2);
            }
        }
        if (hosts.isEmpty()) {
            hosts.add("unix://" + execRoot.resolve("berth.sock"));
        }
        ApiServer.Tls tls = null;
        if (tlsVerify) {
            if (caCert == null || cert == null || key == null) {
                throw new UsageException("berthd: --tlsverify needs --tlscacert, --tlscert and --tlskey\n", 2);
            }
            tls = new ApiServer.Tls(caCert, cert, key);
        }
        return new DaemonOptions(root.toAbsolutePath(), execRoot.toAbsolutePath(), List.copyOf(hosts), tls, network,
                registry.config(), registryAddress,
                (registryRoot != null ? registryRoot : root.resolve("registry")).toAbsolutePath());
    }

    private static NetworkOptions network(java.util.function.Function<String, NetworkOptions> option, String value) {
        try {
            return option.apply(value);
        } catch (RuntimeException e) {
            throw new UsageException("berthd: " + e.getMessage() + "\n", 2);
        }
    }

    private static String next(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new UsageException("berthd: " + option + " needs a value\n" + USAGE, 2);
        }
        return args[i];
    }

    /** A command line berthd cannot run with; the message is for the user. */
    static final class UsageException extends RuntimeException {
        final int exitCode;

        UsageException(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }
    }
}
