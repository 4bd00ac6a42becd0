package io.ringcast.sse;

import io.netty.channel.EventLoop;
import io.ringcast.engine.DispatchDriver;
import io.ringcast.engine.Engine;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs the engine's dispatcher on one of the server's event loops ({@link DispatchDriver}): a {@code POST /publish}
 * handled on that loop is dispatched right after it, on the same thread, and the streams it reaches are woken with
 * tasks on their own loop, which for a single-loop server is again this one: no thread hand-off between the request
 * and the writes. A publish from elsewhere (another loop, the replication's relay thread) wakes the loop with one
 * task per idle period.
 *
 * <p>Thread-safety: {@link #wakeup()} from any thread; {@link #run()} only on the loop (a task or the housekeeping
 * tick), so {@link Engine#dispatch()} always runs on the same thread as its contract requires.
 */
final class LoopDispatchDriver implements DispatchDriver, Runnable
{
    private final EventLoop loop;
    private volatile Engine engine;

    LoopDispatchDriver(final EventLoop loop)
    {
        this.loop = loop;
    }

    /** Attaches the started engine and schedules the housekeeping tick that the engine's own thread would run. */
    void start(final Engine engine, final long housekeepingIntervalMs)
    {
        this.engine = engine;
        loop.scheduleAtFixedRate(this, housekeepingIntervalMs, housekeepingIntervalMs, TimeUnit.MILLISECONDS);
        wakeup(); // anything published before the engine was attached
    }

    @Override
    public void wakeup()
    {
        try
        {
            loop.execute(this);
        }
        catch (final RejectedExecutionException shutDown)
        {
            // the loop is stopping: the server closed the engine before it stopped its loops, nothing is left to do
        }
    }

    /** Dispatches; when more arrived meanwhile, goes to the back of the loop's queue so that I/O interleaves. */
    @Override
    public void run()
    {
        final Engine e = engine;
        if (e != null && e.dispatch())
        {
            wakeup();
        }
    }
}
