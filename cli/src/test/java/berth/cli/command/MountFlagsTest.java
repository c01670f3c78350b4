package berth.cli.command;

import berth.cli.UserException;
import berth.cli.format.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MountFlagsTest {

    @Test
    void vEntriesWithASourceAreBindsAndTheRestConfigVolumes() {
        List<String> binds = new ArrayList<>();
        Map<String, Object> anonymous = new LinkedHashMap<>();
        MountFlags.volumes(List.of("/a:/b:ro", "name:/c", "/anon", "./rel:/d"), binds, anonymous);
        assertEquals(List.of("/a:/b:ro", "name:/c", Path.of("rel").toAbsolutePath() + ":/d"), binds);
        assertEquals(Map.of("/anon", Map.of()), anonymous);
    }

    @Test
    void malformedVEntriesFailBeforeTheDaemonIsAsked() {
        assertEquals("invalid spec: a::b: empty section between colons",
                assertThrows(UserException.class, () -> MountFlags.volumeSource("a::b")).getMessage());
        assertEquals("invalid spec: /a:/b:ro:x: too many colons",
                assertThrows(UserException.class, () -> MountFlags.volumeSource("/a:/b:ro:x")).getMessage());
        assertEquals("invalid empty volume spec",
                assertThrows(UserException.class, () -> MountFlags.volumeSource("")).getMessage());
    }

    @Test
    void mountValuesBecomeTheApisMountObjects() {
        assertEquals("{\"Type\":\"bind\",\"Source\":\"/h\",\"Target\":\"/c\",\"ReadOnly\":true,"
                + "\"BindOptions\":{\"Propagation\":\"rslave\"}}",
                Json.write(MountFlags.mount("type=bind,source=/h,target=/c,readonly,bind-propagation=rslave")));
        assertEquals("{\"Type\":\"volume\",\"Source\":\"v\",\"Target\":\"/d\",\"VolumeOptions\":{\"NoCopy\":true,"
                + "\"Labels\":{\"a\":\"b\"},\"DriverConfig\":{\"Name\":\"local\",\"Options\":{\"type\":\"tmpfs\","
                + "\"o\":\"size=1m,uid=1\"}}}}",
                Json.write(MountFlags.mount("src=v,dst=/d,volume-nocopy,volume-label=a=b,volume-driver=local,"
                        + "volume-opt=type=tmpfs,\"volume-opt=o=size=1m,uid=1\"")));
        assertEquals("{\"Type\":\"tmpfs\",\"Target\":\"/t\",\"TmpfsOptions\":{\"SizeBytes\":2097152,\"Mode\":1023}}",
                Json.write(MountFlags.mount("type=tmpfs,destination=/t,tmpfs-size=2m,tmpfs-mode=1777")));
        assertEquals("{\"Type\":\"volume\",\"Target\":\"/x\",\"ReadOnly\":true}",
                Json.write(MountFlags.mount("target=/x,ro=true")));
    }

    @Test
    void malformedMountValuesAreRefusedInTheDockerClisWords() {
        assertMount("target is required", "type=bind,src=/a");
        assertMount("invalid field 'bogus' must be a key=value pair", "type=bind,bogus,dst=/a");
        assertMount("unexpected key 'colour' in 'colour=red'", "dst=/a,colour=red");
        assertMount("cannot mix 'bind-*' options with mount type 'volume'", "dst=/a,bind-propagation=rslave");
        assertMount("cannot mix 'volume-*' options with mount type 'tmpfs'", "type=tmpfs,dst=/a,volume-nocopy");
        assertMount("cannot mix 'tmpfs-*' options with mount type 'bind'", "type=bind,src=/a,dst=/a,tmpfs-size=1m");
        assertMount("invalid value for tmpfs-size: lots", "type=tmpfs,dst=/a,tmpfs-size=lots");
        assertMount("invalid value for tmpfs-mode: 999", "type=tmpfs,dst=/a,tmpfs-mode=999");
        assertMount("invalid value for readonly: maybe", "dst=/a,readonly=maybe");
        assertMount("type is required", "type=,dst=/a");
        assertMount("extraneous or missing \" in quoted-field", "\"dst=/a");
    }

    private static void assertMount(String message, String value) {
        assertEquals("invalid argument \"" + value + "\" for \"--mount\" flag: " + message,
                assertThrows(UserException.class, () -> MountFlags.mount(value)).getMessage());
    }
}
