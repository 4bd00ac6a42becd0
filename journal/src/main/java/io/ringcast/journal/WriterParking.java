package io.ringcast.journal;

import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.lang.invoke.VarHandle;
import java.util.function.BooleanSupplier;

/**
 * The wake-up handshake between the journal's writer and the dispatcher that fills its ring: the writer announces
 * that it is about to park, then reads the ring again; the dispatcher commits to the ring, fences, then reads the
 * announcement. Either the writer sees the committed record and does not park, or the dispatcher sees the
 * announcement and unparks it: a record never waits in the ring while the writer sleeps idle.
 *
 * <p>Two ways to park: {@link #LINGERING} (while events flow: the park ends by itself after the write interval, so
 * the dispatcher wakes it only when the ring is past its wake threshold or a durable wait is pending) and
 * {@link #IDLE} (nothing to do: the dispatcher wakes it after its next commit).
 *
 * <p>Thread-safety: {@link #mayPark} and {@link #running} on the writer thread; {@link #afterCommit} on the dispatcher
 * thread; {@link #wakeIfParked} on any thread after a full fence following its own store. The state is a volatile
 * field (a volatile store, then the ring's volatile loads, on the writer; a full fence between the ring's ordered
 * store and the volatile load of the state on the dispatcher).
 */
final class WriterParking
{
    /** Not parked. */
    static final int RUNNING = 0;
    /** Parking for at most the write interval; woken early past the wake threshold or for a pending sync. */
    static final int LINGERING = 1;
    /** Parking with nothing to write; woken after the dispatcher's next commit. */
    static final int IDLE = 2;

    private final RingBuffer ring;
    private final int wakeBytes;
    private final BooleanSupplier writePending;
    private final Runnable unpark;
    private volatile int state;

    /**
     * @param ring      the ring the dispatcher fills and the writer drains.
     * @param wakeBytes how full the ring must be for a lingering writer to be woken early.
     * @param writePending whether a durable wait or a reader needs records the writer has not written yet (read by the
     *                     dispatcher, only while the writer lingers).
     * @param unpark    unparks the writer thread ({@code LockSupport.unpark}).
     */
    WriterParking(final RingBuffer ring, final int wakeBytes, final BooleanSupplier writePending, final Runnable unpark)
    {
        this.ring = ring;
        this.wakeBytes = wakeBytes;
        this.writePending = writePending;
        this.unpark = unpark;
    }

    /**
     * Writer thread: announces a park ({@link #LINGERING} or {@link #IDLE}), then reads the ring again.
     *
     * @return {@code true} when the writer may park (and must call {@link #running} after): lingering, while the ring
     *         is below the wake threshold; idle, while it is empty. {@code false}: it has records to write now.
     */
    boolean mayPark(final boolean linger)
    {
        state = linger ? LINGERING : IDLE;
        final int size = ring.size();
        return linger ? size < wakeBytes : size == 0;
    }

    /** Writer thread: back from a park (or from an announcement it did not follow). */
    void running()
    {
        state = RUNNING;
    }

    /**
     * Dispatcher thread, after its batch's commits: fences, then unparks the writer if it announced an idle park, or
     * a linger while the ring is past the wake threshold or a durable wait needs what it holds.
     *
     * @return whether it unparked the writer.
     */
    boolean afterCommit()
    {
        VarHandle.fullFence(); // the ring's ordered commit before the load of the state
        final int s = state;
        if (s == IDLE || s == LINGERING && (ring.size() >= wakeBytes || writePending.getAsBoolean()))
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
