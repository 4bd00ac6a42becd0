package io.ringcast.server;

import io.ringcast.sse.RingcastServer;
import io.ringcast.sse.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar ringcast-server.jar [flags]}: parses flags ({@link CommandLine}), starts a {@link RingcastServer}
 * and closes it gracefully on SIGTERM / SIGINT ({@link StopSignals}; a shutdown hook covers every other way out).
 * {@code java.util.logging} (used by the PostgreSQL relay) is routed into SLF4J / logback. {@code ringcast-server token
 * ...} prints a JWT for the configured key instead ({@link TokenMinter}). Exit codes: 2 for invalid flags or settings,
 * 1 when the server cannot start, 0 after a clean shutdown (and after {@code --help}, {@code --version}, {@code token}).
 */
public final class Main
{
    private Main()
    {
    }

    public static void main(final String[] args)
    {
        final ServerConfig config;
        try
        {
            final CommandLine.Request request = CommandLine.read(args, System.getenv());
            switch (request.action())
            {
                case PRINT ->
                {
                    System.out.print(request.text());
                    return;
                }
                case TOKEN ->
                {
                    final Instant now = Instant.now();
                    final String token = TokenMinter.mint(request.config(), request.token(), now);
                    System.err.println("ringcast-server: token for " +
                        (request.token().subject() == null ? "no user" : "user '" + request.token().subject() + "'") +
                        ", subscribe " + request.token().subscribe() + ", publish " + request.token().publish() +
                        ", expires " + now.plus(request.token().ttl()).truncatedTo(ChronoUnit.SECONDS));
                    System.out.println(token);
                    return;
                }
                default -> config = request.validatedConfig();
            }
        }
        catch (final IllegalArgumentException | CommandLine.UsageException e)
        {
            System.err.println("ringcast-server: " + e.getMessage());
            System.err.println("Run with --help for the list of flags.");
            System.exit(2);
            return;
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        final Logger log = LoggerFactory.getLogger(Main.class);
        final boolean g1 = ManagementFactory.getGarbageCollectorMXBeans().stream()
            .anyMatch(b -> b.getName().startsWith("G1"));
        if (g1 && missesJvmOptions(ManagementFactory.getRuntimeMXBean().getInputArguments(),
            Runtime.version().feature()))
        {
            log.info("started without server/jvm.options (java @server/jvm.options -jar ...): on " +
                "this JDK, G1's concurrent card refinement costs about a quarter of the server's CPU with many sparse " +
                "streams (docs/BENCHMARKS.md, \"JVM options\")");
        }
        final RingcastServer server;
        try
        {
            server = RingcastServer.start(config);
        }
        catch (final IllegalArgumentException e)
        {
            System.err.println("ringcast-server: " + e.getMessage());
            System.exit(2);
            return;
        }
        catch (final RuntimeException e)
        {
            log.error("cannot start: {}", e.getMessage());
            log.debug("start failure", e);
            System.exit(1);
            return;
        }
        // any way out of the JVM closes the server; close() runs once, whoever calls it first
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "ringcast-shutdown"));
        final CountDownLatch stopRequested = new CountDownLatch(1);
        if (!StopSignals.install(stopRequested::countDown))
        {
            log.debug("SIGTERM left to the JVM: a clean shutdown exits with 143");
        }
        try
        {
            stopRequested.await(); // without our handler the hook closes the server and the JVM exits meanwhile
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        server.close();
        System.exit(0);
    }

    /**
     * @return {@code true} on a JDK whose G1 the options file tunes (17 to 19) started without the file's options;
     *         the caller checks that G1 is the collector in use.
     */
    static boolean missesJvmOptions(final List<String> jvmArguments, final int jdkFeature)
    {
        return jdkFeature < 20 && !jvmArguments.contains("-XX:-G1UseAdaptiveConcRefinement");
    }
}
