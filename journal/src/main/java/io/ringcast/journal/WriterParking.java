package io.ringcast.journal;

import java.lang.invoke.VarHandle;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The wake-up handshake between the journal's writer and the dispatcher whose events it takes: the writer announces
 * that it is about to park, then reads how many dispatched events wait for it; the dispatcher stores its new head,
 * fences, then reads the announcement. Either the writer sees the events and does not park, or the dispatcher sees the
 * announcement and unparks it: an event never waits for a writer asleep idle.
 *
 * <p>Two ways to park: {@link #LINGERING} (while events flow: the park ends by itself after the write interval, so
 * the dispatcher wakes it only when the wake threshold of events waits or a durable wait is pending) and
 * {@link #IDLE} (nothing to do: the dispatcher wakes it after its next batch).
 *
 * <p>Thread-safety: {@link #mayPark} and {@link #running} on the writer thread; {@link #afterDispatch} on the
 * dispatcher thread; {@link #wakeIfParked} on any thread after a full fence following its own store;
 * {@link #setWakeThreshold} before the engine starts. The state is a volatile field with a full fence after the
 * writer's store; the dispatcher fences between its head's release store and its load of the state.
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
     * Dispatcher thread, at the end of a batch (its head stored): fences, then unparks the writer if it announced an
     * idle park, or a linger while the wake threshold of events waits or a durable wait needs what was dispatched.
     *
     * @return whether it unparked the writer.
     */
    boolean afterDispatch()
    {
        VarHandle.fullFence(); // StoreLoad: the head's release store before the load of the state
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

    /** @return the announced state, for the writer's own decisions. */
    int state()
    {
        return state;
    }
}
