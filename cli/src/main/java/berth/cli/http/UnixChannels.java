package berth.cli.http;

import sun.security.jca.ProviderList;
import sun.security.jca.Providers;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;

/**
 * Opens unix-domain socket channels without the JDK's security providers.
 *
 * <p>The first unix {@link SocketChannel} of a JVM initialises {@code sun.nio.ch.UnixDomainSockets}, whose static
 * initialiser asks {@code SecureRandom.getInstance("NativePRNGNonBlocking")} for the random names of temporary
 * sockets that an unbound server channel binds to. A client never binds one, yet that lookup loads the SUN provider
 * and its hundred-odd services and seeds a NativePRNG: ~18 ms of the ~25 ms a {@code berth} command spent before
 * its first request (measured with timestamps around the open). For that one call this class puts a provider list
 * of its own on the thread (as the JDK does itself while verifying signed jars): one provider whose
 * {@code NativePRNGNonBlocking} makes the real one, from the JDK's providers, on first use. Nothing gets a weaker
 * random; the CLI just never pays for one it does not use.
 *
 * <p>It needs {@code --add-exports java.base/sun.security.jca=ALL-UNNAMED} (bin/berth, the jar's manifest and the
 * AOT training pass it); a JVM started without it opens channels the JDK's usual way.
 */
final class UnixChannels {
    private static boolean opened;

    private UnixChannels() {}

    static synchronized SocketChannel open() throws IOException {
        if (opened) {
            return SocketChannel.open(StandardProtocolFamily.UNIX);
        }
        ProviderList previous;
        try {
            previous = Providers.beginThreadProviderList(ProviderList.newList(new LazyRandomProvider()));
        } catch (IllegalAccessError notExported) {
            opened = true;
            return SocketChannel.open(StandardProtocolFamily.UNIX);
        }
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            opened = true;
            return channel;
        } finally {
            Providers.endThreadProviderList(previous);
        }
    }

    /** Offers the one algorithm UnixDomainSockets asks for. */
    static final class LazyRandomProvider extends Provider {
        LazyRandomProvider() {
            super("BerthLazyRandom", "1", "NativePRNGNonBlocking created on first use");
            putService(new Service(this, "SecureRandom", "NativePRNGNonBlocking", LazyRandom.class.getName(), null, null) {
                @Override
                public Object newInstance(Object parameter) {
                    return new LazyRandom();
                }
            });
        }
    }

    /** The JDK's NativePRNGNonBlocking, looked up (outside the thread's provider list) when first used. */
    private static final class LazyRandom extends SecureRandomSpi {
        private SecureRandom real;

        private synchronized SecureRandom real() {
            if (real == null) {
                try {
                    real = SecureRandom.getInstance("NativePRNGNonBlocking");
                } catch (java.security.NoSuchAlgorithmException e) {
                    real = new SecureRandom();
                }
            }
            return real;
        }

        @Override
        protected void engineSetSeed(byte[] seed) {
            real().setSeed(seed);
        }

        @Override
        protected void engineNextBytes(byte[] bytes) {
            real().nextBytes(bytes);
        }

        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            return real().generateSeed(numBytes);
        }
    }
}
