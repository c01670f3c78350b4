package berth.registry.client;

import berth.oci.Digest;
import berth.oci.ImageRef;
import berth.oci.Json;
import berth.oci.errors.EngineException;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;
import berth.oci.errors.Unavailable;
import berth.oci.image.Manifest;
import berth.registry.client.RegistryEndpoint.Catalog;
import berth.registry.client.RegistryEndpoint.Page;
import berth.registry.client.RegistryEndpoint.Ping;
import berth.registry.client.RegistryEndpoint.TagList;
import berth.store.ContentStore;
import berth.store.image.Image;
import berth.store.image.ImageStore;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Berth's client of registries that speak the OCI distribution spec (and Docker's registry API v2): pull, push,
 * login and search, as the daemon's image endpoints ask for them. Short names are Docker Hub's
 * ({@code busybox} is {@code docker.io/library/busybox:latest}), pulled through the configured mirrors first.
 */
public final class RegistryClient {
    private static final String DOCKER_HUB = "registry-1.docker.io";

    private final RegistryConfig config;
    private final ContentStore content;
    private final ImageStore images;
    private final HttpClients clients;
    private final BlobSources sources = new BlobSources();

    public RegistryClient(RegistryConfig config, ContentStore content, ImageStore images) {
        this.config = config;
        this.content = content;
        this.images = images;
        this.clients = new HttpClients(config.certsDir());
    }

    /** What a pull did: the image, the digest of the manifest (or index) pulled, whether anything was new. */
    public record PullResult(Image image, Digest digest, boolean downloaded) {}

    /** What a push of one tag did. */
    public record PushResult(String tag, Digest digest, long size) {}

    /** A repository found by {@link #search}, in the fields docker prints. */
    public record SearchResult(String name, String description, int starCount, boolean official, boolean automated) {}

    /**
     * Pulls one reference (a tag or a digest) for {@code platform}; reports docker's progress messages, ending
     * with the "Digest:" and "Status:" lines.
     */
    public PullResult pull(ImageRef ref, Platform platform, AuthConfig auth, ProgressListener listener) {
        EngineException failure = null;
        for (URI base : pullBases(ref.domain())) {
            RegistryCaller caller = caller(base, auth, List.of(RegistryCaller.scope(ref.path(), "pull")));
            try {
                ImagePuller.Pulled pulled = new ImagePuller(caller, content, images, platform, listener,
                        config.maxConcurrentDownloads()).pull(ref);
                pulled.blobs().forEach(blob -> sources.add(blob, ref));
                listener.status("Digest: " + pulled.digest());
                listener.status("Status: " + (pulled.downloaded() ? "Downloaded newer image for " : "Image is up to date for ")
                        + ref.familiar());
                return new PullResult(pulled.image(), pulled.digest(), pulled.downloaded());
            } catch (Unavailable | NotFound e) {
                failure = e; // a mirror that is down or lacks the image: try the next, then the registry
            }
        }
        throw failure;
    }

    /** {@code pull --all-tags}: every tag of the repository, one after the other. */
    public List<PullResult> pullAllTags(ImageRef repository, Platform platform, AuthConfig auth, ProgressListener listener) {
        List<PullResult> results = new ArrayList<>();
        for (String tag : tags(repository, auth)) {
            results.add(pull(repository.withTag(tag), platform, auth, listener));
        }
        return results;
    }

    /** The tags of a repository, through the registry's paginated tag list. */
    public List<String> tags(ImageRef repository, AuthConfig auth) {
        RegistryCaller caller = caller(base(repository.domain()), auth, List.of(RegistryCaller.scope(repository.path(), "pull")));
        List<String> tags = new ArrayList<>();
        for (Page page = caller.call(new TagList(repository.path(), null)); ;
                page = caller.call(new TagList(repository.path(), tags.getLast()))) {
            tags.addAll(page.names());
            if (!page.more() || page.names().isEmpty()) {
                return tags;
            }
        }
    }

    /**
     * Pushes the local image {@code ref} names; without a tag, every local tag of that repository
     * ({@code --all-tags}). Reports "The push refers to repository [...]" first.
     */
    public List<PushResult> push(ImageRef ref, AuthConfig auth, ProgressListener listener) {
        List<ImageRef> targets = new ArrayList<>();
        if (ref.tag() == null) {
            for (Image image : images.list()) {
                for (String tag : image.repoTags()) {
                    ImageRef candidate = ImageRef.parse(tag);
                    if (candidate.repository().equals(ref.repository()) && candidate.tag() != null) {
                        targets.add(candidate);
                    }
                }
            }
            if (targets.isEmpty()) {
                throw new NotFound("An image does not exist locally with the tag: " + ref.familiarRepository());
            }
        } else {
            targets.add(ref);
        }
        listener.status("The push refers to repository [" + ref.repository() + "]");
        List<PushResult> results = new ArrayList<>();
        for (ImageRef target : targets) {
            Digest imageId = images.taggedImage(target)
                    .orElseThrow(() -> new NotFound("An image does not exist locally with the tag: " + target.familiar()));
            Digest manifestDigest = images.manifestDigest(imageId);
            Manifest manifest = Json.read(content.read(manifestDigest), Manifest.class);
            List<Digest> blobs = Stream.concat(Stream.of(manifest.config()), manifest.layers().stream())
                    .map(d -> d.digest()).toList();
            List<String> scopes = new ArrayList<>();
            scopes.add(RegistryCaller.scope(target.path(), "pull,push"));
            sources.sourceRepositories(blobs, target).forEach(repo -> scopes.add(RegistryCaller.scope(repo, "pull")));
            RegistryCaller caller = caller(base(target.domain()), auth, scopes);
            ImagePusher.Pushed pushed = new ImagePusher(caller, content, listener, config.maxConcurrentUploads(), sources)
                    .push(target, manifestDigest);
            images.tag(imageId, new ImageRef(target.domain(), target.path(), null, pushed.digest()));
            results.add(new PushResult(pushed.tag(), pushed.digest(), pushed.size()));
        }
        return results;
    }

    /** {@code POST /auth}: checks the credentials against the registry; refused ones are {@code Unauthorized}. */
    public void login(AuthConfig auth, String server) {
        if (!auth.hasPassword() && auth.identitytoken() == null) {
            throw new InvalidArgument("username and password are required");
        }
        caller(base(registryHost(server)), auth, List.of()).call(new Ping());
    }

    /**
     * {@code GET /images/search}: repositories of the registry {@code term} names (its first component, if it has
     * a dot or port) whose name contains the rest of it, from the registry's catalog.
     */
    public List<SearchResult> search(String term, int limit, AuthConfig auth) {
        String domain = "docker.io";
        String text = term;
        int slash = term.indexOf('/');
        if (slash > 0 && (term.substring(0, slash).contains(".") || term.substring(0, slash).contains(":")
                || term.substring(0, slash).equals("localhost"))) {
            domain = term.substring(0, slash);
            text = term.substring(slash + 1);
        }
        if (domain.equals("docker.io")) {
            throw new InvalidArgument("searching Docker Hub is not supported; name a registry: HOST[:PORT]/TERM");
        }
        RegistryCaller caller = caller(base(domain), auth, List.of("registry:catalog:*"));
        List<SearchResult> results = new ArrayList<>();
        String last = null;
        String needle = text.toLowerCase(Locale.ROOT);
        int max = limit <= 0 ? 25 : limit;
        while (results.size() < max) {
            Page page = caller.call(new Catalog(100, last));
            for (String name : page.names()) {
                if (name.toLowerCase(Locale.ROOT).contains(needle) && results.size() < max) {
                    results.add(new SearchResult(domain + "/" + name, "", 0, false, false));
                }
            }
            if (!page.more() || page.names().isEmpty()) {
                break;
            }
            last = page.names().getLast();
        }
        return results;
    }

    private List<URI> pullBases(String domain) {
        List<URI> bases = new ArrayList<>();
        if (domain.equals(ImageRef.DEFAULT_DOMAIN)) {
            bases.addAll(config.mirrors());
        }
        bases.add(base(domain));
        return bases;
    }

    private URI base(String domain) {
        String host = domain.equals(ImageRef.DEFAULT_DOMAIN) ? DOCKER_HUB : domain;
        return URI.create((config.insecure(host) ? "http://" : "https://") + host + "/");
    }

    private RegistryCaller caller(URI base, AuthConfig auth, List<String> scopes) {
        return new RegistryCaller(clients.forHost(base.getAuthority()), base, auth, scopes);
    }

    /** The registry host of a login's server address: {@code https://index.docker.io/v1/} is Docker Hub. */
    static String registryHost(String server) {
        if (server == null || server.isBlank()) {
            return ImageRef.DEFAULT_DOMAIN;
        }
        String host = server.trim().replaceFirst("^[a-zA-Z]+://", "");
        int slash = host.indexOf('/');
        host = slash >= 0 ? host.substring(0, slash) : host;
        return host.equals("index.docker.io") || host.equals("registry-1.docker.io") ? ImageRef.DEFAULT_DOMAIN : host;
    }
}
