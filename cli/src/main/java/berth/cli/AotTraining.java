package berth.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;

/**
 * The training run for the AOT cache made at build time: common invocations against a canned
 * daemon ({@link TrainingDaemon}), so that the cache holds what talking to berthd loads and links
 * (the unix socket channel, HTTP, JSON, output formatting, string concatenations and lambdas),
 * and against a socket that does not exist, for the error path.
 */
public final class AotTraining {
    private AotTraining() {}

    public static void main(String[] args) throws IOException {
        String missing = "unix:///nonexistent/berth-aot-training.sock";
        // First a client channel, so the selector provider is chosen as in a real run (HttpConnection
        // names it) and not by the training daemon's server channel.
        train(new String[][] {{"-H", missing, "version"}});
        try (TrainingDaemon daemon = new TrainingDaemon()) {
            String host = daemon.host();
            train(new String[][] {
                {"--help"},
                {"--version"},
                {"-H", host, "version"},
                {"-H", host, "ps"},
                {"-H", host, "ps", "-a", "-s"},
                {"-H", host, "images"},
                {"-H", host, "run", "--rm", "--network", "none", "busybox", "true"},
                {"-H", host, "run", "--rm", "-i", "-e", "A=1", "-m", "64m", "--ulimit", "nofile=10:20", "-p", "80:80", "busybox", "sh", "-c", "true"},
                {"-H", host, "run", "-d", "busybox", "sleep", "1"},
                {"-H", host, "create", "busybox"},
                {"-H", host, "start", "x"},
                {"-H", host, "rm", "-f", "x"},
                {"-H", host, "inspect", "--format", "{{.State.Status}}", "x"},
                {"-H", host, "inspect", "x"},
                {"-H", host, "logs", "x"},
                {"-H", host, "exec", "x", "true"},
                {"-H", host, "run", "-m", "64x", "busybox"},
                {"-H", missing, "version"},
                {"-H", missing, "run", "--rm", "busybox", "true"},
                {"-H", missing, "ps", "-a"},
                {"ps", "--bogus"},
            });
        }
        berth.cli.format.GoTemplate.parse("table {{.ID}}\t{{json .}}\t{{index .Labels \"k\"}}").execute(Map.of("ID", "x", "Labels", Map.of("k", "v")));
        berth.cli.format.TableWriter.align("A\tB\na\tb\n");
    }

    private static void train(String[][] runs) {
        for (int i = 0; i < 3; i++) {
            for (String[] a : runs) {
                PrintStream p = new PrintStream(new ByteArrayOutputStream());
                Main.run(a, new ByteArrayInputStream(new byte[0]), p, p, System.getenv());
            }
        }
    }
}
