package berth.registry.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.stream.ChunkedWriteHandler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileLock;
import java.util.concurrent.TimeUnit;

/**
 * Berth's OCI distribution registry (spec 1.1, and the Docker Registry HTTP API v2 that docker, podman and
 * skopeo speak) on a directory of its own: HTTP/1.1 or HTTPS over TCP with Netty, optional basic auth from an
 * htpasswd file, and garbage collection on a timer that is safe while pushes run.
 *
 * <pre>{@code
 * try (RegistryServer server = new RegistryServer(RegistryConfig.of("127.0.0.1:5000", root))) {
 *     server.start();           // takes the root's lock, binds, or throws with the reason
 *     server.address();         // the port chosen for port 0
 * }
 * }</pre>
 */
public final class RegistryServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RegistryServer.class.getName());

    private final RegistryConfig config;
    private final RegistryLayout layout;
    private final Htpasswd users;
    private final SslContext ssl;
    private Registry registry;
    private GarbageCollector collector;
    private FileLock lock;
    private EventLoopGroup acceptor;
    private EventLoopGroup workers;
    private Channel listener;
    private Thread collecting;

    /** Checks the configuration (the address, the htpasswd file, the TLS files) without binding anything. */
    public RegistryServer(RegistryConfig config) {
        this.config = config;
        this.layout = new RegistryLayout(config.root());
        parseAddress(config.address());
        this.users = config.htpasswd() == null ? null : Htpasswd.read(config.htpasswd());
        this.ssl = config.tlsCertificate() == null ? null : sslContext(config);
    }

    private static SslContext sslContext(RegistryConfig config) {
        try {
            return SslContextBuilder.forServer(config.tlsCertificate().toFile(), config.tlsKey().toFile()).build();
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot set up TLS from " + config.tlsCertificate() + " and "
                    + config.tlsKey() + ": " + e.getMessage(), e);
        }
    }

    static InetSocketAddress parseAddress(String address) {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("invalid address \"" + address + "\" (expected HOST:PORT or :PORT)");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("invalid port in address \"" + address + "\"");
        }
        return host.isEmpty() ? new InetSocketAddress(port) : InetSocketAddress.createUnresolved(host, port);
    }

    public synchronized void start() {
        if (listener != null) {
            throw new IllegalStateException("already started");
        }
        layout.createDirectories();
        lock = layout.lock();
        try {
            registry = new Registry(layout, users, config.deleteEnabled());
            collector = new GarbageCollector(registry, config.gcGrace());
            acceptor = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
            InetSocketAddress address = parseAddress(config.address());
            if (address.isUnresolved()) {
                address = new InetSocketAddress(address.getHostString(), address.getPort());
            }
            listener = new ServerBootstrap()
                    .group(acceptor, workers)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (ssl != null) {
                                ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc()));
                            } else {
                                ch.pipeline().addLast("plain", new PlainHttpGuard());
                            }
                            ch.pipeline()
                                    .addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                                            .setMaxInitialLineLength(64 * 1024)
                                            .setMaxHeaderSize(64 * 1024)
                                            .setMaxChunkSize(1 << 20)))
                                    .addLast("continue", new HttpServerExpectContinueHandler())
                                    .addLast("chunked", new ChunkedWriteHandler())
                                    .addLast("registry", new RegistryConnection(registry, ssl != null));
                        }
                    })
                    .bind(address).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (!config.gcInterval().isZero()) {
            collecting = Thread.ofVirtual().name("registry-gc").start(this::collectPeriodically);
        }
        LOG.log(System.Logger.Level.DEBUG, "registry listening on " + url() + " (root " + layout.root() + ")");
    }

    private void collectPeriodically() {
        try {
            while (true) {
                Thread.sleep(config.gcInterval());
                try {
                    collector.collect();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "garbage collection failed", e);
                }
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    /** Collects garbage now, beside running requests. */
    public GarbageCollector.Result collectGarbage() {
        return collector.collect();
    }

    /** The address bound, once started. */
    public synchronized InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** {@code http://host:port} or {@code https://host:port}, once started. */
    public String url() {
        InetSocketAddress address = address();
        String host = address.getAddress().getHostAddress();
        return (ssl == null ? "http" : "https") + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + address.getPort();
    }

    @Override
    public synchronized void close() {
        if (collecting != null) {
            collecting.interrupt();
            collecting = null;
        }
        if (listener != null) {
            listener.close().awaitUninterruptibly();
            listener = null;
        }
        if (acceptor != null) {
            acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
            acceptor = null;
            workers = null;
        }
        if (lock != null) {
            try {
                lock.channel().close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot release " + layout.root() + "/lock: " + e.getMessage());
            }
            lock = null;
        }
    }
}
