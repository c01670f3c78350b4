package berth.store.image;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** One image of a docker-archive's {@code manifest.json}: paths of its config and layers inside the archive, and its tags. */
record ArchiveManifestEntry(@JsonProperty("Config") String config,
                            @JsonProperty("RepoTags") List<String> repoTags,
                            @JsonProperty("Layers") List<String> layers) {}
