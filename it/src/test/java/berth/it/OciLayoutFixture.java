package berth.it;

import berth.oci.Digest;
import berth.oci.Json;
import com.github.luben.zstd.ZstdOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * OCI image layouts written by the tests, for skopeo to copy into a registry: images of gzip and zstd layers, and an index over images of several platforms. Digests are known to the test, so what a pull stores can
 * be checked against them.
 */
final class OciLayoutFixture {
    static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String INDEX = "application/vnd.oci.image.index.v1+json";

    /** A layer as stored (compressed or not), its media type and its diff id. */
    record Layer(byte[] blob, String mediaType, Digest diffId) {
        Digest digest() {
            return Digest.sha256(blob);
        }

        static Layer gzip(byte[] tar) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (OutputStream gz = new GZIPOutputStream(out)) {
                gz.write(tar);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Layer(out.toByteArray(), "application/vnd.oci.image.layer.v1.tar+gzip", Digest.sha256(tar));
        }

        static Layer zstd(byte[] tar) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (OutputStream z = new ZstdOutputStream(out)) {
                z.write(tar);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Layer(out.toByteArray(), "application/vnd.oci.image.layer.v1.tar+zstd", Digest.sha256(tar));
        }
    }

    /** A manifest written into the layout: its bytes and where its platform is. */
    record Image(byte[] manifest, String architecture, String variant) {
        Digest digest() {
            return Digest.sha256(manifest);
        }
    }

    private final Path dir;

    OciLayoutFixture(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    }

    Path dir() {
        return dir;
    }

    /** Writes an image of {@code layers} (bottom first) for linux/{@code architecture}. */
    Image image(String architecture, String variant, List<Layer> layers) throws IOException {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("created", "2026-01-01T00:00:00Z");
        config.put("architecture", architecture);
        if (variant != null) {
            config.put("variant", variant);
        }
        config.put("os", "linux");
        config.put("config", Map.of("Cmd", List.of("sh"), "Env", List.of("PATH=/bin")));
        config.put("rootfs", Map.of("type", "layers", "diff_ids", layers.stream().map(l -> l.diffId().toString()).toList()));
        byte[] configBytes = Json.write(config);
        blob(configBytes);
        List<Map<String, Object>> layerDescriptors = new ArrayList<>();
        for (Layer layer : layers) {
            blob(layer.blob());
            layerDescriptors.add(descriptor(layer.mediaType(), layer.blob()));
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MANIFEST);
        manifest.put("config", descriptor("application/vnd.oci.image.config.v1+json", configBytes));
        manifest.put("layers", layerDescriptors);
        byte[] bytes = Json.write(manifest);
        blob(bytes);
        return new Image(bytes, architecture, variant);
    }

    /** Writes an index over {@code images}; returns its bytes. */
    byte[] index(List<Image> images) throws IOException {
        List<Map<String, Object>> manifests = new ArrayList<>();
        for (Image image : images) {
            Map<String, Object> d = descriptor(MANIFEST, image.manifest());
            Map<String, Object> platform = new LinkedHashMap<>();
            platform.put("architecture", image.architecture());
            platform.put("os", "linux");
            if (image.variant() != null) {
                platform.put("variant", image.variant());
            }
            d.put("platform", platform);
            manifests.add(d);
        }
        byte[] bytes = Json.write(Map.of("schemaVersion", 2, "mediaType", INDEX, "manifests", manifests));
        blob(bytes);
        return bytes;
    }

    /** Names the layout's entry points: {@code tag} → the manifest or index {@code bytes}. */
    void refs(Map<String, byte[]> entries, Map<String, String> mediaTypes) throws IOException {
        List<Map<String, Object>> manifests = new ArrayList<>();
        entries.forEach((tag, bytes) -> {
            Map<String, Object> d = descriptor(mediaTypes.get(tag), bytes);
            d.put("annotations", Map.of("org.opencontainers.image.ref.name", tag));
            manifests.add(d);
        });
        Files.write(dir.resolve("index.json"), Json.write(Map.of("schemaVersion", 2, "manifests", manifests)));
    }

    private void blob(byte[] bytes) throws IOException {
        Files.write(dir.resolve("blobs/sha256").resolve(Digest.sha256(bytes).hex()), bytes);
    }

    private static Map<String, Object> descriptor(String mediaType, byte[] bytes) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", mediaType);
        d.put("digest", Digest.sha256(bytes).toString());
        d.put("size", bytes.length);
        return d;
    }
}
