package berth.runtime.spec;

import berth.oci.errors.InvalidArgument;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Linux capabilities as docker grants them: a default set, {@code --cap-add}/{@code --cap-drop} with or without the
 * {@code CAP_} prefix and the word {@code ALL}, bounded by what the daemon itself may grant.
 */
public final class Capabilities {
    /** Every capability, indexed by its number. */
    public static final List<String> ALL = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
            "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
            "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
            "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
            "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
            "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
            "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
            "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");

    /** Docker's default set. */
    public static final List<String> DEFAULT = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
            "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    private Capabilities() {}

    /**
     * The capabilities of a container: all grantable ones when privileged, otherwise docker's rule — {@code ALL} in
     * adds grants everything but the drops; {@code ALL} in drops keeps only the adds; else defaults − drops + adds.
     * Capabilities outside {@code grantable} (the daemon's bounding set) are left out: nobody could grant them.
     */
    public static List<String> effective(List<String> add, List<String> drop, boolean privileged, Set<String> grantable) {
        List<String> adds = normalize(add);
        List<String> drops = normalize(drop);
        Set<String> result = new LinkedHashSet<>();
        if (privileged || adds.contains("ALL")) {
            result.addAll(ALL);
            if (!privileged) {
                result.removeAll(drops);
            }
        } else if (drops.contains("ALL")) {
            result.addAll(adds);
        } else {
            result.addAll(DEFAULT);
            result.removeAll(drops);
            result.addAll(adds);
        }
        List<String> out = new ArrayList<>();
        for (String c : result) {
            if (grantable.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /** Upper-cased, {@code CAP_}-prefixed names (except {@code ALL}); unknown names fail as docker's do. */
    public static List<String> normalize(List<String> names) {
        List<String> out = new ArrayList<>();
        if (names == null) {
            return out;
        }
        for (String raw : names) {
            String n = raw.trim().toUpperCase(Locale.ROOT);
            if (n.equals("ALL")) {
                out.add(n);
                continue;
            }
            if (!n.startsWith("CAP_")) {
                n = "CAP_" + n;
            }
            if (!ALL.contains(n)) {
                throw new InvalidArgument("unknown capability: \"" + n + "\"");
            }
            out.add(n);
        }
        return out;
    }
}
