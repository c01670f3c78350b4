package berth.runtime.spec;

/**
 * A Linux kernel release as {@code major.minor} ({@code 6.1.0-18-amd64} is 6.1), enough to decide the seccomp rules
 * that name a {@code minKernel}.
 */
record KernelVersion(int major, int minor) implements Comparable<KernelVersion> {

    /** The leading {@code major.minor} of {@code release}; what does not parse counts as 0. */
    static KernelVersion parse(String release) {
        String[] parts = release.split("[.\\-+]", 3);
        return new KernelVersion(number(parts, 0), number(parts, 1));
    }

    private static int number(String[] parts, int i) {
        if (i >= parts.length) {
            return 0;
        }
        String digits = parts[i].replaceAll("\\D.*", "");
        return digits.isEmpty() ? 0 : Integer.parseInt(digits);
    }

    @Override
    public int compareTo(KernelVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }
}
