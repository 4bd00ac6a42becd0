package io.ringcast.systemtest.sse;

import io.ringcast.test.Await;
import io.ringcast.test.sse.SseStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's distribution archive, unpacked into an empty folder and started by its launcher with an environment
 * that has neither Java nor Maven: only {@code tar} unpacks it, and the launcher finds its own runtime. Started, it
 * serves a round trip without a warning on its output, mints a token, and stops cleanly on SIGTERM.
 */
@Timeout(120)
class DistributionTest
{
    @TempDir
    Path empty;

    static Path archive()
    {
        final Path archive = Path.of(System.getProperty("ringcast.server.dist", "missing"));
        assertTrue(Files.isRegularFile(archive), "the distribution archive exists (built by the server module's " +
            "package phase): " + archive.toAbsolutePath());
        return archive;
    }

    private Path unpack() throws Exception
    {
        final Process tar = new ProcessBuilder("tar", "xzf", archive().toAbsolutePath().toString(), "-C",
            empty.toString()).redirectErrorStream(true).start();
        final String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(tar.waitFor(60, TimeUnit.SECONDS) && tar.exitValue() == 0, "tar xzf: " + output);
        try (Stream<Path> top = Files.list(empty))
        {
            final List<Path> folders = top.toList();
            assertEquals(1, folders.size(), "one top folder: " + folders);
            return folders.get(0);
        }
    }

    /** A process of the launcher with a bare environment: a PATH holding only what the launcher script calls. */
    private ProcessBuilder launcher(final Path home, final Path log, final String... args) throws Exception
    {
        final Path tools = Files.createDirectories(empty.resolveSibling(empty.getFileName() + "-tools"));
        for (final String tool : List.of("readlink", "dirname"))
        {
            final Path link = tools.resolve(tool);
            if (!Files.exists(link))
            {
                Files.createSymbolicLink(link, Path.of("/usr/bin", tool));
            }
        }
        final List<String> command = new java.util.ArrayList<>(List.of(home.resolve("bin/ringcast-server").toString()));
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", tools.toString());
        return builder;
    }

    @Test
    void shouldRunFromAnEmptyFolderWithItsOwnRuntimeAndNoMaven() throws Exception
    {
        final Path home = unpack();
        for (final String file : List.of("bin/ringcast-server", "lib/ringcast-server.jar", "conf/jvm.options",
            "conf/ringcast.env", "systemd/ringcast-server.service", "runtime/bin/java", "LICENSE", "NOTICE"))
        {
            assertTrue(Files.exists(home.resolve(file)), "the archive holds " + file);
        }
        assertTrue(Files.isExecutable(home.resolve("bin/ringcast-server")), "the launcher is executable");

        final Path tokenLog = ShadedJarTest.logDir().resolve("dist-token.log");
        final ProcessBuilder mint = launcher(home, tokenLog, "token", "--subscribe", "dist/*", "--publish", "dist/t");
        mint.environment().put("RINGCAST_JWT_SECRET", "distribution-test-secret-0123456789abcdef");
        final Process minting = mint.start();
        assertTrue(minting.waitFor(60, TimeUnit.SECONDS), "token returns");
        assertEquals(0, minting.exitValue(), Files.readString(tokenLog));

        final int port = ShadedJarTest.freePort();
        final Path log = ShadedJarTest.logDir().resolve("dist-server.log");
        final ProcessBuilder start = launcher(home, log);
        start.environment().put("RINGCAST_PORT", Integer.toString(port));
        start.environment().put("RINGCAST_JAVA_OPTS", "-Xms64m -Xmx128m");
        final Process server = start.start();
        try (Api api = new Api(port))
        {
            Await.until(Duration.ofSeconds(60), "the unpacked server to answer /healthz", () ->
            {
                assertTrue(server.isAlive(), "the server process is running; see " + log);
                try
                {
                    return api.get("/healthz").status() == 200;
                }
                catch (final RuntimeException ex)
                {
                    return false;
                }
            });
            final SseStream stream = api.subscribe("dist/t");
            final long id = api.publish("dist/t", "{\"from\":\"the archive\"}");
            assertEquals(id, stream.awaitFrames(1, Duration.ofSeconds(10)).frames().get(0).numericId());
            server.destroy();
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the process exits after SIGTERM");
            assertEquals(0, server.exitValue(), "a clean shutdown exits 0; see " + log);
        }
        finally
        {
            server.destroyForcibly();
        }
        final String output = Files.readString(log);
        assertFalse(output.contains("WARNING"), "a quiet start, no JVM warnings:\n" + output);
        assertTrue(output.contains("ringcast listening on http://127.0.0.1:" + port), output);
    }
}
