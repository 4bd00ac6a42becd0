package io.ringcast.journal;

import java.lang.invoke.VarHandle;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The wake-up handshake between the journal's writer and the dispatcher whose events it takes: the writer announces
 * that it is about to park, then reads how many dispatched events wait for it; the dispatcher, once it finds its ring
 * drained after a busy period, fences, then reads the announcement ({@link #afterBusy}). Either the writer sees the
 * events and does not park, or the dispatcher sees the announcement and unparks it: an event never waits for a writer
 * asleep idle. At the end of each batch the dispatcher reads the announcement without a fence ({@link #afterDispatch}):
 * that wakes a writer lingering while many events or a durable wait need it, early, and an idle one at once in most
 * cases; the fenced check once per busy period closes the race a batch-end read can lose.
 *
 * <p>Two ways to park: {@link #LINGERING} (while events flow: the park ends by itself after the write interval, so
 * the dispatcher wakes it only when the wake threshold of events waits or a durable wait is pending) and
 * {@link #IDLE} (nothing to do: the dispatcher wakes it after its next batch).
 *
 * <p>Thread-safety: {@link #mayPark} and {@link #running} on the writer thread; {@link #afterDispatch} and
 * {@link #afterBusy} on the dispatcher thread; {@link #wakeIfParked} on any thread after a full fence following its own store;
 * {@link #setWakeThreshold} before the engine starts. The state is a volatile field with a full fence after the
 * writer's store; in {@link #afterBusy} the dispatcher fences between its head's release store and its load of the
 * state.
 */
final class WriterParking
{
    /** Not parked. */
    static final int RUNNING = 0;
    /** Parking for at most the write interval; woken early past the wake threshold or for a pending sync. */
    static final int LINGERING = 1;
    /** Parking with nothing to write; woken after the dispatcher's next batch. */
    static final int IDLE = 2;

    private final LongSupplier waiting;
    private final BooleanSupplier writePending;
    private final Runnable unpark;
    private volatile long wakeEvents = Long.MAX_VALUE;
    private volatile int state;
    /** A batch was dispatched since the last {@link #afterBusy} (dispatcher-only). */
    private boolean busy;

    /**
     * @param waiting      events dispatched and not yet taken by the writer (any thread).
     * @param writePending whether a durable wait or a reader needs records the writer has not written yet (read by the
     *                     dispatcher, only while the writer lingers).
     * @param unpark       unparks the writer thread ({@code LockSupport.unpark}).
     */
    WriterParking(final LongSupplier waiting, final BooleanSupplier writePending, final Runnable unpark)
    {
        this.waiting = waiting;
        this.writePending = writePending;
        this.unpark = unpark;
    }

    /** @param events how many waiting events end a linger early (a fraction of the engine's ring). */
    void setWakeThreshold(final long events)
    {
        this.wakeEvents = events;
    }

    /**
     * Writer thread: announces a park ({@link #LINGERING} or {@link #IDLE}), then reads the waiting events again.
     *
     * @return {@code true} when the writer may park (and must call {@link #running} after): lingering, while fewer
     *         than the wake threshold wait; idle, while none does. {@code false}: it has events to write now.
     */
    boolean mayPark(final boolean linger)
    {
        state = linger ? LINGERING : IDLE;
        VarHandle.fullFence(); // StoreLoad: the state before the (acquire) read of the dispatcher's head
        final long n = waiting.getAsLong();
        return linger ? n < wakeEvents : n == 0;
    }

    /** Writer thread: back from a park (or from an announcement it did not follow). */
    void running()
    {
        state = RUNNING;
    }

    /**
     * Dispatcher thread, at the end of a batch (its head stored), without a fence: unparks the writer if it announced
     * an idle park, or a linger while the wake threshold of events waits or a durable wait needs what was dispatched.
     *
     * @return whether it unparked the writer.
     */
    boolean afterDispatch()
    {
        busy = true;
        return wakeIfNeeded();
    }

    /**
     * Dispatcher thread, in a duty cycle that found the ring drained: after a busy period (a batch since the last call),
     * fences, then does what {@link #afterDispatch} does. Cheap otherwise.
     *
     * @return whether it unparked the writer.
     */
    boolean afterBusy()
    {
        if (!busy)
        {
            return false;
        }
        busy = false;
        VarHandle.fullFence(); // StoreLoad: the head's release store before the load of the state
        return wakeIfNeeded();
    }

    private boolean wakeIfNeeded()
    {
        final int s = state;
        if (s == IDLE || s == LINGERING && (waiting.getAsLong() >= wakeEvents || writePending.getAsBoolean()))
        {
            unpark.run();
            return true;
        }
        return false;
    }

    /** Any thread, after a full fence following its own store: unparks the writer if it announced any park. */
    void wakeIfParked()
    {
        if (state != RUNNING)
        {
            unpark.run();
        }
    }
}
