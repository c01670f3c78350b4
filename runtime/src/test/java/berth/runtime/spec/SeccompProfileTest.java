package berth.runtime.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeccompProfileTest {

    /** The syscalls a profile allows without conditions on their arguments. */
    private static List<String> allowed(ObjectNode profile) {
        List<String> names = new ArrayList<>();
        for (JsonNode rule : profile.path("syscalls")) {
            if (rule.path("action").asText().equals("SCMP_ACT_ALLOW") && !rule.has("args")) {
                rule.path("names").forEach(n -> names.add(n.asText()));
            }
        }
        return names;
    }

    @Test
    void defaultCapabilitiesMayNotMountUnshareOrUseKeyrings() {
        List<String> allowed = allowed(SeccompProfile.forCapabilities(Capabilities.DEFAULT));
        assertTrue(allowed.containsAll(List.of("read", "openat", "execve", "fchmodat2")), allowed.toString());
        for (String refused : List.of("mount", "umount2", "unshare", "setns", "keyctl", "pivot_root", "reboot")) {
            assertFalse(allowed.contains(refused), refused);
        }
    }

    @Test
    void sysAdminAllowsMountAndUnshare() {
        List<String> caps = new ArrayList<>(Capabilities.DEFAULT);
        caps.add("CAP_SYS_ADMIN");
        List<String> allowed = allowed(SeccompProfile.forCapabilities(caps));
        assertTrue(allowed.containsAll(List.of("mount", "umount2", "unshare", "setns")), allowed.toString());
    }

    @Test
    void cloneIsAllowedOnlyWithoutNamespaceFlagsUnlessSysAdmin() {
        String clone = "";
        for (JsonNode rule : SeccompProfile.forCapabilities(Capabilities.DEFAULT).path("syscalls")) {
            if (rule.path("names").toString().contains("\"clone\"")) {
                clone = rule.toString();
            }
        }
        assertTrue(clone.contains("SCMP_CMP_MASKED_EQ"), clone);
    }

    @Test
    void kernelVersionComparesMajorThenMinor() {
        assertEquals(new KernelVersion(6, 18), KernelVersion.parse("6.18.44-fc-v782"));
        assertEquals(new KernelVersion(4, 8), KernelVersion.parse("4.8"));
        assertTrue(KernelVersion.parse("6.1.0-18-amd64").compareTo(KernelVersion.parse("4.8")) > 0);
        assertTrue(KernelVersion.parse("4.4.0").compareTo(KernelVersion.parse("4.8")) < 0);
    }
}
