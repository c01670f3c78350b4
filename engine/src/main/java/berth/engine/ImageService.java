package berth.engine;

import berth.engine.container.ContainerDoc;
import berth.engine.model.ContainerInspect;
import berth.engine.model.ImageDeleteItem;
import berth.engine.model.ImageHistoryItem;
import berth.engine.model.ImageInspect;
import berth.engine.model.ImageSummary;
import berth.engine.model.PruneReport;
import berth.oci.Digest;
import berth.oci.ImageRef;
import berth.oci.Json;
import berth.oci.container.ContainerConfig;
import berth.oci.errors.Conflict;
import berth.oci.errors.InvalidArgument;
import berth.oci.image.ImageConfig;
import berth.store.image.Image;
import berth.store.image.ImageStore;
import berth.store.image.LoadedImage;
import berth.store.meta.ContainerRecord;
import berth.store.meta.LayerRecord;
import berth.store.meta.MetadataStore;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/** The image half of the engine: import, list, inspect, tag, remove, prune, save and load, with their events. */
final class ImageService {
    private static final Set<String> LIST_FILTERS = Set.of("dangling", "reference", "label", "before", "since");
    private final ImageStore images;
    private final MetadataStore metadata;
    private final EventLog events;

    ImageService(ImageStore images, MetadataStore metadata, EventLog events) {
        this.images = images;
        this.metadata = metadata;
        this.events = events;
    }

    Image resolve(String name) {
        return images.resolve(name);
    }

    /** Whether {@code imageId} is the image {@code name} names, for {@code ps --filter ancestor=}. */
    boolean matches(String name, String imageId) {
        try {
            return images.resolve(name).id().toString().equals(imageId);
        } catch (berth.oci.errors.NotFound | InvalidArgument e) {
            return false;
        }
    }

    String importImage(InputStream rootfs, String repo, String tag, List<String> changes, String message) {
        Optional<ImageRef> ref = repo == null || repo.isBlank() ? Optional.empty() : Optional.of(repoTag(repo, tag));
        ContainerConfig config = ImageChanges.apply(ContainerConfig.EMPTY, changes);
        Image image = images.importRootfs(rootfs, config, message, ref);
        events.publish("image", "import", image.id().toString(), Map.of("name", image.id().toString()));
        return image.id().toString();
    }

    /** The tag {@code repo[:tag]} would give, checked; empty without a repository. */
    Optional<ImageRef> reference(String repo, String tag) {
        return repo == null || repo.isBlank() ? Optional.empty() : Optional.of(repoTag(repo, tag));
    }

    /** {@code docker commit}'s image half: {@code layerTar} stacked on {@code parent}, tagged {@code ref}. */
    Image commit(Image parent, InputStream layerTar, ContainerConfig config, String author, String comment,
                 String createdBy, Optional<ImageRef> ref) {
        return images.commit(parent, layerTar, config, author, comment, createdBy, ref);
    }

    List<ImageSummary> list(boolean all, Filters filters, boolean digests) {
        Predicate<Image> keep = filter(filters.allowOnly(LIST_FILTERS));
        List<PathMatcher> references = referenceMatchers(filters);
        return images.list().stream()
                .filter(keep)
                .sorted((a, b) -> b.created().compareTo(a.created()))
                .map(image -> summary(image, references.isEmpty() ? image.repoTags()
                        : image.repoTags().stream().filter(tag -> matchesReference(references, tag)).toList()))
                .toList();
    }

    // With reference= filters docker lists only the tags that match, so `images busybox` shows no other names.
    private ImageSummary summary(Image image, List<String> repoTags) {
        ContainerConfig config = image.config().config();
        Map<String, String> labels = config == null || config.labels() == null ? Map.of() : config.labels();
        return new ImageSummary(image.id().toString(), "", repoTags, image.repoDigests(),
                image.created().getEpochSecond(), image.size(), -1, labels, -1);
    }

    private static List<PathMatcher> referenceMatchers(Filters filters) {
        return filters.get("reference").stream()
                .map(r -> FileSystems.getDefault().getPathMatcher("glob:" + r))
                .toList();
    }

    private Predicate<Image> filter(Filters filters) {
        Predicate<Image> keep = image -> true;
        for (String value : filters.get("dangling")) {
            boolean dangling = switch (value) {
                case "true", "1" -> true;
                case "false", "0" -> false;
                default -> throw new InvalidArgument("invalid filter 'dangling=" + filters.get("dangling") + "'");
            };
            keep = keep.and(image -> dangling(image) == dangling);
        }
        List<PathMatcher> matchers = referenceMatchers(filters);
        if (!matchers.isEmpty()) {
            keep = keep.and(image -> references(image).stream().anyMatch(tag -> matchesReference(matchers, tag)));
        }
        for (String label : filters.get("label")) {
            int eq = label.indexOf('=');
            keep = keep.and(image -> {
                ContainerConfig c = image.config().config();
                Map<String, String> labels = c == null || c.labels() == null ? Map.of() : c.labels();
                return eq < 0 ? labels.containsKey(label) : label.substring(eq + 1).equals(labels.get(label.substring(0, eq)));
            });
        }
        for (String before : filters.get("before")) {
            Image pivot = images.resolve(before);
            keep = keep.and(image -> image.created().isBefore(pivot.created()));
        }
        for (String since : filters.get("since")) {
            Image pivot = images.resolve(since);
            keep = keep.and(image -> image.created().isAfter(pivot.created()));
        }
        return keep;
    }

    /** docker matches {@code reference=} against the familiar name with and without its tag. */
    private static boolean matchesReference(List<PathMatcher> matchers, String tag) {
        String name = tag.contains("@") ? tag.substring(0, tag.indexOf('@')) : tag;
        String repository = name.substring(0, name.lastIndexOf(':') > name.lastIndexOf('/') ? name.lastIndexOf(':') : name.length());
        return matchers.stream().anyMatch(m -> m.matches(Path.of(tag)) || m.matches(Path.of(repository)));
    }

    ImageInspect inspect(String name) {
        Image image = images.resolve(name);
        ImageConfig config = image.config();
        String comment = config.history() == null || config.history().isEmpty() ? ""
                : Optional.ofNullable(config.history().getLast().comment()).orElse("");
        return new ImageInspect(image.id().toString(), image.repoTags(), image.repoDigests(), "", comment,
                HumanTime.rfc3339(image.created()), config.author() == null ? "" : config.author(),
                dockerShaped(config.config() == null ? ContainerConfig.EMPTY : config.config()), config.architecture(),
                config.os(),
                image.size(), new ContainerInspect.GraphDriver("overlay", Map.of()),
                new ImageInspect.RootFs("layers", image.diffIds().stream().map(Digest::toString).toList()),
                Map.of("LastTagTime", HumanTime.ZERO));
    }

    /** Docker 28 answers unset strings as "" and unset booleans as false in an image's Config, never null. */
    private static ContainerConfig dockerShaped(ContainerConfig c) {
        return new ContainerConfig(orEmpty(c.hostname()), orEmpty(c.domainname()), orEmpty(c.user()),
                Boolean.TRUE.equals(c.attachStdin()), Boolean.TRUE.equals(c.attachStdout()),
                Boolean.TRUE.equals(c.attachStderr()), c.exposedPorts(), c.isTty(), c.isOpenStdin(),
                Boolean.TRUE.equals(c.stdinOnce()), c.env(), c.cmd(), orEmpty(c.image()), c.volumes(),
                orEmpty(c.workingDir()), c.entrypoint(), c.onBuild(), c.labels(), c.stopSignal(), c.stopTimeout(),
                c.shell());
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    /** The layers of image {@code name}, top first. */
    List<LayerRecord> layers(String name) {
        return images.layersOf(images.resolve(name));
    }

    List<ImageHistoryItem> history(String name) {
        Image image = images.resolve(name);
        List<ImageConfig.History> history = image.config().history() == null ? List.of() : image.config().history();
        // Newest first, as the history: each entry that made a layer shows that layer's size.
        Iterator<LayerRecord> layers = images.layersOf(image).iterator();
        List<ImageHistoryItem> items = new ArrayList<>();
        for (int i = history.size() - 1; i >= 0; i--) {
            ImageConfig.History h = history.get(i);
            boolean top = i == history.size() - 1;
            long created = h.created() == null ? 0 : java.time.OffsetDateTime.parse(h.created()).toEpochSecond();
            boolean emptyLayer = Boolean.TRUE.equals(h.emptyLayer());
            long size = !emptyLayer && layers.hasNext() ? layers.next().size() : 0;
            items.add(new ImageHistoryItem(top ? image.id().toString() : "<missing>", created,
                    h.createdBy() == null ? "" : h.createdBy(), top ? image.repoTags() : null, size,
                    h.comment() == null ? "" : h.comment()));
        }
        return items;
    }

    void tag(String source, String repo, String tag) {
        Image image = images.resolve(source);
        ImageRef ref = repoTag(repo, tag);
        images.tag(image.id(), ref);
        events.publish("image", "tag", image.id().toString(), Map.of("name", ref.familiar()));
    }

    /**
     * The reference {@code repo} (with {@code tag} replacing its own, {@code latest} if neither has one), refused
     * with docker's messages: {@code invalid reference format...}, {@code invalid tag format}.
     */
    private static ImageRef repoTag(String repo, String tag) {
        ImageRef ref;
        try {
            ref = ImageRef.parseLoose(repo == null ? "" : repo);
        } catch (InvalidArgument e) {
            // ImageRef quotes the text it refused; docker's message does not.
            throw new InvalidArgument(e.getMessage().replaceFirst("^invalid reference format: \".*\"$",
                    "invalid reference format"));
        }
        if (ref.digest() != null) {
            throw new InvalidArgument("refusing to create a tag with a digest reference");
        }
        if (tag == null || tag.isBlank()) {
            return ref.tag() == null ? ref.withTag(ImageRef.DEFAULT_TAG) : ref;
        }
        try {
            return ImageRef.parse(ref.repository() + ":" + tag);
        } catch (InvalidArgument e) {
            throw new InvalidArgument("invalid tag format");
        }
    }

    /**
     * docker rmi: a tag of an image with other tags is only untagged; the last tag or an id deletes the image,
     * refused while a container uses it unless forced (then only the tags go).
     */
    List<ImageDeleteItem> remove(String name, boolean force, boolean noPrune) {
        Image image = images.resolve(name);
        String id = image.id().toString();
        boolean byId = id.startsWith(name) || id.substring(7).startsWith(name);
        List<ImageDeleteItem> items = new ArrayList<>();
        if (!byId) {
            List<String> going = referencesGoingWith(image, ImageRef.parse(name));
            if (references(image).size() > going.size() || (force && inUse(image))) {
                for (String reference : going) {
                    images.untag(ImageRef.parse(reference));
                    events.publish("image", "untag", id, Map.of("name", reference));
                    items.add(new ImageDeleteItem(reference, null));
                }
                return items;
            }
        } else if (image.repoTags().size() > 1 && !force) {
            throw new Conflict("conflict: unable to delete " + image.id().shortHex()
                    + " (must be forced) - image is referenced in multiple repositories");
        }
        List<ContainerRecord> users = metadata.containersUsingImage(image.id());
        if (!users.isEmpty()) {
            String user = users.getFirst().id().substring(0, 12);
            if (!byId && !force) {
                throw new Conflict("conflict: unable to remove repository reference \"" + name
                        + "\" (must force) - container " + user + " is using its referenced image " + image.id().shortHex());
            }
            if (users.stream().anyMatch(ImageService::running)) {
                throw new Conflict("conflict: unable to delete " + image.id().shortHex()
                        + " (cannot be forced) - image is being used by running container " + user);
            }
            if (!force) {
                throw new Conflict("conflict: unable to delete " + image.id().shortHex()
                        + " (must be forced) - image is being used by stopped container " + user);
            }
            for (String tag : references(image)) {
                images.untag(ImageRef.parse(tag));
                items.add(new ImageDeleteItem(tag, null));
                events.publish("image", "untag", id, Map.of("name", tag));
            }
            return items;
        }
        for (String tag : references(image)) {
            items.add(new ImageDeleteItem(tag, null));
            events.publish("image", "untag", id, Map.of("name", tag));
        }
        images.delete(image.id());
        items.add(new ImageDeleteItem(null, id));
        events.publish("image", "delete", id, Map.of("name", id));
        return items;
    }

    // Tags and digest references (RepoDigests) alike keep an image; one with neither is dangling.
    private static List<String> references(Image image) {
        return java.util.stream.Stream.concat(image.repoTags().stream(), image.repoDigests().stream()).toList();
    }

    private static boolean dangling(Image image) {
        return image.repoTags().isEmpty() && image.repoDigests().isEmpty();
    }

    // What `rmi REF` removes, as docker: the reference, and with a tag the digest references of its repository
    // when no other tag of that repository remains.
    private static List<String> referencesGoingWith(Image image, ImageRef ref) {
        List<String> going = new ArrayList<>(List.of(ref.familiar()));
        if (ref.digest() == null) {
            String repository = ref.familiarRepository();
            boolean otherTag = image.repoTags().stream().map(ImageRef::parse)
                    .anyMatch(t -> t.familiarRepository().equals(repository) && !t.familiar().equals(ref.familiar()));
            if (!otherTag) {
                image.repoDigests().stream().filter(d -> ImageRef.parse(d).familiarRepository().equals(repository))
                        .forEach(going::add);
            }
        }
        return going;
    }

    // Docker refuses even a forced delete while a container runs (paused or restarting counts as running).
    private static boolean running(ContainerRecord container) {
        return Json.read(container.doc(), ContainerDoc.class).state().isRunning();
    }

    private boolean inUse(Image image) {
        return !metadata.containersUsingImage(image.id()).isEmpty();
    }

    /** Removes dangling images (or, with {@code dangling=false}, every image) that no container uses. */
    PruneReport prune(Filters filters) {
        filters.allowOnly(Set.of("dangling", "label", "until"));
        boolean danglingOnly = !filters.get("dangling").contains("false") && !filters.get("dangling").contains("0");
        List<ImageDeleteItem> deleted = new ArrayList<>();
        long reclaimed = 0;
        for (Image image : images.list()) {
            if ((danglingOnly && !dangling(image)) || inUse(image)) {
                continue;
            }
            for (String tag : references(image)) {
                deleted.add(new ImageDeleteItem(tag, null));
            }
            images.delete(image.id());
            deleted.add(new ImageDeleteItem(null, image.id().toString()));
            events.publish("image", "delete", image.id().toString(), Map.of("name", image.id().toString()));
            reclaimed += image.size();
        }
        return new PruneReport(null, deleted, reclaimed);
    }

    void save(List<String> names, OutputStream out) {
        names.forEach(images::resolve);
        images.save(names, out);
    }

    List<String> load(InputStream archive) {
        List<String> lines = new ArrayList<>();
        for (LoadedImage loaded : images.load(archive)) {
            if (loaded.repoTags().isEmpty()) {
                lines.add("Loaded image ID: " + loaded.id());
            }
            loaded.repoTags().forEach(tag -> lines.add("Loaded image: " + tag));
            events.publish("image", "load", loaded.id().toString(), Map.of("name", loaded.id().toString()));
        }
        return lines;
    }

    int count() {
        return images.list().size();
    }
}
