package berth.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * The training run for the AOT cache made at build time: common invocations, none of which
 * needs a daemon (the host is a socket that does not exist), so the cache holds the classes
 * of start-up, flag parsing, the create body and the error path.
 */
public final class AotTraining {
    private AotTraining() {}

    public static void main(String[] args) {
        String host = "unix:///nonexistent/berth-aot-training.sock";
        String[][] runs = {
            {"--help"},
            {"--version"},
            {"-H", host, "version"},
            {"-H", host, "run", "--rm", "busybox", "true"},
            {"-H", host, "run", "--rm", "-i", "-e", "A=1", "-m", "64m", "--ulimit", "nofile=10:20", "-p", "80:80", "busybox", "sh", "-c", "true"},
            {"-H", host, "run", "-m", "64x", "busybox"},
            {"-H", host, "ps", "-a"},
            {"-H", host, "images"},
            {"-H", host, "rm", "-f", "x"},
            {"-H", host, "inspect", "--format", "{{.State.Status}}", "x"},
            {"-H", host, "logs", "x"},
            {"-H", host, "exec", "x", "true"},
            {"ps", "--bogus"},
        };
        for (int i = 0; i < 3; i++) {
            for (String[] a : runs) {
                ByteArrayOutputStream sink = new ByteArrayOutputStream();
                PrintStream p = new PrintStream(sink);
                Main.run(a, new ByteArrayInputStream(new byte[0]), p, p, System.getenv());
            }
        }
        berth.cli.format.GoTemplate.parse("table {{.ID}}\t{{json .}}\t{{index .Labels \"k\"}}").execute(Map.of("ID", "x", "Labels", Map.of("k", "v")));
        berth.cli.format.TableWriter.align("A\tB\na\tb\n");
        berth.cli.format.Json.parse("{\"Id\":\"x\",\"StatusCode\":0,\"List\":[1,2.5,true,null]}");
    }
}
