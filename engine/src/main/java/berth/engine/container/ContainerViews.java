package berth.engine.container;

import berth.engine.HumanTime;
import berth.engine.model.ContainerInspect;
import berth.engine.model.ContainerState;
import berth.engine.model.ContainerSummary;
import berth.engine.model.NetworkSettings;
import berth.oci.container.ContainerConfig;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Turns Berth's container documents into the shapes of the Docker API: list rows, inspect, status text. */
public final class ContainerViews {
    private ContainerViews() {}

    public static ContainerSummary summary(ContainerDoc doc, Instant now, NetworkSettings network) {
        String mode = networkMode(doc);
        return new ContainerSummary(doc.id(), List.of("/" + doc.name()), doc.imageName(), doc.imageId(),
                command(doc), Instant.parse(doc.created()).getEpochSecond(), ports(network), null, null,
                doc.config().labels() == null ? Map.of() : doc.config().labels(), doc.state().status(),
                statusText(doc, now), new ContainerSummary.HostConfigSummary(mode),
                new NetworkSettings(null, null, null, null, null, null, 0, null, network.networks()), mounts(doc));
    }

    public static ContainerInspect inspect(ContainerDoc doc, String logPath, List<String> execIds,
                                           NetworkSettings network) {
        ContainerDoc.RunState s = doc.state();
        ContainerState state = new ContainerState(s.status(), s.isRunning(), s.status().equals("paused"),
                s.status().equals("restarting"), s.oomKilled(), s.status().equals("dead"), s.pid(), s.exitCode(),
                s.error(), orZero(s.startedAt()), orZero(s.finishedAt()));
        return new ContainerInspect(doc.id(), doc.created(), doc.path(), doc.args(), state, doc.imageId(), "",
                "", "", logPath, "/" + doc.name(), doc.restartCount(), "overlay", "linux",
                execIds.isEmpty() ? null : execIds, doc.hostConfig(),
                new ContainerInspect.GraphDriver("overlay", Map.of("MergedDir", doc.rootfs())), null, null, mounts(doc),
                inspectConfig(doc.config()), network);
    }

    private static List<Object> mounts(ContainerDoc doc) {
        return doc.mountPoints().stream().<Object>map(MountPoint::view).toList();
    }

    /** Docker's Config has plain strings and booleans: a field the client left out reads "" or false, not null. */
    private static ContainerConfig inspectConfig(ContainerConfig c) {
        return new ContainerConfig(orEmpty(c.hostname()), orEmpty(c.domainname()), orEmpty(c.user()),
                isTrue(c.attachStdin()), isTrue(c.attachStdout()), isTrue(c.attachStderr()), c.exposedPorts(),
                isTrue(c.tty()), isTrue(c.openStdin()), isTrue(c.stdinOnce()), c.env(), c.cmd(), orEmpty(c.image()),
                c.volumes(), orEmpty(c.workingDir()), c.entrypoint(), c.onBuild(), c.labels(), c.stopSignal(),
                c.stopTimeout(), c.shell());
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static boolean isTrue(Boolean b) {
        return Boolean.TRUE.equals(b);
    }

    private static String orZero(String time) {
        return time == null ? HumanTime.ZERO : time;
    }

    private static String networkMode(ContainerDoc doc) {
        String mode = doc.hostConfig().networkMode();
        return mode == null || mode.isEmpty() ? "default" : mode;
    }

    /** The PORTS of {@code ps}: each published port, and each exposed one without a host port. */
    private static List<ContainerSummary.Port> ports(NetworkSettings network) {
        List<ContainerSummary.Port> ports = new java.util.ArrayList<>();
        if (network.ports() == null) {
            return ports;
        }
        network.ports().forEach((key, bindings) -> {
            int slash = key.indexOf('/');
            int port = Integer.parseInt(key.substring(0, slash));
            String type = key.substring(slash + 1);
            if (bindings == null) {
                ports.add(new ContainerSummary.Port(null, port, null, type));
            } else {
                bindings.forEach(b -> ports.add(new ContainerSummary.Port(b.hostIp(), port,
                        Integer.parseInt(b.hostPort()), type)));
            }
        });
        return ports;
    }

    /** The command column of {@code ps}: path and args joined, as docker shows it before truncation. */
    public static String command(ContainerDoc doc) {
        StringBuilder command = new StringBuilder(doc.path());
        for (String arg : doc.args()) {
            command.append(' ').append(arg);
        }
        return command.toString();
    }

    /** Docker's status text: {@code Up 3 seconds}, {@code Up 2 minutes (Paused)}, {@code Exited (0) 5 seconds ago}. */
    public static String statusText(ContainerDoc doc, Instant now) {
        ContainerDoc.RunState s = doc.state();
        return switch (s.status()) {
            case "running" -> "Up " + HumanTime.duration(since(s.startedAt(), now));
            case "paused" -> "Up " + HumanTime.duration(since(s.startedAt(), now)) + " (Paused)";
            case "restarting" -> "Restarting (" + s.exitCode() + ") " + HumanTime.duration(since(s.finishedAt(), now))
                    + " ago";
            case "exited" -> "Exited (" + s.exitCode() + ") " + HumanTime.duration(since(s.finishedAt(), now)) + " ago";
            case "dead" -> "Dead";
            case "removing" -> "Removal In Progress";
            default -> "Created";
        };
    }

    private static Duration since(String time, Instant now) {
        Instant then = HumanTime.parse(time);
        return then == null ? Duration.ZERO : Duration.between(then, now);
    }
}
