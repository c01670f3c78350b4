package berth.cli.command;

import berth.cli.DaemonException;
import berth.cli.UserException;
import berth.cli.format.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code berth port CONTAINER [PRIVATE_PORT[/PROTO]]}: the container's published ports, as docker prints them. */
public final class PortCommand extends BerthCommand {
    @Override public String synopsis() { return "berth port CONTAINER [PRIVATE_PORT[/PROTO]]"; }
    @Override public String description() { return "List port mappings or a specific mapping for the container"; }
    @Override public void args(List<String> a) { args = new ArrayList<>(a); }
    @Override public int minArgs() { return 1; }
    @Override public int maxArgs() { return 2; }
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        Object c;
        try {
            c = engine().get("/containers/" + path(args.getFirst()) + "/json", null);
        } catch (DaemonException e) {
            throw new UserException("Error response from daemon: " + e.getMessage(), 1);
        }
        Object ports = Json.at(c, "NetworkSettings", "Ports");
        if (!(ports instanceof Map<?, ?> map)) {
            return 0;
        }
        if (args.size() == 2) {
            String wanted = args.get(1).contains("/") ? args.get(1) : args.get(1) + "/tcp";
            if (map.get(wanted) instanceof List<?> bindings && !bindings.isEmpty()) {
                for (Object b : bindings) {
                    cli.out.println(Json.str(b, "HostIp") + ":" + Json.str(b, "HostPort"));
                }
                return 0;
            }
            throw new UserException("Error: No public port '" + wanted + "' published for " + args.getFirst(), 1);
        }
        map.forEach((key, value) -> {
            if (value instanceof List<?> bindings) {
                for (Object b : bindings) {
                    cli.out.println(key + " -> " + Json.str(b, "HostIp") + ":" + Json.str(b, "HostPort"));
                }
            }
        });
        return 0;
    }
}
