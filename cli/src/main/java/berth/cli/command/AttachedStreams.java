package berth.cli.command;

import berth.cli.Cli;
import berth.cli.EngineClient;
import berth.cli.http.HttpConnection;
import berth.cli.http.HttpConnection.Response;
import berth.cli.http.StreamDemux;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;

/**
 * The local side of a hijacked attach or exec: stdin is copied to the socket (scanning for the
 * detach keys) and half-closed at its end; output is copied back, demultiplexed unless a TTY.
 */
final class AttachedStreams {
    /** The result of a session: ended normally, or the user typed the detach keys. */
    enum End { EOF, DETACHED }

    private final Cli cli;
    private final Response hijacked;
    private final boolean tty;
    private volatile boolean detached;

    AttachedStreams(Cli cli, Response hijacked, boolean tty) {
        this.cli = cli;
        this.hijacked = hijacked;
        this.tty = tty;
    }

    /** Pumps until the output ends; {@code stdin} false leaves the socket's write side alone. */
    End run(boolean stdin, byte[] detachKeys) {
        HttpConnection conn = hijacked.connection();
        if (stdin) {
            Thread pump = new Thread(() -> pumpStdin(conn, detachKeys), "stdin");
            pump.setDaemon(true);
            pump.start();
        }
        try {
            if (tty) {
                StreamDemux.copyRaw(hijacked.body(), cli.out);
            } else {
                StreamDemux.copy(hijacked.body(), cli.out, cli.err);
            }
        } catch (IOException e) {
            if (!detached) {
                cli.err.println("error reading output: " + e.getMessage());
            }
        } finally {
            // the connection is left open: the process ends right after, or the engine client closes it
            cli.out.flush();
        }
        return detached ? End.DETACHED : End.EOF;
    }

    private void pumpStdin(HttpConnection conn, byte[] keys) {
        OutputStream out = conn.output();
        InputStream in = cli.in;
        byte[] buf = new byte[32768];
        int matched = 0;
        try {
            int n;
            java.io.ByteArrayOutputStream pass = new java.io.ByteArrayOutputStream(buf.length + keys.length);
            while ((n = in.read(buf)) > 0) {
                pass.reset();
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (keys.length > 0 && b == keys[matched]) {
                        if (++matched == keys.length) {
                            out.write(pass.toByteArray());
                            detached = true;
                            conn.close();
                            return;
                        }
                        continue;
                    }
                    if (matched > 0) {
                        pass.write(keys, 0, matched);
                        matched = 0;
                        if (keys.length > 0 && b == keys[0]) {
                            matched = 1;
                            continue;
                        }
                    }
                    pass.write(b);
                }
                out.write(pass.toByteArray());
            }
            if (matched > 0) {
                out.write(keys, 0, matched);
            }
            conn.shutdownOutput();
        } catch (IOException ignored) {
            // the container ended and the daemon closed the socket
        }
    }

    /** docker's detach-keys syntax: "ctrl-p,ctrl-q", "a", "ctrl-@", ... */
    static byte[] parseDetachKeys(String spec) {
        if (spec == null || spec.isEmpty()) {
            spec = "ctrl-p,ctrl-q";
        }
        List<String> parts = List.of(spec.split(","));
        byte[] out = new byte[parts.size()];
        for (int i = 0; i < out.length; i++) {
            String k = parts.get(i).strip().toLowerCase(Locale.ROOT);
            if (k.startsWith("ctrl-") && k.length() == 6) {
                char c = k.charAt(5);
                if (c >= 'a' && c <= 'z') {
                    out[i] = (byte) (c - 'a' + 1);
                } else {
                    out[i] = (byte) switch (c) {
                        case '@' -> 0;
                        case '[' -> 27;
                        case '\\' -> 28;
                        case ']' -> 29;
                        case '^' -> 30;
                        case '_' -> 31;
                        default -> throw new berth.cli.UserException("Invalid detach keys (" + spec + ") provided", 125);
                    };
                }
            } else if (k.length() == 1) {
                out[i] = (byte) parts.get(i).strip().charAt(0);
            } else {
                throw new berth.cli.UserException("Invalid detach keys (" + spec + ") provided", 125);
            }
        }
        return out;
    }

    /** Sends the terminal size now and on every SIGWINCH. */
    static void followResize(EngineClient engine, String path) {
        Runnable resize = () -> {
            int[] s = Terminal.size();
            if (s[0] > 0) {
                try {
                    engine.post(path, EngineClient.query().add("h", s[0]).add("w", s[1]), null);
                } catch (RuntimeException ignored) {
                    // the container may have gone; nothing to resize
                }
            }
        };
        resize.run();
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), sig -> Thread.ofVirtual().start(resize));
        } catch (IllegalArgumentException unsupported) {
            // no SIGWINCH here
        }
    }

    /** Forwards the usual signals to the container with POST /containers/{id}/kill. */
    static void proxySignals(EngineClient engine, String id) {
        for (String name : List.of("INT", "TERM", "HUP", "USR2", "ALRM")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> Thread.ofVirtual().start(() -> {
                    try {
                        engine.post("/containers/" + id + "/kill", EngineClient.query().add("signal", "SIG" + name), null);
                    } catch (RuntimeException ignored) {
                        // the container is gone
                    }
                }));
            } catch (IllegalArgumentException reserved) {
                // the JVM keeps this one
            }
        }
    }
}
