package berth.engine;

import berth.engine.container.ContainerDoc;
import berth.engine.container.LiveContainer;
import berth.engine.stats.StatsReader;
import berth.oci.errors.NotFound;

import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code GET /containers/{id}/stats}: samples a second apart, each with the one before as its
 * {@code precpu_stats}, so that clients compute CPU % as docker's CLI does. A one-shot answer has no previous
 * sample; a single non-streamed answer waits for one, as docker's does. A stopped container reads as zeros.
 */
final class ContainerStats {
    private static final long INTERVAL_MILLIS = 1000;

    private final ContainerService containers;
    private final StatsReader reader;

    ContainerStats(ContainerService containers, StatsReader reader) {
        this.containers = containers;
        this.reader = reader;
    }

    void stats(String name, boolean stream, boolean oneShot, Predicate<Map<String, Object>> sink) {
        LiveContainer c = containers.find(name);
        StatsReader.Sample previous = null;
        if (!stream && !oneShot) {
            previous = reader.sample(pidOf(c.doc()));
            sleep();
        }
        while (true) {
            ContainerDoc doc = c.doc();
            StatsReader.Sample current = reader.sample(pidOf(doc));
            if (!sink.test(reader.json(doc.id(), doc.name(), current, previous)) || !stream) {
                return;
            }
            previous = current;
            sleep();
            try {
                containers.find(doc.id());
            } catch (NotFound e) {
                return; // removed: the stream ends
            }
        }
    }

    private static int pidOf(ContainerDoc doc) {
        return doc.state().hasProcess() ? doc.state().pid() : 0;
    }

    private static void sleep() {
        try {
            Thread.sleep(INTERVAL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
