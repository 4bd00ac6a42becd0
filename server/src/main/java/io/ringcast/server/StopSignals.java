package io.ringcast.server;

import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a stop request that the main thread acts on, so that a clean shutdown exits with
 * status 0. The JVM's own handlers run the shutdown hooks and then exit with 128 + the signal's number (143 for
 * SIGTERM), which process supervisors such as systemd count as a failure unless told otherwise.
 *
 * <p>Uses {@code sun.misc.Signal} (module {@code jdk.unsupported}, present in every OpenJDK build), as the JDK's own
 * shutdown handling does. Where a signal cannot be handled (the JVM runs with {@code -Xrs}, or the module is absent),
 * the JVM's default stays for it, and {@link Main}'s shutdown hook still closes the server.
 *
 * <p>Threads: {@link #install} from the main thread; the callback runs on the JVM's signal dispatch thread.
 */
final class StopSignals
{
    private StopSignals()
    {
    }

    /**
     * @param onStop called on SIGTERM or SIGINT, possibly more than once; must be quick and must not block.
     * @return {@code true} when SIGTERM is handled by {@code onStop}, {@code false} when the JVM's default applies.
     */
    static boolean install(final Runnable onStop)
    {
        final boolean term = handle("TERM", onStop);
        handle("INT", onStop);
        return term;
    }

    private static boolean handle(final String name, final Runnable onStop)
    {
        try
        {
            Signal.handle(new Signal(name), signal -> onStop.run());
            return true;
        }
        catch (final IllegalArgumentException | UnsupportedOperationException | LinkageError e)
        {
            return false;
        }
    }
}
