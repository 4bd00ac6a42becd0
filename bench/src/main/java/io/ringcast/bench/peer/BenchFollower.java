package io.ringcast.bench.peer;

import io.ringcast.engine.Event;
import io.ringcast.engine.EventFollower;
import io.ringcast.engine.FollowerCursor;

import java.util.concurrent.locks.LockSupport;

/**
 * A stand-in for the journal's writer in the journal-overhead study: an {@link EventFollower} on a thread of its own
 * that takes every dispatched event where it lies and hands it to a {@link Sink} (nothing at all, or Chronicle Queue),
 * paced like the journal's writer with its default settings: it takes what is there, then parks for the journal's
 * write interval (1 ms) unless a whole poll's worth was waiting. It never wakes the dispatcher and is never woken by
 * it: with a 1 ms park and a storage of 65,536 events it falls behind far enough to hold publishers back only above
 * 65 million events/s.
 *
 * <p>Comparing the engine with this follower and a sink that does nothing against the engine alone measures what the
 * follower's mechanism costs (a fourth thread on the cores, the gating sequence); with the Chronicle Queue sink, what
 * the best-known Java journal (memory-mapped, no system call per write) costs in the journal's place.
 *
 * <p>Thread-safety: {@link #attach} and {@link #close} on the thread that starts and stops the engine; the sink is
 * called on the follower's thread only.
 */
final class BenchFollower implements EventFollower, AutoCloseable
{
    /** What the follower does with each event, on its thread. */
    interface Sink extends AutoCloseable
    {
        /** Follower thread, before the first event. */
        default void open()
        {
        }

        /** @param event the stored event, valid during the call only. */
        void write(Event event);

        @Override
        default void close()
        {
        }
    }

    /** The journal's default write interval. */
    private static final long PARK_NS = 1_000_000L;
    /** Events taken per poll at most (the engine's ring size). */
    private static final int POLL_LIMIT = 16_384;

    private final Sink sink;
    private final Thread thread;
    private final FollowerCursor.Handler handler;
    private volatile boolean running = true;
    private FollowerCursor cursor;

    BenchFollower(final String name, final Sink sink)
    {
        this.sink = sink;
        this.handler = event ->
        {
            sink.write(event);
            return true;
        };
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    @Override
    public void attach(final FollowerCursor cursor)
    {
        this.cursor = cursor;
        thread.start();
    }

    @Override
    public void onDispatched()
    {
    }

    private void run()
    {
        sink.open();
        while (running)
        {
            if (cursor.poll(handler, POLL_LIMIT) < POLL_LIMIT)
            {
                LockSupport.parkNanos(this, PARK_NS);
            }
        }
    }

    @Override
    public void close()
    {
        running = false;
        try
        {
            thread.join(5_000);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        if (cursor != null)
        {
            cursor.detach();
        }
        sink.close();
    }
}
