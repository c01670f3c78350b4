package berth.api;

import berth.engine.Engine;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Docker Engine API server of berthd: HTTP/1.1 on unix sockets (Netty, JDK unix sockets, no JNI), serving
 * {@link Engine} under {@code /v1.24} … {@code /v1.51} and unversioned paths. Engine calls run on virtual
 * threads; streamed bodies, logs, events and hijacked attach/exec connections never buffer whole.
 *
 * <pre>{@code
 * ApiServer server = new ApiServer(engine, List.of("unix:///run/berth/berth.sock"), "0.1.0");
 * server.start();   // binds, or throws with the reason
 * ...
 * server.close();   // stops listening, removes the socket files
 * }</pre>
 *
 * TCP listen addresses ({@code tcp://host:port}) are served only with {@link Tls}: the server's certificate and a
 * CA that client certificates must chain to (docker's {@code --tlsverify}). Without it they are refused, since an
 * open API port gives root to anyone who can reach it.
 */
public final class ApiServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ApiServer.class.getName());

    private final List<Listen> addresses;
    private final List<Path> socketPaths;
    private final SslContext ssl;
    private final Router router;
    private final StandardHeaders standardHeaders;
    private final List<Channel> listeners = new ArrayList<>();
    private EventLoopGroup acceptors;
    private EventLoopGroup workers;

    /**
     * TLS for TCP listeners: PEM files of the CA that client certificates must chain to, of the server's certificate
     * (chain) and of its PKCS#8 private key ({@code BEGIN PRIVATE KEY}).
     */
    public record Tls(Path caCertificate, Path certificate, Path privateKey) {}

    /** A parsed listen address. */
    sealed interface Listen {
        record Unix(Path path) implements Listen {}

        record Tcp(String host, int port) implements Listen {}
    }

    /**
     * @param engine          what the API serves
     * @param listenAddresses {@code unix:///path} addresses (at least one)
     * @param serverVersion   Berth's version, sent as {@code Server: Berth/<version>}
     * @throws IllegalArgumentException for a malformed address, or a TCP one (it needs {@link Tls})
     */
    public ApiServer(Engine engine, List<String> listenAddresses, String serverVersion) {
        this(engine, listenAddresses, serverVersion, null);
    }

    /**
     * @param tls for {@code tcp://host:port} addresses, which require client certificates; null refuses them
     * @throws IllegalArgumentException for a malformed address, a TCP one without TLS, or unreadable TLS files
     */
    public ApiServer(Engine engine, List<String> listenAddresses, String serverVersion, Tls tls) {
        if (listenAddresses.isEmpty()) {
            throw new IllegalArgumentException("no listen address given");
        }
        this.addresses = listenAddresses.stream().map(a -> parse(a, tls != null)).toList();
        this.socketPaths = addresses.stream()
                .flatMap(a -> a instanceof Listen.Unix u ? java.util.stream.Stream.of(u.path())
                        : java.util.stream.Stream.empty())
                .toList();
        this.ssl = addresses.stream().anyMatch(a -> a instanceof Listen.Tcp) ? sslContext(tls) : null;
        this.router = routes(engine);
        this.standardHeaders = new StandardHeaders(serverVersion);
    }

    private static SslContext sslContext(Tls tls) {
        try {
            return SslContextBuilder.forServer(tls.certificate().toFile(), tls.privateKey().toFile())
                    .trustManager(tls.caCertificate().toFile())
                    .clientAuth(ClientAuth.REQUIRE)
                    .build();
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot set up TLS from " + tls + ": " + e.getMessage(), e);
        }
    }

    /** Parses a listen address: {@code unix:///path}, or {@code tcp://host:port} when TLS is configured. */
    static Listen parse(String address, boolean tls) {
        URI uri;
        try {
            uri = URI.create(address);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid listen address: " + address);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        return switch (scheme) {
            case "unix" -> {
                String path = uri.getPath();
                if (path == null || path.isEmpty() || !path.startsWith("/")) {
                    throw new IllegalArgumentException("invalid listen address: " + address
                            + " (expected unix:///absolute/path)");
                }
                yield new Listen.Unix(Path.of(path));
            }
            case "tcp" -> {
                if (!tls) {
                    throw new IllegalArgumentException("cannot listen on " + address
                            + ": TCP needs TLS with client certificate verification (a CA, a server certificate"
                            + " and key); without them listen on a unix socket (unix:///run/berth/berth.sock)");
                }
                if (uri.getHost() == null || uri.getPort() < 0) {
                    throw new IllegalArgumentException("invalid listen address: " + address
                            + " (expected tcp://host:port)");
                }
                yield new Listen.Tcp(uri.getHost(), uri.getPort());
            }
            default -> throw new IllegalArgumentException("invalid listen address: " + address
                    + " (expected unix:///path or tcp://host:port)");
        };
    }

    static Router routes(Engine engine) {
        Router router = new Router();
        new SystemEndpoints(engine).register(router);
        new ImageEndpoints(engine).register(router);
        new ContainerEndpoints(engine).register(router);
        new VolumeEndpoints(engine).register(router);
        new FileEndpoints(engine).register(router);
        new NetworkEndpoints(engine).register(router);
        return router;
    }

    /** Binds every address: a stale socket file is replaced, a live one is an error; sockets are mode 0660. */
    public synchronized void start() {
        if (acceptors != null) {
            throw new IllegalStateException("already started");
        }
        acceptors = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        try {
            for (Listen address : addresses) {
                switch (address) {
                    case Listen.Unix(Path path) -> {
                        prepareSocketPath(path);
                        listeners.add(bootstrap(NioServerDomainSocketChannel.class, false)
                                .bind(UnixDomainSocketAddress.of(path)).syncUninterruptibly().channel());
                        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
                        LOG.log(System.Logger.Level.INFO, "API listening on unix://" + path);
                    }
                    case Listen.Tcp(String host, int port) -> {
                        Channel listener = bootstrap(NioServerSocketChannel.class, true)
                                .bind(new InetSocketAddress(host, port)).syncUninterruptibly().channel();
                        listeners.add(listener);
                        LOG.log(System.Logger.Level.INFO, "API listening on tcp://" + listener.localAddress()
                                + " (TLS, client certificates required)");
                    }
                }
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot listen: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private ServerBootstrap bootstrap(Class<? extends io.netty.channel.ServerChannel> type, boolean tls) {
        return new ServerBootstrap()
                .group(acceptors, workers)
                .channel(type)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        HalfClosure.install(ch);
                        if (tls) {
                            ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline()
                                .addLast(HttpConnection.DECODER, new HttpRequestDecoder(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(64 * 1024)
                                        .setMaxHeaderSize(64 * 1024)
                                        .setMaxChunkSize(256 * 1024)))
                                .addLast(HttpConnection.ENCODER, new HttpResponseEncoder())
                                .addLast(HttpConnection.HEADERS, standardHeaders)
                                .addLast(HttpConnection.HANDLER, new HttpConnection(router));
                    }
                });
    }

    /** The addresses bound, once started (a TCP port 0 shows the port chosen). */
    public synchronized List<SocketAddress> boundAddresses() {
        return listeners.stream().map(Channel::localAddress).toList();
    }

    private static void prepareSocketPath(Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(path + " is a directory");
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                probe.connect(UnixDomainSocketAddress.of(path));
                throw new IOException("another daemon is listening on " + path);
            } catch (IOException stale) {
                if (stale.getMessage() != null && stale.getMessage().startsWith("another daemon")) {
                    throw stale;
                }
                Files.delete(path);
            }
        }
    }

    /** Stops listening, removes the socket files and lets open connections go. */
    @Override
    public synchronized void close() {
        for (Channel listener : listeners) {
            listener.close().awaitUninterruptibly();
        }
        listeners.clear();
        for (Path path : socketPaths) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot remove " + path + ": " + e.getMessage());
            }
        }
        if (acceptors != null) {
            acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            acceptors.terminationFuture().awaitUninterruptibly(3, TimeUnit.SECONDS);
            workers.terminationFuture().awaitUninterruptibly(3, TimeUnit.SECONDS);
            acceptors = null;
            workers = null;
        }
    }
}
