package berth.network;

import berth.oci.errors.Conflict;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Host ports as the kernel sees them: whether another process holds one, and a free one for a port published
 * without a host port ({@code -p 80}, {@code -P}). netavark forwards with NAT rules only and binds nothing, so a
 * port a process already listens on would be silently shadowed; Berth refuses it instead, as docker does.
 */
public final class HostPorts {
    private HostPorts() {}

    /** Fails with docker's words when {@code mapping}'s host port cannot be bound right now. */
    public static void requireFree(PortMapping mapping) {
        try {
            InetAddress address = InetAddress.getByName(mapping.shownHostIp());
            if (mapping.protocol().equals("udp")) {
                new DatagramSocket(new InetSocketAddress(address, mapping.hostPort())).close();
            } else {
                try (ServerSocket socket = new ServerSocket()) {
                    socket.setReuseAddress(true);
                    socket.bind(new InetSocketAddress(address, mapping.hostPort()));
                }
            }
        } catch (IOException e) {
            throw inUse(mapping);
        }
    }

    /** docker's message for a host port already taken. */
    public static Conflict inUse(PortMapping mapping) {
        return new Conflict("driver failed programming external connectivity: Bind for " + mapping.shownHostIp() + ":"
                + mapping.hostPort() + " failed: port is already allocated");
    }

    /** A port the kernel would give out now, from its ephemeral range. */
    public static int freePort(String protocol) {
        try {
            if (protocol.equals("udp")) {
                try (DatagramSocket socket = new DatagramSocket(0)) {
                    return socket.getLocalPort();
                }
            }
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            }
        } catch (IOException e) {
            throw new berth.oci.errors.Unavailable("no free host port: " + e.getMessage(), e);
        }
    }
}
