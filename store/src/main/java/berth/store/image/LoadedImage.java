package berth.store.image;

import berth.oci.Digest;

import java.util.List;

/**
 * One image a load stored: its id and the tags it was given ({@code busybox:latest}). The API prints
 * {@code Loaded image: TAG} for each tag, or {@code Loaded image ID: ID} when there is none.
 */
public record LoadedImage(Digest id, List<String> repoTags) {}
