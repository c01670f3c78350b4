package berth.registry.server;

import berth.oci.Digest;
import berth.oci.errors.InvalidArgument;

import java.util.regex.Pattern;

/** What a manifest URL names after {@code /manifests/}: a tag, or a digest. */
public sealed interface ManifestReference {
    Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

    record Tag(String name) implements ManifestReference {
        public Tag {
            if (!TAG.matcher(name).matches()) {
                throw ErrorCode.MANIFEST_INVALID.with("invalid tag: \"" + name + "\"");
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    record ByDigest(Digest digest) implements ManifestReference {
        @Override
        public String toString() {
            return digest.toString();
        }
    }

    /** A reference with a ':' is a digest, anything else a tag. */
    static ManifestReference parse(String text) {
        return text.contains(":") ? new ByDigest(digest(text)) : new Tag(text);
    }

    /** Parses a digest from a URL or header, failing with the spec's DIGEST_INVALID. */
    static Digest digest(String text) {
        try {
            return Digest.parse(text);
        } catch (InvalidArgument e) {
            throw ErrorCode.DIGEST_INVALID.with(e.getMessage());
        }
    }
}
