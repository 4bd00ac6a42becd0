package io.ringcast.engine;

import org.agrona.UnsafeApi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded single-producer single-consumer queue of ring positions ({@code long}), growing on demand: it starts
 * with {@link #INITIAL_CAPACITY} entries and doubles, up to its capacity, when the producer finds it full, so an idle
 * subscription costs a few dozen bytes instead of its whole capacity.
 *
 * <p>Thread-safety: one producer thread (the dispatcher) calls {@link #offer}; one consumer thread at a time calls
 * {@link #available}, {@link #peek} and {@link #advance}. Memory order, per field:
 * <ul>
 *     <li>{@code tail}: written by the producer with release after the entry (and, on growth, after the new array),
 *     read by the consumer with acquire;</li>
 *     <li>{@code head}: written by the consumer with release once per {@link #advance} (a batch), read by the producer
 *     with acquire only when its cached copy says the queue is full;</li>
 *     <li>{@code buffer}: replaced by the producer (plain store ordered by the next release of {@code tail}); the
 *     consumer reads it after its acquire of {@code tail}, so it sees an array holding every entry below that tail.
 *     Growth copies the unread entries to the same logical indices, and the producer never writes to an array it has
 *     replaced;</li>
 *     <li>{@code refused}: offers refused because the queue was full; written by the producer (opaque), read by any
 *     thread. The successful offers need no counter of their own: they are {@code tail}.</li>
 * </ul>
 * The tail (with the producer's other fields, among them its own copies of the capacity and of the array reference)
 * and the consumer's head and array reference ({@code buffer}, changed only on growth) sit on separate cache lines
 * through {@link PaddedProducerConsumerIndices}: an offer reads and writes only the producer's line and the array.
 */
final class PositionQueue extends PaddedProducerConsumerIndices
{
    static final int INITIAL_CAPACITY = 4;
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
        this.buffer = initial;
    }

    /**
     * Producer: appends {@code position}.
     *
     * @return {@code false} when the queue holds {@code capacity} entries (counted in {@link #refused()}).
     */
    boolean offer(final long position)
    {
        final long tail = this.tail; // plain: the producer's own fields, all on one line
        if (tail - headCache > producerMask || tail - headCache >= capacity)
        {
            headCache = (long)HEAD.getAcquire(this);
            if (tail - headCache >= capacity)
            {
                REFUSED.setOpaque(this, refused + 1);
                return false;
            }
            if (tail - headCache > producerMask)
            {
                grow(producerBuffer, headCache, tail);
            }
        }
        // no bounds check (it would read the array's header line): the index is masked to the array's length
        UnsafeApi.putLong(producerBuffer, LONG_ARRAY_BASE + ((long)((int)tail & producerMask) << 3), position);
        TAIL.setRelease(this, tail + 1);
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
        BUFFER.setOpaque(this, grown); // published to the consumer by the release store of tail that follows
    }

    /** Consumer: @return entries ready to read now (acquire of the producer's tail). */
    int available()
    {
        return (int)((long)TAIL.getAcquire(this) - head);
    }

    /** Consumer, after {@link #available()}: the entry {@code index} places after the head. */
    long peek(final int index)
    {
        final long[] buffer = (long[])BUFFER.getOpaque(this);
        return buffer[(int)(head + index) & (buffer.length - 1)];
    }

    /** Consumer: releases {@code count} read entries to the producer (one release store per batch). */
    void advance(final int count)
    {
        HEAD.setRelease(this, head + count);
    }

    /** Consumer or any thread (approximate from a non-consumer): @return {@code true} when no entry is waiting. */
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
