package berth.store.layer;

/**
 * How a layer's whiteouts ({@code .wh.NAME}, {@code .wh..wh..opq}) are applied. {@link #OVERLAY} keeps them as
 * overlayfs reads them, for a layer unpacked into its own upper directory; {@link #VFS} carries them out, for a
 * layer unpacked onto a full copy of its parent.
 */
public enum WhiteoutMode {
    /** {@code .wh.NAME} becomes a 0:0 character device, the opaque marker the xattr {@code trusted.overlay.opaque=y}. */
    OVERLAY,
    /** {@code .wh.NAME} deletes NAME; the opaque marker deletes what the directory held before this layer. */
    VFS
}
