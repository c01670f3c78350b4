package berth.registry.client;

import berth.oci.Descriptor;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A platform as {@code --platform} names it ({@code linux}, {@code linux/arm64}, {@code linux/arm/v7}), normalised
 * as containerd does ({@code aarch64} is {@code arm64}, {@code x86_64} is {@code amd64}, arm64's variant is
 * {@code v8} by default), and the choice of a manifest for it from an image index.
 */
public record Platform(String os, String architecture, String variant) {
    public static final Platform DEFAULT = new Platform("linux", "amd64", null);

    /** Parses {@code os[/arch[/variant]]}; null or empty is {@link #DEFAULT}. */
    public static Platform parse(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT;
        }
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("/", -1);
        if (parts.length > 3 || List.of(parts).contains("")) {
            throw new InvalidArgument("invalid platform: \"" + text + "\"");
        }
        String os = parts[0];
        String arch = parts.length > 1 ? normaliseArch(parts[1]) : DEFAULT.architecture();
        String variant = parts.length > 2 ? parts[2] : null;
        return new Platform(os, arch, variant);
    }

    private static String normaliseArch(String arch) {
        return switch (arch) {
            case "x86_64", "x86-64" -> "amd64";
            case "aarch64" -> "arm64";
            case "i386", "i686" -> "386";
            case "armhf", "armel" -> "arm";
            default -> arch;
        };
    }

    /** Whether an index entry's platform is this one; a missing variant matches the architecture's default. */
    public boolean matches(Descriptor.Platform p) {
        if (p == null || !os.equals(p.os()) || !architecture.equals(normaliseArch(String.valueOf(p.architecture())))) {
            return false;
        }
        if (variant == null) {
            return p.variant() == null || p.variant().equals(defaultVariant());
        }
        return variant.equals(p.variant()) || (p.variant() == null && variant.equals(defaultVariant()));
    }

    private String defaultVariant() {
        return switch (architecture) {
            case "arm64" -> "v8";
            case "arm" -> "v7";
            default -> null;
        };
    }

    /** The entry of {@code manifests} for this platform (the first, as docker takes). */
    public Optional<Descriptor> select(List<Descriptor> manifests) {
        return manifests.stream().filter(m -> matches(m.platform())).findFirst();
    }

    /** Like {@link #select}, failing as docker does when the index has no manifest for this platform. */
    public Descriptor require(List<Descriptor> manifests) {
        return select(manifests).orElseThrow(() -> new NotFound(
                "no matching manifest for " + this + " in the manifest list entries"));
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
