package berth.engine;

import berth.oci.ImageRef;
import berth.oci.errors.InvalidArgument;
import berth.registry.client.AuthConfig;
import berth.registry.client.Platform;
import berth.registry.client.ProgressListener;
import berth.registry.client.RegistryClient;

import java.util.List;
import java.util.Map;

/** The registry half of the engine: pull, push, login and search, with the events docker publishes for them. */
final class RegistryService {
    private final RegistryClient client;
    private final EventLog events;

    RegistryService(RegistryClient client, EventLog events) {
        this.client = client;
        this.events = events;
    }

    void pull(String image, String tag, String platform, AuthConfig auth, ProgressListener listener) {
        ImageRef ref = reference(image, tag);
        Platform chosen = Platform.parse(platform);
        if (ref.tag() == null && ref.digest() == null) {
            for (RegistryClient.PullResult pulled : client.pullAllTags(ref, chosen, auth, listener)) {
                published(pulled);
            }
            return;
        }
        published(client.pull(ref, chosen, auth, listener));
    }

    private void published(RegistryClient.PullResult pulled) {
        List<String> tags = pulled.image().repoTags();
        List<String> digests = pulled.image().repoDigests();
        String name = !tags.isEmpty() ? tags.getFirst()
                : !digests.isEmpty() ? digests.getFirst() : pulled.image().id().toString();
        events.publish("image", "pull", name, Map.of("name", name));
    }

    List<RegistryClient.PushResult> push(String name, String tag, AuthConfig auth, ProgressListener listener) {
        ImageRef ref = reference(name, tag);
        List<RegistryClient.PushResult> pushed = client.push(ref, auth, listener);
        for (RegistryClient.PushResult result : pushed) {
            String pushedName = ref.withTag(result.tag()).familiar();
            events.publish("image", "push", pushedName, Map.of("name", pushedName));
        }
        return pushed;
    }

    void login(AuthConfig auth) {
        client.login(auth, auth.serveraddress());
    }

    List<RegistryClient.SearchResult> search(String term, int limit, AuthConfig auth) {
        if (term == null || term.isBlank()) {
            throw new InvalidArgument("term is required");
        }
        return client.search(term, limit, auth);
    }

    // The API's fromImage/tag pair: a tag in the name wins; no tag at all means every tag (pull --all-tags,
    // push --all-tags), as the CLIs send an empty tag only for those.
    private static ImageRef reference(String name, String tag) {
        if (name == null || name.isEmpty()) {
            throw new InvalidArgument("image name is required");
        }
        ImageRef ref = ImageRef.parseLoose(name);
        if (tag != null && !tag.isEmpty() && ref.tag() == null && ref.digest() == null) {
            ref = tag.startsWith("sha256:") ? ImageRef.parseLoose(name + "@" + tag) : ImageRef.parseLoose(name + ":" + tag);
        }
        return ref;
    }
}
