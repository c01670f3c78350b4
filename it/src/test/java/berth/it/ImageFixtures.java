package berth.it;

import com.github.luben.zstd.ZstdOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

/**
 * Tars, layers and image archives built in memory for the image tests, hostile ones included: entry names are
 * written exactly as given, and an archive may name a blob by a digest its bytes do not have.
 */
final class ImageFixtures {
    /** The busybox applets the tests call inside containers. */
    private static final List<String> APPLETS = List.of("sh", "echo", "cat", "id", "pwd", "ls", "true");

    private ImageFixtures() {}

    /** A tar under construction. */
    static final class Tar {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

        Tar() {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        }

        Tar dir(String name) {
            return put(entry(name, TarConstants.LF_DIR, 0755), null);
        }

        Tar file(String name, String content) {
            return file(name, content.getBytes(StandardCharsets.UTF_8), 0644);
        }

        Tar file(String name, byte[] content, int mode) {
            TarArchiveEntry entry = entry(name, TarConstants.LF_NORMAL, mode);
            entry.setSize(content.length);
            return put(entry, content);
        }

        Tar symlink(String name, String target) {
            TarArchiveEntry entry = entry(name, TarConstants.LF_SYMLINK, 0777);
            entry.setLinkName(target);
            return put(entry, null);
        }

        byte[] bytes() {
            try {
                tar.finish();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        private static TarArchiveEntry entry(String name, byte type, int mode) {
            // preserveAbsolutePath: a hostile "/x" or "../x" stays as written.
            TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
            entry.setMode(mode);
            entry.setModTime(1_700_000_000_000L);
            return entry;
        }

        private Tar put(TarArchiveEntry entry, byte[] content) {
            try {
                tar.putArchiveEntry(entry);
                if (content != null) {
                    tar.write(content);
                }
                tar.closeArchiveEntry();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }
    }

    /** A root file system with the host's static busybox and {@code /marker} holding {@code marker}. */
    static byte[] busyboxRootfs(String marker) {
        Tar tar = new Tar().dir("bin").dir("etc").dir("tmp");
        try {
            tar.file("bin/busybox", Files.readAllBytes(Path.of("/bin/busybox")), 0755);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        APPLETS.forEach(applet -> tar.symlink("bin/" + applet, "busybox"));
        return tar.file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n")
                .file("marker", marker)
                .bytes();
    }

    /** The same root file system as a directory, for {@code berth import DIR}. */
    static void writeBusyboxRootfs(Path dir, String marker) throws IOException {
        Files.createDirectories(dir.resolve("bin"));
        Files.createDirectories(dir.resolve("tmp"));
        Files.copy(Path.of("/bin/busybox"), dir.resolve("bin/busybox"));
        for (String applet : APPLETS) {
            Files.createSymbolicLink(dir.resolve("bin/" + applet), Path.of("busybox"));
        }
        Files.writeString(dir.resolve("marker"), marker);
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] zstd(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = new ZstdOutputStream(out)) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An image config for one layer whose uncompressed digest is {@code diffIdHex}. */
    static byte[] config(String diffIdHex, String marker) {
        return ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-02T03:04:05Z\","
                + "\"config\":{\"Cmd\":[\"cat\",\"/marker\"],\"Env\":[\"FIXTURE=" + marker + "\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" + diffIdHex + "\"]},"
                + "\"history\":[{\"created\":\"2024-01-02T03:04:05Z\",\"created_by\":\"fixture " + marker + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A docker-archive of one image with an uncompressed {@code layer} stored under the blob name
     * {@code layerName} (its own digest unless a test lies), and the config that lists {@code diffId}.
     */
    static byte[] dockerArchiveClaiming(byte[] layer, String layerName, String diffId, String marker,
                                        String... repoTags) {
        byte[] config = config(diffId, marker);
        String configPath = "blobs/sha256/" + sha256(config);
        String layerPath = "blobs/sha256/" + layerName;
        String tags = List.of(repoTags).stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(","));
        String manifest = "[{\"Config\":\"" + configPath + "\",\"RepoTags\":[" + tags + "],\"Layers\":[\""
                + layerPath + "\"]}]";
        return new Tar().dir("blobs").dir("blobs/sha256")
                .file(configPath, config, 0644)
                .file(layerPath, layer, 0644)
                .file("manifest.json", manifest)
                .bytes();
    }

    /** A well-formed docker-archive of one image. */
    static byte[] dockerArchive(byte[] layer, String marker, String... repoTags) {
        return dockerArchiveClaiming(layer, sha256(layer), sha256(layer), marker, repoTags);
    }

    /**
     * An OCI image layout (as {@code skopeo copy oci:} or {@code docker buildx --output type=oci} write it), tarred:
     * a gzip layer, the index entry annotated with {@code name} unless it is null.
     */
    static byte[] ociLayout(byte[] layer, String marker, String name) {
        byte[] compressed = gzip(layer);
        byte[] config = config(sha256(layer), marker);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
                + sha256(config) + "\",\"size\":" + config.length + "},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:"
                + sha256(compressed) + "\",\"size\":" + compressed.length + "}]}").getBytes(StandardCharsets.UTF_8);
        String annotations = name == null ? "" : ",\"annotations\":{\"io.containerd.image.name\":\"" + name
                + "\",\"org.opencontainers.image.ref.name\":\"" + name.substring(name.lastIndexOf(':') + 1) + "\"}";
        String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + sha256(manifest)
                + "\",\"size\":" + manifest.length + annotations + "}]}";
        return new Tar().file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}")
                .file("index.json", index)
                .dir("blobs").dir("blobs/sha256")
                .file("blobs/sha256/" + sha256(config), config, 0644)
                .file("blobs/sha256/" + sha256(compressed), compressed, 0644)
                .file("blobs/sha256/" + sha256(manifest), manifest, 0644)
                .bytes();
    }

    /** The regular files of a tar, name to content, in archive order. */
    static Map<String, byte[]> entries(Path tarFile) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(tarFile);
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.isFile()) {
                    files.put(e.getName(), tar.readAllBytes());
                }
            }
        }
        return files;
    }

    /** Every file under {@code dir}, relative, sorted: to show that a failed load left nothing behind. */
    static List<String> tree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        List<String> paths = new ArrayList<>();
        try (var walk = Files.walk(dir)) {
            walk.map(p -> dir.relativize(p).toString()).sorted().forEach(paths::add);
        }
        return paths;
    }
}
