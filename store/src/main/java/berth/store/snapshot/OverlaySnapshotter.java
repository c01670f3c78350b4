package berth.store.snapshot;

import berth.oci.errors.InvalidArgument;
import berth.store.Layout;
import berth.store.layer.WhiteoutMode;
import berth.sys.Mounts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;

/**
 * Snapshots as overlayfs layers: each snapshot's {@code diff/} holds only what it changes, and an active
 * snapshot mounts as an overlay whose lower directories are its ancestors'. Lower directories are named by the
 * short symlinks under {@code overlay/l/}, as docker's overlay2 does, because the kernel takes at most one page
 * (4096 bytes) of mount options; an image too deep even for that is refused with a clear error.
 */
public final class OverlaySnapshotter extends DirectorySnapshotter {
    private static final int PAGE_SIZE = 4096;
    private static final String LINK = "link";
    private static final String LINK_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final int LINK_LENGTH = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    public OverlaySnapshotter(Layout layout) {
        super(layout);
    }

    @Override
    public WhiteoutMode whiteoutMode() {
        return WhiteoutMode.OVERLAY;
    }

    @Override
    public boolean unpacksIndependently() {
        return true;
    }

    @Override
    protected void populate(String key, Path dir, Optional<String> parent) throws IOException {
        Files.createDirectory(dir.resolve("diff"));
        Files.createDirectory(dir.resolve("work"));
        while (true) {
            String shortName = randomLinkName();
            try {
                Files.createSymbolicLink(layout.link(shortName), linkTarget(dir));
                Files.writeString(dir.resolve(LINK), shortName);
                return;
            } catch (FileAlreadyExistsException e) {
                // another snapshot drew the same name: draw again
            }
        }
    }

    @Override
    protected void renamed(String name) throws IOException {
        Path dir = layout.snapshot(name);
        Path link = layout.link(Files.readString(dir.resolve(LINK)));
        Path fresh = link.resolveSibling(link.getFileName() + ".new");
        Files.deleteIfExists(fresh);
        Files.createSymbolicLink(fresh, linkTarget(dir));
        Files.move(fresh, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    protected void removing(String key) throws IOException {
        Path linkFile = layout.snapshot(key).resolve(LINK);
        if (Files.exists(linkFile)) {
            Files.deleteIfExists(layout.link(Files.readString(linkFile)));
        }
    }

    @Override
    protected void mountRoot(String key, Path merged) {
        Optional<String> parent = parent(key);
        if (parent.isEmpty()) {
            // overlayfs needs a lower directory; a snapshot without one is its own root file system
            Mounts.mount(diffDir(key).toString(), merged, null, Mounts.MS_BIND, null);
            return;
        }
        List<String> lowers = ancestry(parent.get()).stream().map(this::linkPath).toList();
        String options = "lowerdir=" + String.join(":", lowers) + ",upperdir=" + diffDir(key)
                + ",workdir=" + layout.snapshotWork(key);
        if (options.length() >= PAGE_SIZE) {
            throw new InvalidArgument("cannot mount snapshot " + key + ": its " + lowers.size()
                    + " layers need " + options.length() + " bytes of overlay mount options, more than the kernel's "
                    + PAGE_SIZE);
        }
        Mounts.mount("overlay", merged, "overlay", 0, options);
    }

    private String linkPath(String key) {
        try {
            return layout.link(Files.readString(layout.snapshot(key).resolve(LINK))).toString();
        } catch (IOException e) {
            throw new UncheckedIOException("snapshot " + key + " has no link", e);
        }
    }

    private static Path linkTarget(Path snapshotDir) {
        return Path.of("..", snapshotDir.getFileName().toString(), "diff");
    }

    private static String randomLinkName() {
        StringBuilder name = new StringBuilder(LINK_LENGTH);
        for (int i = 0; i < LINK_LENGTH; i++) {
            name.append(LINK_ALPHABET.charAt(RANDOM.nextInt(LINK_ALPHABET.length())));
        }
        return name.toString();
    }
}
