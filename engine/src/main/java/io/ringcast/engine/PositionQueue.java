package io.ringcast.engine;

import org.agrona.UnsafeApi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded single-producer single-consumer queue of ring positions ({@code long}), growing on demand: it starts
 * with {@link #INITIAL_CAPACITY} entries and doubles, up to its capacity, when the producer finds it full, so an idle
 * subscription costs a few dozen bytes instead of its whole capacity.
 *
 * <p>The consumer never reads the producer's index. An entry holds its position plus one, and the positions offered
 * to one queue only ever increase (the dispatcher offers each event's position once, in ring order), so an entry is
 * there exactly when it holds more than the last one taken: an array slot that was never written holds 0, and one
 * left from the array's previous lap holds an older position. The consumer's poll for new entries therefore reads
 * only the line of the entry itself, which it has to read anyway, and not the producer's line, which each offer
 * writes (measured: a consumer that checked the tail before draining cost the minimal Disruptor+Agrona design 10-30 %
 * of its throughput routing over 10,000 subscriptions, three alternated runs; docs/BENCHMARKS.md).
 *
 * <p>Thread-safety: one producer thread (the dispatcher) calls {@link #offer}; one consumer thread at a time calls
 * {@link #peek}, {@link #holds} and {@link #advance}; {@link #size}, {@link #isEmpty}, {@link #offered},
 * {@link #refused}, {@link #removedCount} and {@link #allocatedCapacity} may be called from any thread. Memory order,
 * per field:
 * <ul>
 *     <li>an entry: written by the producer with release (after the event it names was stored, and after the array
 *     was published on growth), read by the consumer with acquire; the consumer never writes one;</li>
 *     <li>{@code tail}: the producer's count of entries written, stored with release after the entry: not read on the
 *     consumer's path, only by the empty check of the wake-up handshake ({@link #isEmpty}) and by metrics;</li>
 *     <li>{@code head}: written by the consumer with release once per {@link #advance} (a batch), after its reads of
 *     the entries taken; read by the producer with acquire only when its cached copy says the queue is full. The
 *     producer writes an array slot only once {@code head} has passed the entry it held;</li>
 *     <li>{@code buffer}: replaced by the producer with release on growth, after copying the unread entries to the
 *     same logical indices; the consumer reads it again with acquire when its array shows no new entry, so it moves to
 *     the new array when the producer writes there. The producer never writes to an array it has replaced;</li>
 *     <li>{@code refused}: offers refused because the queue was full; written by the producer (opaque), read by any
 *     thread. The successful offers need no counter of their own: they are {@code tail}.</li>
 * </ul>
 * The tail (with the producer's other fields, among them its own copies of the capacity and of the array reference)
 * and the consumer's fields sit on separate cache lines through {@link PaddedProducerConsumerIndices}: an offer reads
 * and writes only the producer's line and the array.
 */
final class PositionQueue extends PaddedProducerConsumerIndices
{
    static final int INITIAL_CAPACITY = 4;
    /** {@link #peek}: no entry there. */
    static final long NONE = -1;
    private static final long LONG_ARRAY_BASE = UnsafeApi.arrayBaseOffset(long[].class);
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle BUFFER;
    private static final VarHandle REFUSED;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(ConsumerIndexField.class, "head", long.class);
            TAIL = lookup.findVarHandle(ProducerIndexField.class, "tail", long.class);
            BUFFER = lookup.findVarHandle(ConsumerIndexField.class, "buffer", long[].class);
            REFUSED = lookup.findVarHandle(ProducerIndexField.class, "refused", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** @param capacity the most entries it may hold, at least 1. */
    PositionQueue(final int capacity)
    {
        this.capacity = capacity;
        final long[] initial =
            new long[Math.min(INITIAL_CAPACITY, Integer.highestOneBit(Math.max(1, capacity - 1)) << 1)];
        this.producerBuffer = initial;
        this.producerMask = initial.length - 1;
        this.producerLimit = Math.min(capacity, initial.length);
        this.buffer = initial;
        this.consumerBuffer = initial;
    }

    /**
     * Producer: appends {@code position}.
     *
     * @param position at least 0, and more than every position accepted before (what lets the consumer tell a new
     *                 entry from an old one); a refused position may be offered again.
     * @return {@code false} when the queue holds {@code capacity} entries (counted in {@link #refused()}).
     * @throws IllegalArgumentException when {@code position} is not more than the last one accepted.
     */
    boolean offer(final long position)
    {
        if (position <= lastOffered)
        {
            throw new IllegalArgumentException(
                "positions must increase: offered " + position + " after " + lastOffered);
        }
        final long tail = this.tail; // plain: the producer's own fields, all on one line
        if (tail >= producerLimit && !makeRoom(tail))
        {
            REFUSED.setOpaque(this, refused + 1);
            return false;
        }
        lastOffered = position;
        // no bounds check (it would read the array's header line): the index is masked to the array's length
        UnsafeApi.putLongRelease(producerBuffer, LONG_ARRAY_BASE + ((long)((int)tail & producerMask) << 3), position + 1);
        TAIL.setRelease(this, tail + 1);
        return true;
    }

    /**
     * Producer: appends {@code positions[0..count)} in order, as many as fit; the rest are refused (counted in
     * {@link #refused()}), as {@link #offer(long)} would refuse each of them. The producer's fields are read once and
     * the tail stored once per stretch of free entries, not once per position.
     *
     * @param positions increasing, the first more than every position accepted before.
     * @return how many were appended: the first that many of {@code positions}.
     * @throws IllegalArgumentException when {@code positions[0]} is not more than the last one accepted.
     */
    int offer(final long[] positions, final int count)
    {
        if (count == 0)
        {
            return 0;
        }
        if (positions[0] <= lastOffered)
        {
            throw new IllegalArgumentException(
                "positions must increase: offered " + positions[0] + " after " + lastOffered);
        }
        long tail = this.tail;
        int accepted = 0;
        while (accepted < count && (tail < producerLimit || makeRoom(tail)))
        {
            final int stretch = (int)Math.min(producerLimit - tail, count - accepted);
            final long[] buffer = producerBuffer;
            final int mask = producerMask;
            for (int i = 0; i < stretch; i++)
            {
                UnsafeApi.putLongRelease(buffer, LONG_ARRAY_BASE + ((long)((int)tail & mask) << 3),
                    positions[accepted++] + 1);
                tail++;
            }
            TAIL.setRelease(this, tail);
        }
        if (accepted != 0)
        {
            lastOffered = positions[accepted - 1];
        }
        if (accepted != count)
        {
            REFUSED.setOpaque(this, refused + (count - accepted));
        }
        return accepted;
    }

    /**
     * Producer, when the tail reached the limit its cached head allows: reads the consumer's head again and grows the
     * array when that is what holds the offer back.
     *
     * @return {@code false} when the queue holds {@code capacity} entries.
     */
    private boolean makeRoom(final long tail)
    {
        final long head = (long)HEAD.getAcquire(this);
        headCache = head;
        if (tail - head >= capacity)
        {
            producerLimit = head + Math.min(capacity, producerMask + 1);
            return false;
        }
        if (tail - head > producerMask)
        {
            grow(producerBuffer, head, tail);
        }
        producerLimit = head + Math.min(capacity, producerMask + 1);
        return true;
    }

    private void grow(final long[] old, final long head, final long tail)
    {
        final long[] grown = new long[old.length << 1];
        for (long i = head; i < tail; i++)
        {
            grown[(int)i & (grown.length - 1)] = old[(int)i & (old.length - 1)];
        }
        producerBuffer = grown;
        producerMask = grown.length - 1;
        BUFFER.setRelease(this, grown); // after the copies: a consumer that reads it sees them
    }

    /**
     * Consumer: the position {@code index} entries past the head, read in order within one drain: {@code index} is 0
     * on the first call after {@link #advance} and one more than the previous call's on each next one.
     *
     * @return the position, or {@link #NONE} when the producer has not written that entry (yet).
     */
    long peek(final int index)
    {
        final long after = index == 0 ? lastTaken : lastPeeked;
        final long position = head + index;
        long[] array = consumerBuffer;
        long entry = UnsafeApi.getLongAcquire(array, LONG_ARRAY_BASE + ((long)((int)position & (array.length - 1)) << 3));
        if (entry <= after)
        {
            final long[] published = (long[])BUFFER.getAcquire(this);
            if (published == array)
            {
                return NONE;
            }
            array = published; // grown: it holds every entry the old array held, and the producer writes only there
            consumerBuffer = array;
            entry = UnsafeApi.getLongAcquire(array, LONG_ARRAY_BASE + ((long)((int)position & (array.length - 1)) << 3));
            if (entry <= after)
            {
                return NONE;
            }
        }
        lastPeeked = entry;
        return entry - 1;
    }

    /**
     * Consumer: whether at least {@code count} entries are there past the head.
     */
    boolean holds(final int count)
    {
        if (count <= 0)
        {
            return true;
        }
        final long[] array = (long[])BUFFER.getAcquire(this);
        if (count > array.length)
        {
            return false;
        }
        final long position = head + count - 1;
        // the entries are written in order with release, so the last one there means all before it are
        return UnsafeApi.getLongAcquire(array, LONG_ARRAY_BASE + ((long)((int)position & (array.length - 1)) << 3)) >
            lastTaken;
    }

    /** Consumer: takes the first {@code count} entries read by {@link #peek}, every one of them read. */
    void advance(final int count)
    {
        if (count > 0)
        {
            lastTaken = lastPeeked;
            HEAD.setRelease(this, head + count);
        }
    }

    boolean isEmpty()
    {
        return (long)TAIL.getAcquire(this) == (long)HEAD.getAcquire(this);
    }

    /** Any thread: @return entries waiting (approximate while both sides run). */
    int size()
    {
        return (int)Math.max(0, (long)TAIL.getAcquire(this) - (long)HEAD.getAcquire(this));
    }

    /** Any thread: @return entries ever accepted by {@link #offer} (opaque read of the tail). */
    long offered()
    {
        return (long)TAIL.getOpaque(this);
    }

    /** Any thread: @return offers ever refused because the queue was full. */
    long refused()
    {
        return (long)REFUSED.getOpaque(this);
    }

    /** Producer: @return its own count of refused offers (plain read). */
    long refusedByProducer()
    {
        return refused;
    }

    /** Any thread: @return entries the consumer has taken in all (its progress, for abandonment checks). */
    long removedCount()
    {
        return (long)HEAD.getAcquire(this);
    }

    /** Any thread: @return entries the array can hold now, before growing (for memory tests). */
    int allocatedCapacity()
    {
        return ((long[])BUFFER.getOpaque(this)).length;
    }
}
