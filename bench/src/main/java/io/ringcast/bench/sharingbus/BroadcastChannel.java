package io.ringcast.bench.sharingbus;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A Java port of the parts of {@code tokio::sync::broadcast} that the reference design's SharingBus relies on, kept to tokio's
 * structure: a ring of {@code capacity} slots, each behind its own read/write lock, a tail (write position and
 * receiver count) behind a mutex, {@link #send} that never blocks and overwrites the oldest slot, and a receiver that,
 * having fallen more than {@code capacity} behind, is told {@link Lagged how many} events it missed and resumes at the
 * oldest retained one. Each slot counts the receivers still to read it and drops its value after the last one.
 *
 * <p>Thread-safety: {@link #send} from any thread; a {@link Receiver} belongs to one thread.
 *
 * @param <T> the value type.
 */
public final class BroadcastChannel<T>
{
    /** Returned by {@link Receiver#tryRecv()} when nothing is ready. */
    public static final Object EMPTY = new Object();

    /** Returned by {@link Receiver#tryRecv()} when the receiver lagged: {@code missed} events were overwritten. */
    public record Lagged(long missed)
    {
    }

    private final Slot<T>[] buffer;
    private final int mask;
    private final ReentrantLock tailLock = new ReentrantLock();
    private long tailPos;
    private int receiverCount;
    /** Stands in for tokio's waker list: the tail position as of the last send, for idle receivers to watch. */
    private volatile long sentPos;

    @SuppressWarnings("unchecked")
    public BroadcastChannel(final int capacity)
    {
        final int cap = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
        buffer = new Slot[cap];
        for (int i = 0; i < cap; i++)
        {
            buffer[i] = new Slot<>(i - (long)cap);
        }
        mask = cap - 1;
    }

    /** @return a receiver positioned at the current tail (it sees values sent from now on). */
    public Receiver<T> subscribe()
    {
        tailLock.lock();
        try
        {
            receiverCount++;
            return new Receiver<>(this, tailPos);
        }
        finally
        {
            tailLock.unlock();
        }
    }

    /**
     * Sends to every receiver; never blocks.
     *
     * @return {@code false} when there are no receivers (tokio's {@code SendError}; the value is dropped).
     */
    public boolean send(final T value)
    {
        tailLock.lock();
        try
        {
            if (receiverCount == 0)
            {
                return false;
            }
            final long pos = tailPos;
            final Slot<T> slot = buffer[(int)(pos & mask)];
            tailPos = pos + 1;
            final ReentrantReadWriteLock.WriteLock write = slot.lock.writeLock();
            write.lock();
            try
            {
                slot.pos = pos;
                slot.rem.set(receiverCount);
                slot.val = value;
            }
            finally
            {
                write.unlock();
            }
            sentPos = pos + 1;
            return true;
        }
        finally
        {
            tailLock.unlock();
        }
    }

    private static final class Slot<T>
    {
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        final AtomicInteger rem = new AtomicInteger();
        long pos;
        T val;

        Slot(final long pos)
        {
            this.pos = pos;
        }
    }

    /**
     * One receiving end. Single-threaded.
     *
     * @param <T> the value type.
     */
    public static final class Receiver<T>
    {
        private final BroadcastChannel<T> channel;
        private long next;

        Receiver(final BroadcastChannel<T> channel, final long next)
        {
            this.channel = channel;
            this.next = next;
        }

        /** @return {@code true} when a send happened past this receiver's position (a cheap wake-up check). */
        public boolean maybeReady()
        {
            return channel.sentPos > next;
        }

        /**
         * tokio's {@code recv_ref}: the next value, {@link #EMPTY}, or a {@link Lagged}.
         *
         * @return a {@code T}, {@link #EMPTY} or a {@link Lagged}.
         */
        public Object tryRecv()
        {
            final BroadcastChannel<T> ch = channel;
            final int idx = (int)(next & ch.mask);
            final Slot<T> slot = ch.buffer[idx];
            ReentrantReadWriteLock.ReadLock read = slot.lock.readLock();
            read.lock();
            if (slot.pos != next)
            {
                // tokio releases the slot lock before taking the tail lock: send takes tail, then slot.
                read.unlock();
                ch.tailLock.lock();
                try
                {
                    read.lock();
                    if (slot.pos != next)
                    {
                        final long nextPos = slot.pos + ch.buffer.length;
                        if (nextPos == next)
                        {
                            read.unlock();
                            return EMPTY;
                        }
                        final long oldest = ch.tailPos - ch.buffer.length;
                        final long missed = oldest - next;
                        if (missed != 0)
                        {
                            next = oldest;
                            read.unlock();
                            return new Lagged(missed);
                        }
                    }
                }
                finally
                {
                    ch.tailLock.unlock();
                }
            }
            try
            {
                next++;
                final T value = slot.val;
                if (slot.rem.getAndDecrement() == 1)
                {
                    slot.val = null;
                }
                return value;
            }
            finally
            {
                read.unlock();
            }
        }
    }
}
