package berth.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The per-container {@code /etc/hosts}, {@code /etc/hostname} and {@code /etc/resolv.conf} that docker manages,
 * written into the container's directory and bind-mounted by the spec.
 */
record HostFiles(Path hosts, Path hostname, Path resolvConf) {

    static HostFiles write(Path containerDir, String hostname) {
        HostFiles files = new HostFiles(containerDir.resolve("hosts"), containerDir.resolve("hostname"),
                containerDir.resolve("resolv.conf"));
        try {
            Files.writeString(files.hosts, """
                    127.0.0.1\tlocalhost
                    ::1\tlocalhost ip6-localhost ip6-loopback
                    fe00::0\tip6-localnet
                    ff00::0\tip6-mcastprefix
                    ff02::1\tip6-allnodes
                    ff02::2\tip6-allrouters
                    """ + "127.0.1.1\t" + hostname + "\n");
            Files.writeString(files.hostname, hostname + "\n");
            Files.writeString(files.resolvConf, hostResolvConf());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** The host's resolver settings without loopback name servers, which mean nothing inside the container. */
    private static String hostResolvConf() throws IOException {
        Path host = Path.of("/etc/resolv.conf");
        List<String> lines = Files.exists(host) ? Files.readAllLines(host) : List.of();
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.startsWith("nameserver") && (trimmed.contains(" 127.") || trimmed.contains(" ::1"))) {
                continue;
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }
}
