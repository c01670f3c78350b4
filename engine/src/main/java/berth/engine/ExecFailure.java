package berth.engine;

import berth.oci.errors.CannotInvoke;
import berth.oci.errors.EngineException;

import java.util.Locale;

/**
 * An exec whose process could not be started, said the way docker says it: runc's wording inside docker's
 * {@code OCI runtime exec failed: ...: unknown}, and docker's exit codes (127 for a command that is not there, 126
 * for one that cannot run). Scripts and the docker CLI match on both.
 */
record ExecFailure(String message, int exitCode, boolean notFound) {
    private static final String PREFIX = "OCI runtime exec failed: exec failed: unable to start container process: ";

    /** The failure of running {@code command} that the runtime reported as {@code error}. */
    static ExecFailure of(String command, EngineException error) {
        String m = error.getMessage().toLowerCase(Locale.ROOT);
        boolean missing = error instanceof CannotInvoke ci ? ci.notFound()
                : m.contains("executable") && (m.contains("not found") || m.contains("no such file"));
        boolean denied = !missing && (error instanceof CannotInvoke || m.contains("open executable")
                && (m.contains("permission denied") || m.contains("operation not permitted")));
        if (missing) {
            String reason = command.contains("/") ? "stat " + command + ": no such file or directory"
                    : "executable file not found in $PATH";
            return new ExecFailure(PREFIX + "exec: \"" + command + "\": " + reason + ": unknown", 127, true);
        }
        if (denied) {
            return new ExecFailure(PREFIX + "exec: \"" + command + "\": permission denied: unknown", 126, false);
        }
        // the runtime's own words, without the "crun exec: " that names it
        String detail = error.getMessage().replaceFirst("^\\S+ exec: ", "");
        return new ExecFailure(PREFIX + detail + ": unknown", 126, false);
    }

    /** The same failure as an API error, for a detached start that has no stream to write it on. */
    CannotInvoke error() {
        return new CannotInvoke(message, notFound);
    }
}
