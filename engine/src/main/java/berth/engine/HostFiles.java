package berth.engine;

import berth.oci.errors.InvalidArgument;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-container {@code /etc/hosts}, {@code /etc/hostname} and {@code /etc/resolv.conf} that docker manages,
 * written into the container's directory and bind-mounted by the spec.
 */
record HostFiles(Path hosts, Path hostname, Path resolvConf) {
    /** docker's fallback when the host has no name server a container can reach. */
    private static final List<String> FALLBACK_NAMESERVERS = List.of("8.8.8.8", "8.8.4.4");

    /**
     * What the files say: the container's host name and address ({@code 127.0.1.1} without a network), the
     * {@code --add-host} lines, and the resolver: {@code nameservers} from the network (aardvark-dns on a
     * user-defined one) or else {@code --dns} or else the host's; {@code --dns-search} and {@code --dns-option}
     * replace the host's search and options lines.
     */
    record Content(String hostname, String address, List<String> extraHosts, List<String> networkNameservers,
                   List<String> dns, List<String> dnsSearch, List<String> dnsOptions) {
        static Content of(String hostname) {
            return new Content(hostname, "", List.of(), List.of(), List.of(), List.of(), List.of());
        }
    }

    static HostFiles write(Path containerDir, String hostname) {
        return write(containerDir, Content.of(hostname));
    }

    static HostFiles write(Path containerDir, Content c) {
        HostFiles files = new HostFiles(containerDir.resolve("hosts"), containerDir.resolve("hostname"),
                containerDir.resolve("resolv.conf"));
        try {
            StringBuilder hosts = new StringBuilder("""
                    127.0.0.1\tlocalhost
                    ::1\tlocalhost ip6-localhost ip6-loopback
                    fe00::0\tip6-localnet
                    ff00::0\tip6-mcastprefix
                    ff02::1\tip6-allnodes
                    ff02::2\tip6-allrouters
                    """);
            for (String extra : c.extraHosts()) {
                hosts.append(extraHost(extra)).append('\n');
            }
            hosts.append(c.address().isEmpty() ? "127.0.1.1" : c.address()).append('\t').append(c.hostname()).append('\n');
            Files.writeString(files.hosts, hosts);
            Files.writeString(files.hostname, c.hostname() + "\n");
            Files.writeString(files.resolvConf, resolvConf(c));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** {@code --add-host name:ip} (or {@code name=ip}) as a hosts line {@code ip\tname}. */
    static String extraHost(String spec) {
        int sep = spec.indexOf('=') >= 0 ? spec.indexOf('=') : spec.indexOf(':');
        if (sep <= 0 || sep == spec.length() - 1) {
            throw new InvalidArgument("invalid argument \"" + spec + "\" for \"--add-host\" flag: bad format for add-host: "
                    + "\"" + spec + "\"");
        }
        String address = spec.substring(sep + 1);
        if (address.startsWith("[") && address.endsWith("]")) {
            address = address.substring(1, address.length() - 1);
        }
        return address + "\t" + spec.substring(0, sep);
    }

    private static String resolvConf(HostFiles.Content c) throws IOException {
        Path host = Path.of("/etc/resolv.conf");
        List<String> hostLines = Files.exists(host) ? Files.readAllLines(host) : List.of();
        List<String> hostServers = new ArrayList<>();
        List<String> search = new ArrayList<>();
        List<String> options = new ArrayList<>();
        for (String line : hostLines) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 2) {
                continue;
            }
            switch (f[0]) {
                // loopback name servers mean nothing inside the container's own network namespace
                case "nameserver" -> {
                    if (!f[1].startsWith("127.") && !f[1].equals("::1")) {
                        hostServers.add(f[1]);
                    }
                }
                case "search", "domain" -> search.addAll(List.of(f).subList(1, f.length));
                case "options" -> options.addAll(List.of(f).subList(1, f.length));
                default -> { }
            }
        }
        List<String> servers = !c.networkNameservers().isEmpty() ? c.networkNameservers()
                : !c.dns().isEmpty() ? c.dns() : hostServers.isEmpty() ? FALLBACK_NAMESERVERS : hostServers;
        StringBuilder out = new StringBuilder();
        List<String> searchLine = c.dnsSearch().isEmpty() ? search : c.dnsSearch().equals(List.of(".")) ? List.of()
                : c.dnsSearch();
        if (!searchLine.isEmpty()) {
            out.append("search ").append(String.join(" ", searchLine)).append('\n');
        }
        for (String server : servers) {
            out.append("nameserver ").append(server).append('\n');
        }
        List<String> optionLine = c.dnsOptions().isEmpty() ? options : c.dnsOptions();
        if (!optionLine.isEmpty()) {
            out.append("options ").append(String.join(" ", optionLine)).append('\n');
        }
        return out.toString();
    }
}
