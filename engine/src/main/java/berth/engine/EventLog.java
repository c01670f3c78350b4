package berth.engine;

import berth.engine.model.Event;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Recent engine events and their live listeners. Keeps the last {@value #KEPT} events in memory for
 * {@code events --since}, as docker does; a listener that throws is dropped.
 */
public final class EventLog {
    static final int KEPT = 1024;
    private final ArrayDeque<Event> recent = new ArrayDeque<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    private record Listener(Predicate<Event> filter, Consumer<Event> sink) {}

    /** Records an event about {@code id} of {@code type} ({@code container}, {@code image}) and tells listeners. */
    public void publish(String type, String action, String id, Map<String, String> attributes) {
        Instant now = Instant.now();
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        boolean container = type.equals("container");
        Event event = new Event(container ? action : null, container ? id : null,
                container ? attributes.get("image") : null, type, action, new Event.Actor(id, Map.copyOf(attributes)),
                "local", now.getEpochSecond(), nanos);
        synchronized (recent) {
            recent.addLast(event);
            if (recent.size() > KEPT) {
                recent.removeFirst();
            }
        }
        for (Listener listener : listeners) {
            deliver(listener, event);
        }
    }

    /** Replays kept events that pass {@code filter} and then follows live ones until the subscription closes. */
    public Subscription subscribe(Predicate<Event> filter, boolean replay, Consumer<Event> sink) {
        Listener listener = new Listener(filter, sink);
        List<Event> past;
        synchronized (recent) {
            past = replay ? new ArrayList<>(recent) : List.of();
            listeners.add(listener);
        }
        past.forEach(e -> deliver(listener, e));
        return () -> listeners.remove(listener);
    }

    private void deliver(Listener listener, Event event) {
        if (!listener.filter.test(event)) {
            return;
        }
        try {
            listener.sink.accept(event);
        } catch (RuntimeException e) {
            listeners.remove(listener);
        }
    }
}
