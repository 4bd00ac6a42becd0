package io.ringcast.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The bounded in-memory history: the most recent events by ring sequence, limited by count and by an estimate of
 * retained bytes. When either bound would be exceeded the oldest events are evicted (their slots cleared, so the
 * memory is really released).
 *
 * <p>Thread-safety: single writer, many readers. Only the dispatcher thread calls {@link #append}. Any thread may
 * call {@link #get}, {@link #head()}, {@link #tail()} and the size methods without locks: slots are written with
 * release and read with acquire semantics, and an event carries its own id, so a reader that finds a slot cleared or
 * reused knows the sequence it asked for has been evicted.
 */
final class History
{
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Event[].class);
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle BYTES;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(History.class, "head", long.class);
            TAIL = lookup.findVarHandle(History.class, "tail", long.class);
            BYTES = lookup.findVarHandle(History.class, "bytes", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Event[] slots;
    /** Footprint of the event in the same slot; dispatcher-only. Eviction reads this, not the (cold) old event. */
    private final int[] footprints;
    private final int mask;
    private final int maxEvents;
    private final long maxBytes;
    private final long idBase;
    private long head = -1;
    private long tail;
    private long bytes;

    History(final int maxEvents, final long maxBytes, final long idBase)
    {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.idBase = idBase;
        final int capacity = maxEvents == 0 ? 1 : Integer.highestOneBit(Math.max(1, maxEvents - 1)) << 1;
        this.slots = new Event[Math.max(1, capacity)];
        this.footprints = new int[slots.length];
        this.mask = slots.length - 1;
    }

    /** Dispatcher thread only. {@code sequence} must be {@code head() + 1}. */
    void append(final long sequence, final Event event)
    {
        if (maxEvents == 0)
        {
            TAIL.setRelease(this, sequence + 1);
            HEAD.setRelease(this, sequence);
            return;
        }
        final int footprint = event.footprintBytes();
        long bytes = this.bytes + footprint;
        long tail = this.tail;
        // plain reads: this is the only writer
        while (tail <= sequence - 1 && (sequence - tail + 1 > maxEvents || bytes > maxBytes))
        {
            final int index = (int)(tail & mask);
            bytes -= footprints[index];
            footprints[index] = 0;
            SLOTS.setRelease(slots, index, (Event)null);
            tail++;
        }
        TAIL.setRelease(this, tail);
        footprints[(int)(sequence & mask)] = footprint;
        SLOTS.setRelease(slots, (int)(sequence & mask), event);
        BYTES.setRelease(this, bytes);
        HEAD.setRelease(this, sequence);
    }

    /**
     * @param sequence a ring sequence.
     * @return the event at that sequence, or {@code null} when it has been evicted or not yet appended.
     */
    Event get(final long sequence)
    {
        if (sequence < 0)
        {
            return null;
        }
        final Event e = (Event)SLOTS.getAcquire(slots, (int)(sequence & mask));
        return e != null && e.id == idBase + sequence ? e : null;
    }

    /** @return the sequence of the newest appended event, -1 before the first. */
    long head()
    {
        return (long)HEAD.getAcquire(this);
    }

    /** @return the sequence of the oldest retained event (equals {@code head() + 1} when empty). */
    long tail()
    {
        return (long)TAIL.getAcquire(this);
    }

    /** @return events retained. */
    long size()
    {
        final long t = tail();
        final long h = head();
        return Math.max(0, h - t + 1);
    }

    /** @return estimated bytes retained. */
    long bytes()
    {
        return (long)BYTES.getAcquire(this);
    }
}
