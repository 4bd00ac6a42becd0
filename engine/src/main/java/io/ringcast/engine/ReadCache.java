package io.ringcast.engine;

import java.util.Arrays;

/**
 * A consumer's copies of the stored events it read last, keyed by ring position: a direct-mapped table of views, entry
 * {@code position & (slots - 1)}. An event that one consumer hands to several subscriptions is copied out of the ring
 * once; every later delivery of the same position only checks that the event is still retained
 * ({@link History#isRetained}: the slot's sequence word and the gating sequence, the same validation as a copy), so an
 * event evicted before a subscription read it is a drop for that subscription whether or not a copy exists.
 *
 * <p>An {@link EventReader} uses {@value EventReader#SLOTS} entries, about one drained batch of consecutive positions,
 * and reads a subscription's deep batch ({@link #DEEP_BATCH} events or more) through one {@link OwnView} of its own.
 * (A subscription's own drains read through an {@link OwnView} only: a position is never read twice there.)
 *
 * <p>Bounded: at most {@code slots} views (plus one for deep batches), created on first use of their entry; each
 * keeps a payload buffer of at most {@link Engine#RETAINED_PAYLOAD_BYTES} (a larger payload is shared with the stored
 * event, not copied).
 *
 * <p>Thread-safety: confined to one thread at a time (the thread that drains through it). A view it returns is
 * rewritten by a later {@link #read} of another position that maps to the same entry.
 */
final class ReadCache extends EventReads
{
    /**
     * Events in one drain from which the table reads through its one-view companion instead: a deep
     * batch of one subscription copies each event into one view that stays in the core's first-level cache, which
     * costs less than spreading the batch over that many entries (measured with 16 and 256 subscribers drained 64
     * events at a time: bench/results/NOTES-2026-12-06.md, "Tenth session").
     */
    static final int DEEP_BATCH = 8;
    private static final long NONE = -1;

    private final Event[] views;
    /** The position each view holds a validated copy of, or {@link #NONE}. */
    private final long[] positions;
    private final int mask;
    /** One view, for deep batches. */
    private final OwnView deep = new OwnView();

    /** @param slots a power of two. */
    ReadCache(final int slots)
    {
        if (Integer.bitCount(slots) != 1)
        {
            throw new IllegalArgumentException("slots must be a power of two, got " + slots);
        }
        this.views = new Event[slots];
        this.positions = new long[slots];
        Arrays.fill(positions, NONE);
        this.mask = slots - 1;
    }

    /** @return the table, or its one-view companion when the drain may take a deep batch (that many events wait). */
    @Override
    EventReads forBatch(final int limit, final PositionQueue queue)
    {
        return limit >= DEEP_BATCH && queue.holds(DEEP_BATCH) ? deep : this;
    }

    @Override
    Event read(final History history, final long position)
    {
        final int index = (int)position & mask;
        Event view = views[index];
        if (positions[index] == position)
        {
            if (history.isRetained(position))
            {
                return view;
            }
            positions[index] = NONE;
            return null;
        }
        if (view == null)
        {
            view = history.newView();
            views[index] = view;
        }
        positions[index] = NONE; // the copy below overwrites the view: it holds no validated event until it succeeds
        if (history.copy(position, view))
        {
            positions[index] = position;
            return view;
        }
        return null;
    }

    /** @return the views created so far (for memory checks). */
    int viewsCreated()
    {
        int n = deep.viewsCreated();
        for (final Event view : views)
        {
            if (view != null)
            {
                n++;
            }
        }
        return n;
    }
}
