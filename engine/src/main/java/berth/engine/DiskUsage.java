package berth.engine;

import berth.engine.container.ContainerDoc;
import berth.engine.container.ContainerViews;
import berth.engine.container.LiveContainer;
import berth.engine.model.ContainerSummary;
import berth.engine.model.ImageSummary;
import berth.engine.volume.VolumeService;
import berth.store.meta.LayerRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /system/df}: the bytes images, containers and the build cache hold. Layers shared by several images
 * count once in {@code LayersSize} and as {@code SharedSize} of each image that has them; a container's
 * {@code SizeRw} is what it changed; volumes come with their size and the number of containers referring to them.
 * Berth has no build cache yet: its list is empty because nothing exists.
 */
final class DiskUsage {
    private final ContainerService containers;
    private final ImageService images;
    private final ContainerChanges changes;
    private final VolumeService volumes;
    private final NetworkService networks;

    DiskUsage(ContainerService containers, ImageService images, ContainerChanges changes,
              VolumeService volumes, NetworkService networks) {
        this.containers = containers;
        this.images = images;
        this.changes = changes;
        this.volumes = volumes;
        this.networks = networks;
    }

    Map<String, Object> report() {
        Map<String, Integer> containersOfImage = new HashMap<>();
        List<ContainerSummary> containerRows = new ArrayList<>();
        Instant now = Instant.now();
        for (LiveContainer c : List.copyOf(containers.all())) {
            ContainerDoc doc = c.doc();
            containersOfImage.merge(doc.imageId(), 1, Integer::sum);
            long sizeRw = changes.sizeRw(doc);
            long imageSize = imageSize(doc.imageId());
            ContainerSummary s = ContainerViews.summary(doc, now, networks.settings(doc));
            containerRows.add(new ContainerSummary(s.id(), s.names(), s.image(), s.imageId(), s.command(), s.created(),
                    s.ports(), sizeRw, sizeRw + imageSize, s.labels(), s.state(), s.status(), s.hostConfig(),
                    s.networkSettings(), s.mounts()));
        }
        List<ImageSummary> listed = images.list(true, Filters.NONE, false);
        Map<String, Set<String>> layersOfImage = new LinkedHashMap<>();
        Map<String, Integer> imagesOfLayer = new HashMap<>();
        Map<String, Long> layerSize = new HashMap<>();
        for (ImageSummary summary : listed) {
            Set<String> chain = new LinkedHashSet<>();
            for (LayerRecord layer : images.layers(summary.id())) {
                chain.add(layer.chainId());
                layerSize.put(layer.chainId(), layer.size());
            }
            layersOfImage.put(summary.id(), chain);
            chain.forEach(l -> imagesOfLayer.merge(l, 1, Integer::sum));
        }
        List<ImageSummary> imageRows = new ArrayList<>();
        for (ImageSummary s : listed) {
            long shared = layersOfImage.get(s.id()).stream().filter(l -> imagesOfLayer.get(l) > 1)
                    .mapToLong(layerSize::get).sum();
            imageRows.add(new ImageSummary(s.id(), s.parentId(), s.repoTags(), s.repoDigests(), s.created(), s.size(),
                    shared, s.labels(), containersOfImage.getOrDefault(s.id(), 0)));
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("LayersSize", layerSize.values().stream().mapToLong(Long::longValue).sum());
        report.put("Images", imageRows);
        report.put("Containers", containerRows);
        report.put("Volumes", volumes.usage());
        report.put("BuildCache", List.of());
        return report;
    }

    private long imageSize(String imageId) {
        try {
            return images.resolve(imageId).size();
        } catch (berth.oci.errors.NotFound e) {
            return 0;
        }
    }
}
