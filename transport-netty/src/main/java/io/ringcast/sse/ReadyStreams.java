package io.ringcast.sse;

import io.netty.util.concurrent.FastThreadLocal;
import io.ringcast.engine.Engine;
import io.ringcast.engine.EventReader;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The streams of one event loop that the engine has woken ({@link SseStream#onAvailable()}) and that have not drained
 * yet, with the one task that drains them. A dispatcher pass that reaches a hundred streams on a loop enqueues one
 * task on that loop, not a hundred: the first wake-up after a drain schedules the task, later ones only add their
 * stream to the bounded queue. The task takes the streams queued when it starts (streams woken meanwhile wait for the
 * next task, so the loop's I/O interleaves) and runs each one's drain, which writes and flushes that stream once.
 *
 * <p>Bounded: {@value #CAPACITY} streams wait in the queue; a wake-up that finds it full schedules its stream as a
 * task of its own, as without this class. A stream may be queued twice (woken again after a drain outside this task):
 * its second drain finds nothing, which is harmless.
 *
 * <p>Also the loop's scratch {@link FrameBatch}, so a stream holds it in a final field instead of storing it per
 * drain, and the loop's {@link EventReader}: every stream on the loop drains through it, so an event that reaches a
 * hundred of the loop's streams is copied out of the engine's storage once, and a stream keeps no copy of its own.
 *
 * <p>Thread-safety: {@link #wake} from any thread (the dispatcher, a replay thread, the loop itself); {@link #run()},
 * {@link #batch()} and {@link #reader} on the loop only. One instance per event loop, found with {@link #of}.
 */
final class ReadyStreams implements Runnable
{
    /** Streams waiting per loop before a wake-up falls back to a task of its own. */
    static final int CAPACITY = 4096;

    private static final FastThreadLocal<ReadyStreams> LOCAL = new FastThreadLocal<>();

    private final Executor loop;
    private final ManyToOneConcurrentArrayQueue<Runnable> queue = new ManyToOneConcurrentArrayQueue<>(CAPACITY);
    /** 1 while a drain task is scheduled and has not started taking streams. */
    private final AtomicInteger scheduled = new AtomicInteger();
    private final FrameBatch batch = new FrameBatch();
    private Engine readerEngine;
    private EventReader reader;

    /** @param loop runs this task, on one thread; use {@link #of} for an event loop (constructor: tests). */
    ReadyStreams(final Executor loop)
    {
        this.loop = loop;
    }

    /**
     * @param loop the calling thread's event loop (call on it).
     * @return the loop's instance.
     */
    static ReadyStreams of(final Executor loop)
    {
        ReadyStreams r = LOCAL.get();
        if (r == null || r.loop != loop)
        {
            // first stream on this loop (a thread that runs several executors, as tests' embedded channels do, keeps
            // the last one's)
            r = new ReadyStreams(loop);
            LOCAL.set(r);
        }
        return r;
    }

    /** @return the loop's scratch batch; loop only. */
    FrameBatch batch()
    {
        return batch;
    }

    /**
     * @return the loop's reader of {@code engine}'s subscriptions, created on first use; {@code null} when the loop
     *         already reads another engine's (a loop serves one server's engine; tests may share loops), and the
     *         stream then drains its subscription directly. Loop only.
     */
    EventReader reader(final Engine engine)
    {
        if (reader == null)
        {
            reader = engine.reader();
            readerEngine = engine;
        }
        return readerEngine == engine ? reader : null;
    }

    /** Queues {@code stream}'s drain on the loop; any thread. */
    void wake(final Runnable stream)
    {
        try
        {
            if (!queue.offer(stream))
            {
                loop.execute(stream);
                return;
            }
            if (scheduled.get() == 0 && scheduled.compareAndSet(0, 1))
            {
                loop.execute(this);
            }
        }
        catch (final RejectedExecutionException shutDown)
        {
            // the loop is stopping: its channels are closing, nothing is left to write
        }
    }

    /** Drains every stream queued when it starts; loop only. */
    @Override
    public void run()
    {
        // from here on a wake-up schedules a new task, so no stream queued after the count below is left waiting
        scheduled.set(0);
        for (int n = queue.size(); n > 0; n--)
        {
            final Runnable stream = queue.poll();
            if (stream == null)
            {
                // counted but not yet stored by its producer, which may have seen this task still scheduled: come
                // back for it rather than leave it waiting for another wake-up
                if (scheduled.getAndSet(1) == 0)
                {
                    loop.execute(this);
                }
                return;
            }
            stream.run();
        }
    }
}
