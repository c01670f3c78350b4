package berth.engine;

import berth.oci.Json;
import berth.oci.container.ContainerConfig;
import berth.oci.errors.InvalidArgument;
import com.fasterxml.jackson.core.type.TypeReference;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Dockerfile lines {@code import --change} accepts (CMD, ENTRYPOINT, ENV, WORKDIR, USER, EXPOSE, LABEL,
 * VOLUME, STOPSIGNAL), applied to an image's run configuration.
 */
public final class ImageChanges {
    private ImageChanges() {}

    public static ContainerConfig apply(ContainerConfig base, List<String> changes) {
        ContainerConfig config = base;
        for (String change : changes) {
            config = applyOne(config, change.strip());
        }
        return config;
    }

    private static ContainerConfig applyOne(ContainerConfig c, String line) {
        if (line.isEmpty()) {
            return c;
        }
        int space = line.indexOf(' ');
        String instruction = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String arg = space < 0 ? "" : line.substring(space + 1).strip();
        return switch (instruction) {
            case "CMD" -> copy(c, c.env(), commandForm(arg), c.entrypoint(), c.workingDir(), c.user(), c.exposedPorts(),
                    c.labels(), c.volumes(), c.stopSignal());
            case "ENTRYPOINT" -> copy(c, c.env(), c.cmd(), commandForm(arg), c.workingDir(), c.user(), c.exposedPorts(),
                    c.labels(), c.volumes(), c.stopSignal());
            case "ENV" -> copy(c, mergeEnv(c.env(), keyValues(arg, "ENV")), c.cmd(), c.entrypoint(), c.workingDir(), c.user(),
                    c.exposedPorts(), c.labels(), c.volumes(), c.stopSignal());
            case "WORKDIR" -> copy(c, c.env(), c.cmd(), c.entrypoint(), requireArg(arg, instruction), c.user(),
                    c.exposedPorts(), c.labels(), c.volumes(), c.stopSignal());
            case "USER" -> copy(c, c.env(), c.cmd(), c.entrypoint(), c.workingDir(), requireArg(arg, instruction),
                    c.exposedPorts(), c.labels(), c.volumes(), c.stopSignal());
            case "EXPOSE" -> copy(c, c.env(), c.cmd(), c.entrypoint(), c.workingDir(), c.user(),
                    addKeys(c.exposedPorts(), ports(arg)), c.labels(), c.volumes(), c.stopSignal());
            case "LABEL" -> {
                Map<String, String> labels = new LinkedHashMap<>(c.labels() == null ? Map.of() : c.labels());
                keyValues(arg, "LABEL").forEach(kv -> labels.put(kv[0], kv[1]));
                yield copy(c, c.env(), c.cmd(), c.entrypoint(), c.workingDir(), c.user(), c.exposedPorts(), labels,
                        c.volumes(), c.stopSignal());
            }
            case "VOLUME" -> copy(c, c.env(), c.cmd(), c.entrypoint(), c.workingDir(), c.user(), c.exposedPorts(),
                    c.labels(), addKeys(c.volumes(), volumeForm(arg)), c.stopSignal());
            case "STOPSIGNAL" -> copy(c, c.env(), c.cmd(), c.entrypoint(), c.workingDir(), c.user(), c.exposedPorts(),
                    c.labels(), c.volumes(), requireArg(arg, instruction));
            // Docker's Dockerfile parser lower-cases the instruction before naming it.
            default -> throw new InvalidArgument(instruction.toLowerCase(Locale.ROOT) + " is not a valid change command");
        };
    }

    private static ContainerConfig copy(ContainerConfig c, List<String> env, List<String> cmd, List<String> entrypoint,
                                        String workingDir, String user, Map<String, Object> exposedPorts,
                                        Map<String, String> labels, Map<String, Object> volumes, String stopSignal) {
        return new ContainerConfig(c.hostname(), c.domainname(), user, c.attachStdin(), c.attachStdout(),
                c.attachStderr(), exposedPorts, c.tty(), c.openStdin(), c.stdinOnce(), env, cmd, c.image(), volumes,
                workingDir, entrypoint, c.onBuild(), labels, stopSignal, c.stopTimeout(), c.shell());
    }

    private static String requireArg(String arg, String instruction) {
        if (arg.isEmpty()) {
            throw new InvalidArgument(instruction + " requires exactly one argument");
        }
        return arg;
    }

    /** The exec form {@code ["a","b"]}, or the shell form wrapped in {@code /bin/sh -c}. */
    private static List<String> commandForm(String arg) {
        if (arg.startsWith("[")) {
            try {
                return Json.MAPPER.readValue(arg, new TypeReference<List<String>>() {});
            } catch (java.io.IOException e) {
                // Docker falls back to the shell form when the JSON does not parse.
            }
        }
        return List.of("/bin/sh", "-c", arg);
    }

    /** {@code VOLUME ["/a", "/b"]}, or the shell form: paths separated by white space ({@code VOLUME /a /b}). */
    private static List<String> volumeForm(String arg) {
        if (arg.startsWith("[")) {
            try {
                return Json.MAPPER.readValue(arg, new TypeReference<List<String>>() {});
            } catch (java.io.IOException e) {
                // as docker: not JSON, so the shell form
            }
        }
        return List.of(arg.strip().split("\\s+"));
    }

    /** {@code K=V K2="v 2"}, or the legacy {@code K V} form. */
    private static List<String[]> keyValues(String arg, String instruction) {
        List<String[]> pairs = new ArrayList<>();
        if (!arg.contains("=")) {
            int space = arg.indexOf(' ');
            if (space < 0) {
                throw new InvalidArgument(instruction + " requires at least one argument");
            }
            pairs.add(new String[]{arg.substring(0, space), arg.substring(space + 1).strip()});
            return pairs;
        }
        for (String word : splitWords(arg)) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw new InvalidArgument(instruction + " names can not be blank: " + word);
            }
            pairs.add(new String[]{word.substring(0, eq), word.substring(eq + 1)});
        }
        return pairs;
    }

    /** Splits on spaces outside double quotes, dropping the quotes. */
    private static List<String> splitWords(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == '\\' && i + 1 < text.length()) {
                word.append(text.charAt(++i));
            } else if (ch == ' ' && !quoted) {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(ch);
            }
        }
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        return words;
    }

    private static List<String> mergeEnv(List<String> env, List<String[]> pairs) {
        List<String> merged = new ArrayList<>(env == null ? List.of() : env);
        for (String[] kv : pairs) {
            merged.removeIf(e -> e.startsWith(kv[0] + "="));
            merged.add(kv[0] + "=" + kv[1]);
        }
        return merged;
    }

    private static List<String> ports(String arg) {
        List<String> ports = new ArrayList<>();
        for (String port : arg.split("\\s+")) {
            if (!port.matches("\\d{1,5}(-\\d{1,5})?(/(tcp|udp|sctp))?")) {
                throw new InvalidArgument("invalid containerPort: " + port);
            }
            ports.add(port.contains("/") ? port : port + "/tcp");
        }
        return ports;
    }

    private static Map<String, Object> addKeys(Map<String, Object> base, List<String> keys) {
        Map<String, Object> merged = new LinkedHashMap<>(base == null ? Map.of() : base);
        keys.forEach(k -> merged.put(k, Map.of()));
        return merged;
    }
}
