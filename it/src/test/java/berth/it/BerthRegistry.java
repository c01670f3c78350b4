package berth.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Berth's registry server as the tests run it: {@code berth registry serve} on a free port, or inside berthd. */
final class BerthRegistry {
    private static final Pattern LISTENING = Pattern.compile("listening on https?://(127\\.0\\.0\\.1:\\d+)");

    private BerthRegistry() {}

    /** Starts {@code berth registry serve} on 127.0.0.1 and a port of its choosing, its output going to {@code log}. */
    static Process serve(Path root, Path log, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(Daemon.REPO.resolve("bin/berth").toString(), "registry",
                "serve", "--addr", "127.0.0.1:0", "--root", root.toString()));
        command.addAll(List.of(options));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /**
     * The {@code host:port} a registry logs once it listens (a standalone server's output or berthd's log); fails
     * when {@code process} (null for berthd's) exits first or nothing is logged in 30 s.
     */
    static String awaitAddress(Path log, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                return m.group(1);
            }
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException("the registry exited: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the registry did not start: " + Files.readString(log));
    }
}
