package io.ringcast.systemtest.sse;

import io.ringcast.test.Await;
import io.ringcast.test.sse.SseStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runnable jar, started as its own process the way the README does, and stopped with SIGTERM. */
@Timeout(90)
class ShadedJarTest
{
    static Path serverJar()
    {
        final Path jar = Path.of(System.getProperty("ringcast.server.jar", "../server/target/ringcast-server.jar"));
        assertTrue(Files.isRegularFile(jar), "the shaded server jar exists (built by the reactor): " + jar.toAbsolutePath());
        return jar;
    }

    static Path logDir() throws IOException
    {
        return Files.createDirectories(Path.of(System.getProperty("ringcast.test.logs", "target/system-test-logs")));
    }

    static List<String> javaCommand(final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-Xmx256m");
        command.add("@" + serverJar().toAbsolutePath().getParent().getParent().resolve("jvm.options")); // as the README
        command.add("-jar");
        command.add(serverJar().toAbsolutePath().toString());
        command.addAll(List.of(args));
        return command;
    }

    static int freePort() throws IOException
    {
        try (ServerSocket s = new ServerSocket(0))
        {
            return s.getLocalPort();
        }
    }

    @Test
    void shouldListEveryFlagInHelp() throws Exception
    {
        final File log = logDir().resolve("shaded-jar-help.log").toFile();
        final Process help = new ProcessBuilder(javaCommand("--help")).redirectErrorStream(true)
            .redirectOutput(log).start();
        assertTrue(help.waitFor(30, TimeUnit.SECONDS), "--help returns");
        assertEquals(0, help.exitValue(), Files.readString(log.toPath()));
        final String text = Files.readString(log.toPath());
        for (final String flag : List.of("--bind", "--port", "--ring-size", "--history-size", "--queue-capacity",
            "--heartbeat-ms", "--max-connections", "--jwt-secret", "--jwt-key-file", "--cors-origins",
            "--node-id"))
        {
            assertTrue(text.contains(flag), "--help lists " + flag + ":\n" + text);
        }
    }

    @Test
    void shouldRefuseToListenOnANonLoopbackAddressWithoutAKey() throws Exception
    {
        final File log = logDir().resolve("shaded-jar-insecure.log").toFile();
        final Process server = new ProcessBuilder(javaCommand("--bind", "0.0.0.0", "--port", "0"))
            .redirectErrorStream(true).redirectOutput(log).start();
        try
        {
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server exits instead of listening");
            final String text = Files.readString(log.toPath());
            assertTrue(server.exitValue() != 0, "non-zero exit:\n" + text);
            assertTrue(text.contains("jwt-secret") || text.contains("jwt-key-file"), "the message says what to do:\n" + text);
        }
        finally
        {
            server.destroyForcibly();
        }
    }

    @Test
    void shouldServeARoundTripOnThePortFromTheEnvironmentAndEndStreamsCleanlyOnSigterm() throws Exception
    {
        final int port = freePort();
        final Path log = logDir().resolve("shaded-jar-server.log");
        final ProcessBuilder builder = new ProcessBuilder(javaCommand("--bind", "127.0.0.1"))
            .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("RINGCAST_PORT", Integer.toString(port));
        builder.environment().put("RINGCAST_DATA_DIR", logDir().resolve("shaded-jar-data").toAbsolutePath().toString());
        final Process server = builder.start();
        try (Api api = new Api(port))
        {
            awaitHealthy(api, server, log);
            final SseStream stream = api.subscribe("jar/t");
            final long id = api.publish("jar/t", "{\"from\":\"test\"}");
            assertEquals(id, stream.awaitFrames(1, Duration.ofSeconds(10)).frames().get(0).numericId());

            server.destroy();
            stream.awaitEnd(Duration.ofSeconds(20));
            assertEquals(SseStream.End.COMPLETED, stream.end(), "the stream ended cleanly: " + stream.describe());
            assertTrue(server.waitFor(20, TimeUnit.SECONDS), "the process exits after SIGTERM");
            assertEquals(0, server.exitValue(), "a clean shutdown on SIGTERM exits with 0; see " + log);
        }
        finally
        {
            server.destroyForcibly();
        }
    }

    @Test
    void shouldMintATokenForTheSecretInItsEnvironmentThatTheServerAccepts() throws Exception
    {
        final String secret = "shaded-jar-test-secret-0123456789abcdef";
        final Path tokenLog = logDir().resolve("shaded-jar-token.log");
        final ProcessBuilder mint = new ProcessBuilder(javaCommand("token", "--sub", "alice", "--subscribe", "jar/*",
            "--publish", "jar/t", "--ttl", "10m")).redirectError(tokenLog.toFile());
        mint.environment().put("RINGCAST_JWT_SECRET", secret);
        final Process minting = mint.start();
        final String token = new String(minting.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
            .trim();
        assertTrue(minting.waitFor(30, TimeUnit.SECONDS), "token returns");
        assertEquals(0, minting.exitValue(), Files.readString(tokenLog));
        assertTrue(token.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"), "stdout is one JWT: " + token);
        assertTrue(Files.readString(tokenLog).contains("token for user 'alice'"), "a summary on stderr");

        final int port = freePort();
        final Path log = logDir().resolve("shaded-jar-token-server.log");
        final ProcessBuilder builder = new ProcessBuilder(javaCommand("--port", Integer.toString(port)))
            .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("RINGCAST_JWT_SECRET", secret);
        builder.environment().put("RINGCAST_DATA_DIR", logDir().resolve("shaded-jar-token-data").toAbsolutePath().toString());
        final Process server = builder.start();
        try (Api api = new Api(port))
        {
            awaitHealthy(api, server, log);
            assertEquals(401, api.stream("/events?topic=jar/t").status(), "auth is on");
            final SseStream stream = api.stream("/events?topic=jar/t", "Authorization", "Bearer " + token);
            assertEquals(200, stream.status());
            assertEquals(202, api.post("/publish", "application/json", "{\"topic\":\"jar/t\",\"data\":1}",
                "Authorization", "Bearer " + token).status());
            assertEquals(1, stream.awaitFrames(1, Duration.ofSeconds(10)).frames().size());
        }
        finally
        {
            server.destroy();
            server.waitFor(20, TimeUnit.SECONDS);
            server.destroyForcibly();
        }
    }

    @Test
    void shouldStartWithoutJvmWarningsOnJdk25WithTheOptionsFile() throws Exception
    {
        final Path jdk = Path.of(System.getProperty("ringcast.test.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64"));
        assertTrue(Files.isExecutable(jdk.resolve("bin/java")), "this test needs a JDK 25 at " + jdk + " (for " +
            "example Eclipse Temurin 25); install one there or point -Dringcast.test.jdk25 at it");
        final List<String> command = javaCommand("--port", Integer.toString(freePort()));
        command.set(0, jdk.resolve("bin/java").toString());
        final Path log = logDir().resolve("shaded-jar-jdk25.log");
        final Process server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
            .start();
        try
        {
            Await.until(Duration.ofSeconds(60), "the server on JDK 25 to listen", () ->
            {
                assertTrue(server.isAlive(), "the server process is running; see " + log);
                try
                {
                    return Files.readString(log).contains("ringcast listening on");
                }
                catch (final IOException e)
                {
                    return false;
                }
            });
            server.destroy();
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the process exits after SIGTERM");
            final String output = Files.readString(log);
            assertTrue(!output.contains("WARNING"), "no JVM warnings at start on JDK 25:\n" + output);
        }
        finally
        {
            server.destroyForcibly();
        }
    }

    /** Waits for the server process to answer {@code /healthz} with 200, failing at once if it exits. */
    private static void awaitHealthy(final Api api, final Process server, final Path log)
    {
        Await.until(Duration.ofSeconds(30), "the server process to answer /healthz", () ->
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
    }
}
