package io.ringcast.relay.pg;

import java.lang.invoke.VarHandle;

/**
 * The outbox writer's park handshake with the dispatcher: the writer announces that it is about to park and fences,
 * then checks for work again (its queue, the newest local id); the dispatcher stores its work (a queue offer, the
 * newest local id), fences, then reads the announcement. Either the writer sees the work or the dispatcher sees the
 * announcement and unparks it: a local event never waits while the writer sleeps.
 *
 * <p>Thread-safety: {@link #announcePark} and {@link #running} on the writer thread; {@link #signal} on the
 * dispatcher thread after its stores; {@link #wakeIfParked} on any thread. The flag is volatile and both sides fence
 * between their store and their load (StoreLoad).
 */
final class WriterWakeUp
{
    private final Runnable unpark;
    private volatile boolean parked;

    /** @param unpark unparks the writer thread ({@code LockSupport.unpark}); must tolerate a writer not started yet. */
    WriterWakeUp(final Runnable unpark)
    {
        this.unpark = unpark;
    }

    /** Writer thread: announces a park and fences; the caller then re-checks its work and parks only if there is none. */
    void announcePark()
    {
        parked = true;
        VarHandle.fullFence(); // StoreLoad: the announcement before the re-check of the work
    }

    /** Writer thread: back from the park (or from an announcement it did not follow). */
    void running()
    {
        parked = false;
    }

    /**
     * Dispatcher thread, after storing its work: fences and unparks the writer if it announced a park.
     *
     * @return whether it unparked the writer.
     */
    boolean signal()
    {
        VarHandle.fullFence(); // StoreLoad: the work before the load of the announcement
        if (parked)
        {
            unpark.run();
            return true;
        }
        return false;
    }

    /** Any thread: unparks the writer if it announced a park (a hint: the writer also wakes by itself). */
    void wakeIfParked()
    {
        if (parked)
        {
            unpark.run();
        }
    }
}
