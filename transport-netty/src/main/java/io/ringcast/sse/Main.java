package io.ringcast.sse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar ringcast-server.jar [flags]}: parses flags ({@link CommandLine}), starts a {@link RingcastServer}
 * and closes it gracefully on SIGTERM / SIGINT through a shutdown hook. Exit codes: 2 for invalid flags or settings,
 * 1 when the server cannot start, 0 after a clean shutdown.
 */
public final class Main
{
    private Main()
    {
    }

    public static void main(final String[] args)
    {
        if (CommandLine.wantsHelp(args))
        {
            System.out.print(CommandLine.help());
            return;
        }
        final ServerConfig config;
        try
        {
            config = CommandLine.parse(args, System.getenv());
            config.validate();
        }
        catch (final IllegalArgumentException | CommandLine.UsageException e)
        {
            System.err.println("ringcast-server: " + e.getMessage());
            System.err.println("Run with --help for the list of flags.");
            System.exit(2);
            return;
        }
        final Logger log = LoggerFactory.getLogger(Main.class);
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
            log.error("cannot start: {}", e.getMessage(), e);
            System.err.println("ringcast-server: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            server.close();
            stopped.countDown();
        }, "ringcast-shutdown"));
        try
        {
            stopped.await();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }
}
