package berth.engine;

import berth.engine.model.ContainerTop;
import berth.oci.errors.InvalidArgument;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** {@code docker top}: the host's {@code ps} output, kept to the processes in the container's cgroup. */
final class ProcessTable {
    private ProcessTable() {}

    static ContainerTop of(String containerId, String psArgs) {
        List<String> command = new ArrayList<>(List.of("ps"));
        command.addAll(Arrays.asList(psArgs.trim().split("\\s+")));
        String output;
        try {
            Process ps = new ProcessBuilder(command).redirectErrorStream(true).start();
            output = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (ps.waitFor() != 0) {
                throw new InvalidArgument("ps: " + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        String[] lines = output.split("\n");
        List<String> titles = Arrays.asList(lines[0].trim().split("\\s+"));
        int pidColumn = titles.indexOf("PID");
        if (pidColumn < 0) {
            throw new InvalidArgument("Couldn't find PID field in ps output");
        }
        List<List<String>> rows = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] fields = lines[i].trim().split("\\s+", titles.size());
            if (fields.length > pidColumn && inContainer(fields[pidColumn], containerId)) {
                rows.add(Arrays.asList(fields));
            }
        }
        return new ContainerTop(titles, rows);
    }

    private static boolean inContainer(String pid, String containerId) {
        try {
            return Files.readString(Path.of("/proc", pid, "cgroup")).contains(containerId);
        } catch (IOException e) {
            return false; // the process ended
        }
    }
}
