package io.ringcast.engine;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An {@link EventFollower}'s position in the engine's one storage: the ring sequence of the last event it took. The
 * position is a gating sequence of the ring (publishers never rewrite a slot the follower has not read) and bounds the
 * history's eviction (the dispatcher never withdraws or releases an event the follower has not read), so the follower
 * reads each event in place, in ring order, once the dispatcher has stamped and dispatched it, with no copy made for
 * it on the dispatcher.
 *
 * <p>When the history had to stop evicting at the follower's position (its count or byte bound wants more room while
 * the follower is behind), the dispatcher raises a flag and re-reads the position; the follower, after storing a new
 * position, reads the flag and, when raised, wakes the dispatcher ({@link #onAdvanced}). A Dekker handshake, a full
 * barrier on each side between its store and its load: either the dispatcher sees the new position, or the follower
 * sees the flag and wakes it, so publishers waiting for the evicted slots never wait for a parked dispatcher.
 *
 * <p>Thread-safety: {@link #poll} on the follower's one thread; {@link #lag}, {@link #lastDispatchedId},
 * {@link #capacity} and {@link #detach} on any thread; the package-private eviction methods on the dispatcher thread.
 * The position is stored with a full barrier after the events it covers were read (a volatile store); the dispatched
 * head is read with acquire, so the follower sees every field the publisher and the dispatcher wrote.
 */
public final class FollowerCursor
{
    /** Takes one event; {@code false} leaves it (and every later one) for the next poll. */
    @FunctionalInterface
    public interface Handler
    {
        /**
         * @param event the stored event, valid during the call only (read it, never keep it).
         * @return whether it was taken.
         */
        boolean onEvent(Event event);
    }

    private static final VarHandle EVICTION_WAITING;

    static
    {
        try
        {
            EVICTION_WAITING = MethodHandles.lookup().findVarHandle(FollowerCursor.class, "evictionWaiting", boolean.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RingBuffer<Event> ring;
    private final History history;
    private final long idBase;
    private final int capacity;
    private final Runnable wakeDispatcher;
    /** The last sequence taken; a padded Disruptor sequence, also one of the ring's gating sequences. */
    final Sequence position = new Sequence(-1);
    /** Raised by the dispatcher while the history waits for the follower to evict (see the class comment). */
    @SuppressWarnings("unused") // accessed through EVICTION_WAITING
    private volatile boolean evictionWaiting;
    private volatile boolean detached;

    FollowerCursor(
        final RingBuffer<Event> ring, final History history, final long idBase, final int capacity,
        final Runnable wakeDispatcher)
    {
        this.ring = ring;
        this.history = history;
        this.idBase = idBase;
        this.capacity = capacity;
        this.wakeDispatcher = wakeDispatcher;
    }

    /**
     * Follower thread: hands the dispatched events after the position to {@code handler}, in order, at most
     * {@code limit} of them, and moves the position past those taken. Allocates nothing.
     *
     * @return events taken.
     */
    public int poll(final Handler handler, final int limit)
    {
        final long from = position.get() + 1;
        final long to = Math.min(history.head(), from + limit - 1);
        long taken = from - 1;
        for (long s = from; s <= to; s++)
        {
            if (!handler.onEvent(ring.get(s)))
            {
                break;
            }
            taken = s;
        }
        if (taken >= from)
        {
            position.setVolatile(taken); // after the reads above; ends with a full fence: before the flag's load
            onAdvanced();
        }
        return (int)(taken - from + 1);
    }

    /** Follower side of the eviction handshake: the dispatcher waits for this position: wake it. */
    private void onAdvanced()
    {
        if (evictionWaiting)
        {
            EVICTION_WAITING.setVolatile(this, false);
            wakeDispatcher.run();
        }
    }

    /** @return events dispatched and not yet taken (0 once detached). Any thread. */
    public long lag()
    {
        return detached ? 0 : Math.max(0, history.head() - position.get());
    }

    /** @return the id of the newest dispatched event (readable by {@link #poll}), or the engine's first id - 1. */
    public long lastDispatchedId()
    {
        return idBase + history.head();
    }

    /**
     * @return how many events publishers may claim beyond the dispatcher (the engine's ring size): a follower that
     *         stays within a fraction of it never holds a publisher back.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * @return whether the history waits for this follower: its count or byte bound wants to evict events the follower
     *         has not taken (a follower that holds events back on purpose should let them go).
     */
    public boolean isHistoryWaiting()
    {
        return evictionWaiting;
    }

    /** @return whether {@link #detach} was called. */
    public boolean isDetached()
    {
        return detached;
    }

    /**
     * Any thread: the follower stops reading for good (for example its journal closed). The ring and the history stop
     * waiting for it at once; the events it has not taken are not handed to it any more.
     */
    public void detach()
    {
        if (detached)
        {
            return;
        }
        detached = true;
        ring.removeGatingSequence(position);
        position.setVolatile(Long.MAX_VALUE >> 1);
        onAdvanced();
    }

    /** Dispatcher: @return the newest sequence the follower has taken (the history may evict up to it). */
    long position()
    {
        return position.get();
    }

    /**
     * Dispatcher side of the eviction handshake: raises the flag, then reads the position again.
     *
     * @return whether the position moved past {@code seen} meanwhile (evict again now); {@code false}: the follower
     *         wakes the dispatcher when it moves.
     */
    boolean waitForAdvanceBeyond(final long seen)
    {
        EVICTION_WAITING.setVolatile(this, true);
        VarHandle.fullFence(); // StoreLoad: the flag before the position's (acquire) load
        return position.get() > seen;
    }

    /** Dispatcher: the history no longer waits for the follower. */
    void stopWaiting()
    {
        if (evictionWaiting)
        {
            EVICTION_WAITING.setVolatile(this, false);
        }
    }
}
