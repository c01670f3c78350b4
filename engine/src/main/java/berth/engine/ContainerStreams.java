package berth.engine;

import berth.engine.container.ContainerDoc;
import berth.engine.container.LiveContainer;
import berth.oci.errors.Conflict;
import berth.runtime.Conmon;
import berth.runtime.LogReader;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** A container's streams: attach, logs (read from conmon's k8s-file log) and terminal resize. */
final class ContainerStreams {
    private static final long FOLLOW_POLL_MILLIS = 50;
    private final ContainerService containers;

    ContainerStreams(ContainerService containers) {
        this.containers = containers;
    }

    Session attach(String name, Engine.AttachOptions options, OutputSink out) {
        LiveContainer c = containers.find(name);
        synchronized (c) {
            ContainerDoc doc = c.doc();
            if (options.logs()) {
                writeLog(doc, new Engine.LogOptions(options.stdout(), options.stderr(), false, -1, 0, 0, false), out);
            }
            boolean stdinOnce = Boolean.TRUE.equals(doc.config().stdinOnce());
            AttachSession session = new AttachSession(options, out, stdinOnce);
            if (!options.stream()) {
                out.close();
                return session;
            }
            String status = doc.state().status();
            if (status.equals("paused")) {
                throw new Conflict("You cannot attach to a paused container, unpause it first");
            }
            if (status.equals("running")) {
                session.connect(containers.bundle(c.id()), c.id());
            } else {
                c.beforeNextStart(() -> session.connect(containers.bundle(c.id()), c.id()));
            }
            return session;
        }
    }

    Subscription logs(String name, Engine.LogOptions options, OutputSink out) {
        LiveContainer c = containers.find(name);
        if (!options.follow()) {
            writeLog(c.doc(), options, out);
            out.close();
            return () -> {};
        }
        AtomicBoolean cancelled = new AtomicBoolean();
        LogReader.Query query = query(options);
        Thread.ofVirtual().name("logs-" + c.id()).start(() -> {
            try {
                LogReader.follow(containers.logPath(c.id()), query, entry -> write(entry, options, out),
                        () -> !cancelled.get() && c.doc().state().isRunning(), FOLLOW_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // the client went away while we wrote
            } finally {
                out.close();
            }
        });
        return () -> cancelled.set(true);
    }

    private void writeLog(ContainerDoc doc, Engine.LogOptions options, OutputSink out) {
        for (LogReader.Entry entry : LogReader.read(containers.logPath(doc.id()), query(options))) {
            write(entry, options, out);
        }
    }

    private static LogReader.Query query(Engine.LogOptions o) {
        return new LogReader.Query(o.tail(), instant(o.sinceNanos()), instant(o.untilNanos()));
    }

    private static Optional<Instant> instant(long nanos) {
        return nanos <= 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond(0, nanos));
    }

    private static void write(LogReader.Entry entry, Engine.LogOptions options, OutputSink out) {
        boolean stderr = entry.stream() == 2;
        if (stderr ? !options.stderr() : !options.stdout()) {
            return;
        }
        byte[] prefix = options.timestamps()
                ? (HumanTime.rfc3339Fixed(entry.time()) + " ").getBytes(StandardCharsets.US_ASCII) : new byte[0];
        // The entry keeps the container's own newline (none after a last partial line), so add none here.
        byte[] line = new byte[prefix.length + entry.line().length];
        System.arraycopy(prefix, 0, line, 0, prefix.length);
        System.arraycopy(entry.line(), 0, line, prefix.length, entry.line().length);
        out.write(stderr ? OutputSink.StdStream.STDERR : OutputSink.StdStream.STDOUT, line, 0, line.length);
    }

    void resize(String name, int height, int width) {
        LiveContainer c = containers.find(name);
        if (!c.doc().state().isRunning()) {
            throw new Conflict("Container " + c.id() + " is not running");
        }
        if (c.doc().config().isTty()) {
            Conmon.resize(containers.bundle(c.id()), height, width);
        }
    }
}
