package berth.runtime;

import berth.oci.container.HostConfig;
import berth.oci.errors.CannotInvoke;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Attached exec sessions under conmon in a real container: output from the first byte, stdin, a pty. */
class ExecSessionTest {
    private ContainerFixture fx;
    private String id;

    @BeforeEach
    void container() throws Exception {
        fx = new ContainerFixture();
        id = fx.newId();
        fx.create(id, List.of("sleep", "100"), ContainerFixture.config(false, false), HostConfig.EMPTY);
        fx.runtime.start(id);
    }

    @AfterEach
    void cleanup() throws Exception {
        fx.close();
    }

    @Test
    void attachedExecDeliversAllOutputAndReadsStdinToEof() throws Exception {
        var process = ExecSession.processFor(fx.bundle(id), List.of("sh", "-c", "echo first; cat; echo err >&2; exit 4"),
                false, List.of(), null);
        ContainerLifecycleTest.Collector c = new ContainerLifecycleTest.Collector();
        try (ExecSession s = fx.conmon.exec(id, id + "-e1", process, fx.runtime, true, c)) {
            AttachSocket a = s.attach().orElseThrow();
            a.writeStdin("typed\n".getBytes(StandardCharsets.UTF_8));
            a.closeStdin();
            assertEquals(4, s.awaitExit());
            assertTrue(a.awaitEnd(Duration.ofSeconds(10)));
            assertEquals("first\ntyped\n", c.out());
            assertEquals("err\n", c.err());
        }
    }

    /**
     * On runc: crun (1.8.1, and its exec code to this day) sets an exec's console size only after it has let the
     * process start, so a command that reads its size at once may find 0x0 there; runc sets it first.
     */
    @Test
    void terminalExecStartsAtItsConsoleSizeAndFollowsResize() throws Exception {
        fx.close();
        fx = new ContainerFixture("runc");
        fx.create(id, List.of("sleep", "100"), ContainerFixture.config(false, false), HostConfig.EMPTY);
        fx.runtime.start(id);
        var process = ExecSession.processFor(fx.bundle(id), List.of("sh", "-c",
                "stty size; while read l; do [ \"$l\" = q ] && exit 0; stty size; done"), true, List.of(), null);
        ExecSession.consoleSize(process, 33, 77);
        ContainerLifecycleTest.Collector c = new ContainerLifecycleTest.Collector();
        try (ExecSession s = fx.conmon.exec(id, id + "-e2", process, fx.runtime, true, c)) {
            AttachSocket a = s.attach().orElseThrow();
            for (int i = 0; i < 100 && !c.out().contains("\n"); i++) {
                Thread.sleep(20);
            }
            Conmon.resize(s.dir(), 20, 60);
            // the resize reaches the pty asynchronously: ask for the size until it shows
            for (int i = 0; i < 100 && !c.out().contains("20 60"); i++) {
                a.writeStdin("\n".getBytes(StandardCharsets.UTF_8));
                Thread.sleep(50);
            }
            a.writeStdin("q\n".getBytes(StandardCharsets.UTF_8));
            assertEquals(0, s.awaitExit());
            assertTrue(a.awaitEnd(Duration.ofSeconds(10)));
            assertTrue(c.out().startsWith("33 77\r\n"), c.out());
            assertTrue(c.out().contains("20 60\r\n"), c.out());
        }
    }

    @Test
    void missingCommandIsCannotInvokeAndLeavesNoSessionDirectory() {
        var process = ExecSession.processFor(fx.bundle(id), List.of("no-such-command"), false, List.of(), null);
        CannotInvoke e = assertThrows(CannotInvoke.class, () -> fx.conmon.exec(id, id + "-e3", process, fx.runtime,
                false, new ContainerLifecycleTest.Collector()));
        assertTrue(e.notFound(), e.getMessage());
        assertFalse(Files.exists(fx.work.resolve("run/exec").resolve(id + "-e3")));
    }

    @Test
    void execEnvEntriesReplaceTheContainersOwn() {
        var process = ExecSession.processFor(fx.bundle(id), List.of("true"), false, List.of("PATH=/x", "NEW=1"), null);
        List<String> env = new java.util.ArrayList<>();
        process.path("env").forEach(n -> env.add(n.asText()));
        assertEquals(1, env.stream().filter(e -> e.startsWith("PATH=")).count(), env.toString());
        assertTrue(env.contains("PATH=/x") && env.contains("NEW=1"), env.toString());
    }
}
