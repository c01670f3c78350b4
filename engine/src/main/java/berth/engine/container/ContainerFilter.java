package berth.engine.container;

import berth.engine.Filters;
import berth.oci.errors.InvalidArgument;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code ps --filter} and {@code container prune --filter} predicates: {@code id}, {@code name} (a regular
 * expression, as docker), {@code status}, {@code label} ({@code key} or {@code key=value}), {@code ancestor}
 * (image name or id), {@code exited}, {@code volume} (a volume name, bind source or destination). Values of one
 * name are OR'ed, different names AND'ed.
 */
public final class ContainerFilter {
    private static final Set<String> NAMES = Set.of("id", "name", "status", "label", "ancestor", "exited", "until",
            "volume");
    private static final Set<String> STATUSES = Set.of("created", "restarting", "running", "removing", "paused",
            "exited", "dead");

    private ContainerFilter() {}

    /**
     * Builds the predicate; {@code imageMatcher} answers whether a container's image id matches an
     * {@code ancestor} value (a name or id the engine resolves).
     */
    public static Predicate<ContainerDoc> of(Filters filters, java.util.function.BiPredicate<String, String> imageMatcher) {
        filters.allowOnly(NAMES);
        Predicate<ContainerDoc> all = doc -> true;
        for (Map.Entry<String, List<String>> entry : filters.values().entrySet()) {
            List<String> values = entry.getValue();
            Predicate<ContainerDoc> any = switch (entry.getKey()) {
                case "id" -> doc -> values.stream().anyMatch(v -> doc.id().startsWith(v));
                case "name" -> {
                    List<Pattern> patterns = values.stream().map(ContainerFilter::regex).toList();
                    yield doc -> patterns.stream().anyMatch(p -> p.matcher("/" + doc.name()).find());
                }
                case "status" -> {
                    values.forEach(v -> {
                        if (!STATUSES.contains(v)) {
                            throw new InvalidArgument("invalid filter 'status=" + v + "'");
                        }
                    });
                    yield doc -> values.contains(doc.state().status());
                }
                case "label" -> doc -> values.stream().anyMatch(v -> hasLabel(doc, v));
                case "ancestor" -> doc -> values.stream().anyMatch(v -> imageMatcher.test(v, doc.imageId()));
                case "exited" -> {
                    List<Integer> codes = values.stream().map(ContainerFilter::exitCode).toList();
                    yield doc -> doc.state().status().equals("exited") && codes.contains(doc.state().exitCode());
                }
                case "until" -> {
                    List<java.time.Instant> times = values.stream().map(ContainerFilter::instant).toList();
                    yield doc -> times.stream().anyMatch(t -> java.time.Instant.parse(doc.created()).isBefore(t));
                }
                case "volume" -> doc -> doc.mountPoints().stream().anyMatch(m -> values.contains(m.destination())
                        || values.contains(m.name().isEmpty() ? m.source() : m.name()));
                default -> throw new InvalidArgument("invalid filter '" + entry.getKey() + "'");
            };
            all = all.and(any);
        }
        return all;
    }

    private static boolean hasLabel(ContainerDoc doc, String filter) {
        Map<String, String> labels = doc.config().labels();
        if (labels == null) {
            return false;
        }
        int eq = filter.indexOf('=');
        if (eq < 0) {
            return labels.containsKey(filter);
        }
        return filter.substring(eq + 1).equals(labels.get(filter.substring(0, eq)));
    }

    private static Pattern regex(String value) {
        try {
            return Pattern.compile(value);
        } catch (PatternSyntaxException e) {
            throw new InvalidArgument("invalid filter 'name=" + value + "': " + e.getDescription());
        }
    }

    private static int exitCode(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new InvalidArgument("invalid filter 'exited=" + value + "'");
        }
    }

    /**
     * Docker's GetTimestamp: unix seconds (optional fraction), a Go duration before now ({@code 10m}, {@code 1h30m}),
     * an RFC 3339 time, or a local date or date-time ({@code 2006-01-02}, {@code 2006-01-02T15:04}).
     */
    public static java.time.Instant instant(String value) {
        try {
            if (value.matches("\\d+(\\.\\d+)?")) {
                double seconds = Double.parseDouble(value);
                return java.time.Instant.ofEpochSecond((long) seconds, (long) ((seconds % 1) * 1e9));
            }
            if (value.matches("(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+")) {
                return java.time.Instant.now().minus(goDuration(value));
            }
            if (value.matches("\\d{4}-\\d\\d-\\d\\d")) {
                return java.time.LocalDate.parse(value).atStartOfDay(java.time.ZoneId.systemDefault()).toInstant();
            }
            if (value.matches("\\d{4}-\\d\\d-\\d\\dT[\\d:.]+")) {
                String full = value.length() == 13 ? value + ":00" : value; // Go also takes 2006-01-02T15
                return java.time.LocalDateTime.parse(full).atZone(java.time.ZoneId.systemDefault()).toInstant();
            }
            return java.time.Instant.parse(value);
        } catch (RuntimeException e) {
            throw new InvalidArgument("invalid time value: " + value);
        }
    }

    private static java.time.Duration goDuration(String value) {
        java.util.regex.Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)").matcher(value);
        double nanos = 0;
        while (m.find()) {
            nanos += Double.parseDouble(m.group(1)) * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
        }
        return java.time.Duration.ofNanos((long) nanos);
    }
}
