package berth.engine;

import berth.oci.errors.CannotInvoke;
import berth.oci.errors.Unavailable;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** crun's reasons for an exec that cannot start, said the way docker (runc) says them, with docker's exit codes. */
class ExecFailureTest {
    private static final String PREFIX = "OCI runtime exec failed: exec failed: unable to start container process: ";

    @Test
    void commandNotInPathIs127() {
        ExecFailure f = ExecFailure.of("x", new CannotInvoke(
                "crun exec: executable file `x` not found in $PATH: No such file or directory", true));
        assertEquals(PREFIX + "exec: \"x\": executable file not found in $PATH: unknown", f.message());
        assertEquals(127, f.exitCode());
    }

    @Test
    void missingPathIs127WithStat() {
        ExecFailure f = ExecFailure.of("/nope", new CannotInvoke(
                "crun exec: executable file `/nope` not found in $PATH: No such file or directory", true));
        assertEquals(PREFIX + "exec: \"/nope\": stat /nope: no such file or directory: unknown", f.message());
        assertEquals(127, f.exitCode());
    }

    @Test
    void fileWithoutExecutePermissionIs126() {
        ExecFailure f = ExecFailure.of("/etc/passwd",
                new CannotInvoke("crun exec: open executable: Permission denied", false));
        assertEquals(PREFIX + "exec: \"/etc/passwd\": permission denied: unknown", f.message());
        assertEquals(126, f.exitCode());
    }

    @Test
    void directoryIs126() {
        ExecFailure f = ExecFailure.of("/etc", new Unavailable("crun exec: open executable: Operation not permitted"));
        assertEquals(PREFIX + "exec: \"/etc\": permission denied: unknown", f.message());
        assertEquals(126, f.exitCode());
    }

    @Test
    void otherFailuresKeepTheRuntimesWordsAnd126() {
        ExecFailure f = ExecFailure.of("sh", new Unavailable("crun exec: chdir `/nope`: No such file or directory"));
        assertEquals(PREFIX + "chdir `/nope`: No such file or directory: unknown", f.message());
        assertEquals(126, f.exitCode());
    }
}
