package berth.engine;

import berth.oci.container.ContainerConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How a container's configuration takes the image's defaults, by docker's rules. */
final class ConfigMerge {
    private static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private ConfigMerge() {}

    /**
     * The user's values win; env and labels merge key by key; the image's Cmd applies only when the user gave
     * neither Cmd nor Entrypoint, and its Entrypoint only when the user gave none ({@code --entrypoint ""}
     * clears it).
     */
    static ContainerConfig merge(ContainerConfig image, ContainerConfig user) {
        ContainerConfig img = image == null ? ContainerConfig.EMPTY : image;
        List<String> entrypoint = user.entrypoint();
        List<String> cmd = user.cmd();
        if (entrypoint == null || entrypoint.isEmpty()) {
            if (cmd == null || cmd.isEmpty()) {
                cmd = img.cmd();
            }
            if (entrypoint == null) {
                entrypoint = img.entrypoint();
            }
        }
        if (entrypoint != null && entrypoint.size() == 1 && entrypoint.getFirst().isEmpty()) {
            entrypoint = List.of();
        }
        return new ContainerConfig(user.hostname(), user.domainname(), first(user.user(), img.user()),
                user.attachStdin(), user.attachStdout(), user.attachStderr(),
                union(img.exposedPorts(), user.exposedPorts()), user.tty(), user.openStdin(), user.stdinOnce(),
                env(img.env(), user.env()), cmd, user.image(), union(img.volumes(), user.volumes()),
                first(user.workingDir(), img.workingDir()), entrypoint, img.onBuild(),
                union(img.labels(), user.labels()), first(user.stopSignal(), img.stopSignal()), user.stopTimeout(),
                user.shell() != null ? user.shell() : img.shell());
    }

    /** Entrypoint then Cmd: the process's argv. */
    static List<String> args(ContainerConfig config) {
        List<String> args = new ArrayList<>();
        if (config.entrypoint() != null) {
            args.addAll(config.entrypoint());
        }
        if (config.cmd() != null) {
            args.addAll(config.cmd());
        }
        return args;
    }

    static ContainerConfig withHostname(ContainerConfig c, String hostname) {
        return new ContainerConfig(hostname, c.domainname(), c.user(), c.attachStdin(), c.attachStdout(),
                c.attachStderr(), c.exposedPorts(), c.tty(), c.openStdin(), c.stdinOnce(), c.env(), c.cmd(), c.image(),
                c.volumes(), c.workingDir(), c.entrypoint(), c.onBuild(), c.labels(), c.stopSignal(), c.stopTimeout(),
                c.shell());
    }

    private static String first(String a, String b) {
        return a != null && !a.isEmpty() ? a : b;
    }

    private static <V> Map<String, V> union(Map<String, V> image, Map<String, V> user) {
        if (image == null && user == null) {
            return null;
        }
        Map<String, V> merged = new LinkedHashMap<>();
        if (image != null) {
            merged.putAll(image);
        }
        if (user != null) {
            merged.putAll(user);
        }
        return merged;
    }

    private static List<String> env(List<String> image, List<String> user) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (List<String> list : List.of(image == null ? List.<String>of() : image, user == null ? List.<String>of() : user)) {
            for (String entry : list) {
                int eq = entry.indexOf('=');
                merged.put(eq < 0 ? entry : entry.substring(0, eq), entry);
            }
        }
        if (!merged.containsKey("PATH")) {
            merged.put("PATH", DEFAULT_PATH);
        }
        return List.copyOf(merged.values());
    }
}
