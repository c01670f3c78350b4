package berth.cli.command;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The controlling terminal, driven through stty(1) on /dev/tty: raw mode for {@code -t}
 * sessions (restored on exit) and the window size for resize calls.
 */
final class Terminal {
    private Terminal() {}

    /** Puts the terminal in raw mode; the returned action restores the previous settings. */
    static Runnable makeRaw() {
        String saved = stty("-g");
        if (saved == null) {
            return () -> { };
        }
        stty("raw", "-echo");
        Thread hook = new Thread(() -> stty(saved.strip()));
        Runtime.getRuntime().addShutdownHook(hook);
        return () -> {
            stty(saved.strip());
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook restores it
            }
        };
    }

    /** {rows, columns}, or {0, 0} when unknown. */
    static int[] size() {
        String s = stty("size");
        if (s != null) {
            String[] p = s.strip().split("\\s+");
            if (p.length == 2) {
                try {
                    return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
                } catch (NumberFormatException ignored) {
                    // fall through
                }
            }
        }
        return new int[] {0, 0};
    }

    private static String stty(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "stty";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(new File("/dev/tty")).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
