package berth.network;

import berth.oci.Json;
import berth.oci.errors.Unavailable;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives netavark: {@code netavark --config DIR setup|teardown NETNS} with the container's networks and ports as
 * JSON on stdin. netavark makes the bridge, the veth pair, the addresses, routes, NAT and port forwarding rules,
 * and runs aardvark-dns for networks that resolve names; teardown takes the same JSON and undoes it.
 *
 * <p>Calls are serialized host-wide through a lock file: netavark 1.4 creates shared iptables chains and would
 * race with another daemon's netavark doing the same.
 */
public final class Netavark {
    /** What netavark reports for one network: the container's address, prefix, gateway and MAC. */
    public record Status(String address, int prefixLength, String gateway, String mac) {}

    private static final Path HOST_LOCK = Path.of("/run/lock/berth-netavark.lock");
    /** A file lock is held per process: threads of this one queue here first. */
    private static final java.util.concurrent.locks.ReentrantLock PROCESS_LOCK = new java.util.concurrent.locks.ReentrantLock();

    private final Path binary;
    private final Path configDir;

    public Netavark(Path binary, Path configDir) {
        this.binary = binary;
        this.configDir = configDir;
    }

    /** The JSON netavark's setup and teardown take for {@code attachments} and {@code ports}. */
    public static byte[] request(String containerId, String containerName, List<Attachment> attachments,
                                 List<PortMapping> ports) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("container_id", containerId);
        root.put("container_name", containerName);
        ObjectNode networks = root.putObject("networks");
        ObjectNode info = root.putObject("network_info");
        for (Attachment a : attachments) {
            Network n = a.network();
            // netavark names its iptables chains after the network's name: the id keeps two daemons' networks
            // of the same name (every daemon has a "bridge") from sharing, and tearing down, each other's rules.
            ObjectNode per = networks.putObject(n.id());
            per.putArray("static_ips").add(a.address());
            ArrayNode aliases = per.putArray("aliases");
            a.aliases().forEach(aliases::add);
            per.put("interface_name", a.interfaceName());
            if (!a.mac().isEmpty()) {
                per.put("static_mac", a.mac());
            }
            ObjectNode net = info.putObject(n.id());
            net.put("name", n.id());
            net.put("id", n.id());
            net.put("driver", "bridge");
            net.put("network_interface", n.interfaceName());
            ObjectNode subnet = net.putArray("subnets").addObject();
            subnet.put("subnet", n.subnet());
            subnet.put("gateway", n.gateway());
            net.put("ipv6_enabled", false);
            net.put("internal", n.internal());
            net.put("dns_enabled", n.dnsEnabled());
            net.putObject("ipam_options").put("driver", "host-local");
            // isolate: no traffic between two Berth networks, as docker's bridges.
            net.putObject("options").put("isolate", "true");
        }
        ArrayNode mappings = root.putArray("port_mappings");
        for (PortMapping p : ports) {
            ObjectNode m = mappings.addObject();
            m.put("host_ip", p.hostIp().equals("0.0.0.0") ? "" : p.hostIp());
            m.put("container_port", p.containerPort());
            m.put("host_port", p.hostPort());
            m.put("range", 1);
            m.put("protocol", p.protocol());
        }
        return Json.write(root);
    }

    /** Sets up {@code netns} as {@code request} says; returns each network's status by network id. */
    public Map<String, Status> setup(Path netns, byte[] request) {
        JsonNode answer = Json.read(run("setup", netns, request), JsonNode.class);
        keepIsolationJump();
        Map<String, Status> statuses = new LinkedHashMap<>();
        answer.fields().forEachRemaining(e -> {
            for (JsonNode iface : e.getValue().path("interfaces")) {
                JsonNode subnet = iface.path("subnets").path(0);
                String ipnet = subnet.path("ipnet").asText("");
                int slash = ipnet.indexOf('/');
                statuses.put(e.getKey(), new Status(slash < 0 ? ipnet : ipnet.substring(0, slash),
                        slash < 0 ? 0 : Integer.parseInt(ipnet.substring(slash + 1)),
                        subnet.path("gateway").asText(""), iface.path("mac_address").asText("")));
            }
        });
        return statuses;
    }

    /** Undoes a setup made with the same {@code request}. */
    public void teardown(Path netns, byte[] request) {
        run("teardown", netns, request);
    }

    /**
     * netavark 1.4 deletes the {@code FORWARD -j NETAVARK_ISOLATION_1} jump whenever it tears down any isolated
     * network, opening every other network to its neighbours until the next setup. Berth keeps a jump of its own,
     * told apart by a comment, that netavark's delete does not match.
     */
    private static void keepIsolationJump() {
        String[] rule = {"FORWARD", "-m", "comment", "--comment", "berth: netavark isolation", "-j",
                "NETAVARK_ISOLATION_1"};
        if (iptables(concat("-w", "-C", rule)) != 0) {
            List<String> insert = new java.util.ArrayList<>(List.of("-w", "-I", "FORWARD", "1"));
            insert.addAll(List.of(rule).subList(1, rule.length));
            iptables(insert.toArray(String[]::new));
        }
    }

    private static String[] concat(String a, String b, String[] rest) {
        String[] all = new String[rest.length + 2];
        all[0] = a;
        all[1] = b;
        System.arraycopy(rest, 0, all, 2, rest.length);
        return all;
    }

    private static int iptables(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("iptables"));
        command.addAll(List.of(args));
        try {
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private byte[] run(String command, Path netns, byte[] request) {
        try {
            Files.createDirectories(configDir);
            Files.createDirectories(HOST_LOCK.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PROCESS_LOCK.lock();
        try (FileChannel lockFile = FileChannel.open(HOST_LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockFile.lock()) {
            Process p = new ProcessBuilder(binary.toString(), "--config", configDir.toString(), command,
                    netns.toString()).redirectError(ProcessBuilder.Redirect.PIPE).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(request);
            }
            byte[] out;
            byte[] err;
            try (InputStream stdout = p.getInputStream(); InputStream stderr = p.getErrorStream()) {
                out = stdout.readAllBytes();
                err = stderr.readAllBytes();
            }
            int rc = p.waitFor();
            if (rc != 0) {
                throw new Unavailable("netavark " + command + " failed: " + reason(out, err));
            }
            return out;
        } catch (IOException e) {
            throw new Unavailable("cannot run netavark: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while netavark ran", e);
        } finally {
            PROCESS_LOCK.unlock();
        }
    }

    /** netavark answers a failure with {@code {"error": …}} on stdout; its log lines go to stderr. */
    private static String reason(byte[] out, byte[] err) {
        try {
            JsonNode error = Json.MAPPER.readTree(out).path("error");
            if (error.isTextual()) {
                return error.asText();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: fall back to stderr
        }
        String text = new String(err, StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? new String(out, StandardCharsets.UTF_8).strip() : text;
    }
}
