package io.ringcast.engine;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The retention bookkeeping over the engine's one event storage, the ring: the ring holds {@code storageSlots} events
 * ({@link EngineConfig#ringSize()} in flight plus at least the history behind the dispatcher), and this class decides
 * which dispatched events are still readable and when a slot may be written again.
 * <pre>
 *   ring positions:   ... evicted | retained (readable by queued positions)      | dispatched head | in flight (&lt;= ringSize)
 *                                 ^ tail                ^ resumeTail (history)   ^ head
 * </pre>
 * <ul>
 *     <li>{@code tail}: the oldest retained event. An event is evicted when {@code storageSlots - ringSize} newer ones
 *     have been dispatched, or earlier when the retained bytes would exceed {@code historyMaxBytes}. Eviction touches
 *     a slot only when it is early (the bytes bound) or frees a large event's references ({@link Event#release}):
 *     it then first withdraws the slot's sequence word, so a reader's re-check fails. The slots evicted by the count
 *     bound are left cold, and the next publisher of the slot overwrites them;</li>
 *     <li>{@code resumeTail}: the oldest event a resume may start from, at most {@code historyMaxEvents} behind the
 *     head (the history proper; 0 turns resume from memory off);</li>
 *     <li>the ring's gating sequence, {@code head - (storageSlots - ringSize)}, released once per batch: publishers
 *     claim at most {@code ringSize} beyond the dispatcher, and never a slot that is still retained.</li>
 * </ul>
 * A reader ({@link #copy}) validates a copy with the slot's sequence word and the gating sequence, not the tail: a
 * publisher rewrites slot {@code p} only after the gating sequence reached {@code p}, and the gating sequence is a
 * padded word written once per batch, while the tail moves with nearly every event and would cost every reader a
 * cache miss per delivery.
 *
 * <p>Layout: the storage and the gating sequence (read by every copy) sit a padded cache line apart from the head,
 * tail and byte count (stored by the dispatcher for every event), so a delivery never misses on the line the
 * dispatcher just wrote.
 *
 * <p>Thread-safety: single writer, many readers. Only the dispatcher calls {@link #append} and {@link #endBatch}.
 * Any thread may call {@link #copy}, {@link #head()}, {@link #tail()}, {@link #resumeTail()} and the size methods:
 * the indices are stored with release and read with acquire, and {@link #copy} validates the slot's sequence word and
 * the gating sequence, so a reader always knows whether the event it copied was still there, whole.
 */
final class History extends HistoryIndices
{
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle BYTES;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(HistoryIndicesFields.class, "head", long.class);
            TAIL = lookup.findVarHandle(HistoryIndicesFields.class, "tail", long.class);
            BYTES = lookup.findVarHandle(HistoryIndicesFields.class, "bytes", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int maxEvents;
    private final long maxBytes;
    private final int keep;
    private final int retainedBufferBytes;
    /** Footprint of the event in the same slot; dispatcher-only. Eviction reads this, not the (cold) old event. */
    private final int[] footprints;
    private final int mask;
    /** The follower that must take an event before it is evicted, or {@code null}; set before the engine starts. */
    private FollowerCursor follower;
    /** The follower's position as last read (dispatcher-only); no follower: never a bound. */
    private long followerSeen = Long.MAX_VALUE;
    /** Eviction stopped at the follower's position and waits for it (dispatcher-only). */
    private boolean waitingForFollower;

    /**
     * @param ring     the storage; its size is {@code ringSize + keep}.
     * @param ringSize slots publishers may claim beyond the dispatcher.
     * @param gating   the ring's gating sequence, owned by this history.
     */
    History(final RingBuffer<Event> ring, final int ringSize, final Sequence gating, final int maxEvents,
        final long maxBytes, final int retainedBufferBytes)
    {
        super(ring, gating);
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.keep = ring.getBufferSize() - ringSize;
        this.retainedBufferBytes = retainedBufferBytes;
        this.footprints = new int[ring.getBufferSize()];
        this.mask = ring.getBufferSize() - 1;
    }

    /** @return ring slots needed for {@code ringSize} in flight and {@code historyMaxEvents} retained. */
    static int storageSlots(final int ringSize, final int historyMaxEvents)
    {
        final long needed = (long)ringSize + Math.max(historyMaxEvents, ringSize);
        return (int)Math.min(1 << 30, Long.highestOneBit(needed - 1) << 1);
    }

    /**
     * Before the engine starts: no event is evicted (withdrawn, released, or its slot given back to publishers) before
     * {@code cursor}'s follower has taken it.
     */
    void follow(final FollowerCursor cursor)
    {
        this.follower = cursor;
        this.followerSeen = cursor.position();
    }

    /** Dispatcher only. {@code sequence} must be {@code head() + 1}; the event is complete. */
    void append(final long sequence, final Event event)
    {
        final int footprint = event.footprintBytes();
        final long bytes = evict(sequence, this.bytes + footprint); // plain reads: this is the only writer
        footprints[(int)(sequence & mask)] = footprint;
        BYTES.setRelease(this, bytes);
        HEAD.setRelease(this, sequence);
    }

    /**
     * Dispatcher, in a duty cycle without events: evicts what a follower held back and has taken since, and lets
     * publishers reuse those slots. Cheap when nothing waits for the follower.
     */
    void evictFollowed()
    {
        if (waitingForFollower)
        {
            final long head = this.head;
            BYTES.setRelease(this, evict(head, this.bytes));
            endBatch();
        }
    }

    /**
     * Evicts from the tail while the history holds more than {@code keep} events up to {@code newest}, or more than
     * {@code maxBytes}; never {@code newest} itself, never an event the follower has not taken.
     *
     * @param bytes the retained bytes, {@code newest} included.
     * @return the retained bytes after eviction.
     */
    private long evict(final long newest, final long bytes)
    {
        long retained = bytes;
        final long oldTail = this.tail;
        long tail = oldTail;
        while (true)
        {
            while (tail <= newest - 1 && (newest - tail + 1 > keep || retained > maxBytes))
            {
                if (tail > followerSeen)
                {
                    // only when eviction reaches the position last read: the follower's line is read rarely
                    followerSeen = follower.position();
                    if (tail > followerSeen)
                    {
                        break;
                    }
                }
                retained -= footprints[(int)(tail & mask)];
                tail++;
            }
            if (follower == null || !(tail <= newest - 1 && (newest - tail + 1 > keep || retained > maxBytes)))
            {
                if (waitingForFollower)
                {
                    waitingForFollower = false;
                    follower.stopWaiting();
                }
                break;
            }
            // over a bound, stopped at the follower: it wakes the dispatcher when it moves, unless it moved already
            waitingForFollower = true;
            if (!follower.waitForAdvanceBeyond(followerSeen))
            {
                break;
            }
        }
        if (tail != oldTail)
        {
            TAIL.setRelease(this, tail);
            // slots below newest + 1 - keep are also gated off at the batch's end; earlier ones (the bytes bound) and
            // large ones are withdrawn from readers by their sequence word before anything in them is cleared
            final long countBound = newest + 1 - keep;
            for (long s = oldTail; s < tail; s++)
            {
                final int index = (int)(s & mask);
                final boolean large = footprints[index] > retainedBufferBytes;
                if (large || s >= countBound)
                {
                    ring.get(s).withdraw(large ? retainedBufferBytes : -1);
                }
                footprints[index] = 0;
            }
        }
        return retained;
    }

    /**
     * Dispatcher, end of a batch: lets publishers reuse the slots evicted so far (release store): those more than the
     * history's keep behind the head, and never a slot not yet evicted (a follower may hold eviction back, and an
     * eviction may still withdraw the slot).
     */
    void endBatch()
    {
        gating.set(Math.min(head - keep, tail - 1));
    }

    /** Any thread: @return the highest ring sequence publishers may claim now (acquire read of the gating sequence). */
    long claimLimit()
    {
        return gating.get() + ring.getBufferSize();
    }

    /**
     * Any thread: copies the event at {@code sequence} into {@code view}.
     *
     * @return {@code false} when its slot may have been reused or was withdrawn (evicted early or released), or it is
     *         not yet dispatched: {@code view} must not be used.
     */
    boolean copy(final long sequence, final Event view)
    {
        // copyTo ends with a load-load fence and a re-read of the slot's word (withdrawn before any clearing store);
        // the gating sequence is read after that: a publisher's rewrite the copy could have seen comes after the
        // dispatcher's release of a gating sequence at or beyond this position
        return sequence >= 0 && ring.get(sequence).copyTo(sequence, view) && sequence > gating.get();
    }

    /**
     * Any thread: {@code true} when the event at {@code sequence} is still retained: its slot is still dispatched as
     * {@code sequence} (acquire) and publishers may not claim it yet (acquire of the gating sequence, read after). A
     * copy that {@link #copy} validated earlier is then still that event's, so it may be delivered without copying
     * again; {@code false} means the event was evicted (or withdrawn) since, and a reader counts a drop.
     */
    boolean isRetained(final long sequence)
    {
        return ring.get(sequence).isDispatchedAs(sequence) && sequence > gating.get();
    }

    /** @return a new view for a reader of this history's events: it knows their local origin (the engine's node id). */
    Event newView()
    {
        return new Event(ring.get(0).localOrigin);
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

    /** @return the oldest sequence a resume may replay from memory: at most {@code historyMaxEvents} behind the head. */
    long resumeTail()
    {
        final long head = head();
        return Math.max(tail(), head + 1 - maxEvents);
    }

    /** @return events held in the history (resumable). */
    long size()
    {
        final long head = head();
        return Math.max(0, head - resumeTail() + 1);
    }

    /** @return estimated bytes retained. */
    long bytes()
    {
        return (long)BYTES.getAcquire(this);
    }
}

/**
 * What every reader of the history loads on each copy (the storage and its gating sequence): written once, at
 * construction, and kept a cache line apart from the indices the dispatcher stores for every event, so a delivery's
 * copy never misses on a line the dispatcher just wrote (Agrona's padding, done once here).
 */
abstract class HistoryStorageFields
{
    final RingBuffer<Event> ring;
    final Sequence gating;

    HistoryStorageFields(final RingBuffer<Event> ring, final Sequence gating)
    {
        this.ring = ring;
        this.gating = gating;
    }
}

abstract class HistoryStoragePadding extends HistoryStorageFields
{
    long p01, p02, p03, p04, p05, p06, p07;

    HistoryStoragePadding(final RingBuffer<Event> ring, final Sequence gating)
    {
        super(ring, gating);
    }
}

/** The dispatcher-written indices of {@link History}; see it for their memory order. */
abstract class HistoryIndicesFields extends HistoryStoragePadding
{
    long head = -1;
    long tail;
    long bytes;

    HistoryIndicesFields(final RingBuffer<Event> ring, final Sequence gating)
    {
        super(ring, gating);
    }
}

abstract class HistoryIndices extends HistoryIndicesFields
{
    long p11, p12, p13, p14, p15, p16, p17;

    HistoryIndices(final RingBuffer<Event> ring, final Sequence gating)
    {
        super(ring, gating);
    }
}
