package berth.engine;

import berth.engine.container.ContainerDoc;
import berth.engine.container.LiveContainer;
import berth.oci.ImageRef;
import berth.oci.container.ContainerConfig;
import berth.store.image.Image;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code docker commit}: the container's changes become a new layer on its image, with the container's run
 * configuration (Dockerfile {@code changes} applied) and one more history entry. A running container is paused
 * (cgroup freezer) while its changes are read, unless told not to; the layer is written to a file in the
 * container's directory first, so a failure part way never leaves half a layer in the store.
 */
final class CommitService {
    private final ContainerService containers;
    private final ImageService images;
    private final ContainerChanges changes;

    CommitService(ContainerService containers, ImageService images, ContainerChanges changes) {
        this.containers = containers;
        this.images = images;
        this.changes = changes;
    }

    String commit(String name, String repo, String tag, String comment, String author, boolean pause,
                  List<String> dockerfileChanges) {
        LiveContainer c = containers.find(name);
        Optional<ImageRef> ref = images.reference(repo, tag);
        ContainerDoc doc = c.doc();
        ContainerConfig config = ImageChanges.apply(doc.config(), dockerfileChanges == null ? List.of() : dockerfileChanges);
        Image parent = images.resolve(doc.imageId());
        Path layer = containers.bundle(doc.id()).resolve("commit-" + System.nanoTime() + ".tar");
        try {
            synchronized (c) {
                boolean paused = pause && c.doc().state().status().equals("running");
                if (paused) {
                    containers.pause(doc.id());
                }
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(layer), 64 * 1024)) {
                    changes.writeLayer(c.doc(), out);
                } finally {
                    if (paused) {
                        containers.unpause(doc.id());
                    }
                }
            }
            Image image;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(layer), 64 * 1024)) {
                image = images.commit(parent, in, config, author, comment, createdBy(doc), ref);
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("comment", comment == null ? "" : comment);
            attributes.put("imageID", image.id().toString());
            attributes.put("imageRef", ref.map(ImageRef::familiar).orElse(""));
            containers.publish(c.doc(), "commit", attributes);
            return image.id().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(layer);
            } catch (IOException e) {
                // the container's directory goes with the container
            }
        }
    }

    private static String createdBy(ContainerDoc doc) {
        List<String> cmd = doc.config().cmd();
        return cmd == null ? "" : String.join(" ", cmd);
    }
}
