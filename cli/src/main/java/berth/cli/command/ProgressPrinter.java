package berth.cli.command;

import berth.cli.DaemonException;
import berth.cli.format.HumanUnits;
import berth.cli.format.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Draws a pull or push progress stream as the docker CLI does: on a terminal each layer keeps one line, rewritten
 * in place with its bar (cursor moves, as docker's jsonmessage); otherwise one plain line per status, bars left
 * out. An error message ends the stream as a {@link DaemonException}.
 */
final class ProgressPrinter {
    private final PrintStream out;
    private final boolean terminal;
    private final boolean quiet;
    private Map<String, Integer> lines = new HashMap<>();

    ProgressPrinter(PrintStream out, boolean terminal, boolean quiet) {
        this.out = out;
        this.terminal = terminal;
        this.quiet = quiet;
    }

    /** Prints every message; returns the last {@code aux} object seen (push's digest), or null. */
    Object print(InputStream in) throws IOException {
        Json.Stream s = Json.stream(in);
        Object aux = null;
        for (Object m = s.next(); m != null; m = s.next()) {
            Object error = Json.at(m, "errorDetail", "message");
            if (error == null) {
                error = Json.at(m, "error");
            }
            if (error != null) {
                out.flush();
                throw new DaemonException(500, error.toString());
            }
            if (Json.at(m, "aux") != null) {
                aux = Json.at(m, "aux");
                continue;
            }
            if (!quiet) {
                show(m);
            }
        }
        out.flush();
        return aux;
    }

    private void show(Object m) {
        String id = Json.str(m, "id");
        String status = Json.str(m, "status");
        Object detail = Json.at(m, "progressDetail");
        if (!terminal) {
            if (!status.isEmpty() && !(detail instanceof Map<?, ?> d && !d.isEmpty())) {
                out.println(id.isEmpty() ? status : id + ": " + status);
            }
            return;
        }
        int diff = 0;
        if (!id.isEmpty() && detail != null) {
            Integer line = lines.get(id);
            if (line == null) {
                line = lines.size();
                lines.put(id, line);
                out.print("\n");
            }
            diff = lines.size() - line;
            out.print("\033[" + diff + "A");
        } else {
            lines = new HashMap<>();
        }
        out.print("\033[2K\r");
        String bar = detail instanceof Map<?, ?> d && !d.isEmpty() ? bar(Json.num(m, "progressDetail", "current"),
                Json.num(m, "progressDetail", "total")) : "";
        out.print((id.isEmpty() ? "" : id + ": ") + status + (bar.isEmpty() ? "" : " " + bar));
        if (diff > 0) {
            out.print("\r\033[" + diff + "B");
        } else {
            out.print("\n");
        }
    }

    // docker's JSONProgress.String(): a 50-wide bar and decimal sizes.
    static String bar(long current, long total) {
        if (total <= 0) {
            return HumanUnits.humanSize(current);
        }
        int filled = (int) Math.min(50, current * 50 / total);
        String sizes = HumanUnits.humanSize(current) + "/" + HumanUnits.humanSize(total);
        return "[" + "=".repeat(filled) + ">" + " ".repeat(50 - filled) + "] " + " ".repeat(Math.max(0, 18 - sizes.length())) + sizes;
    }
}
