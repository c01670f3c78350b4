package berth.engine.network;

/**
 * What {@code HostConfig.NetworkMode} asks for: no network, the host's, another container's namespace, or a
 * bridge network by name or id ({@code default} and empty mean the default {@code bridge}).
 */
public sealed interface NetworkMode {
    record None() implements NetworkMode {}

    record Host() implements NetworkMode {}

    record Container(String name) implements NetworkMode {}

    record Bridge(String network) implements NetworkMode {}

    static NetworkMode of(String mode) {
        if (mode == null || mode.isEmpty() || mode.equals("default")) {
            return new Bridge("bridge");
        }
        return switch (mode) {
            case "none" -> new None();
            case "host" -> new Host();
            default -> mode.startsWith("container:") ? new Container(mode.substring("container:".length()))
                    : new Bridge(mode);
        };
    }
}
