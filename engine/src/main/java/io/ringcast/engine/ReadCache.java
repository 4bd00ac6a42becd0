package io.ringcast.engine;

import java.util.Arrays;

/**
 * A consumer's copies of the stored events it read last, keyed by ring position: a direct-mapped table of views, entry
 * {@code position & (slots - 1)}. An event that one consumer hands to several subscriptions is copied out of the ring
 * once; every later delivery of the same position only checks that the event is still retained
 * ({@link History#isRetained}: the slot's sequence word and the gating sequence, the same validation as a copy), so an
 * event evicted before a subscription read it is a drop for that subscription whether or not a copy exists.
 *
 * <p>A subscription's own drains use a table of one entry, which simply copies (a position is never read twice
 * there); an {@link EventReader} uses {@value EventReader#SLOTS} entries, about one drained batch of consecutive
 * positions, and reads a subscription's deep batch ({@link #DEEP_BATCH} events or more) through one entry of its own.
 *
 * <p>Bounded: at most {@code slots} views (plus one for deep batches), created on first use of their entry; each
 * keeps a payload buffer of at most {@link Engine#RETAINED_PAYLOAD_BYTES} (a larger payload is shared with the stored
 * event, not copied).
 *
 * <p>Thread-safety: confined to one thread at a time (the thread that drains through it). A view it returns is
 * rewritten by a later {@link #read} of another position that maps to the same entry.
 */
final class ReadCache
{
    /**
     * Events in one drain from which a table of many entries reads through its one-entry companion instead: a deep
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
    /** One entry, for deep batches; {@code null} for a table of one entry. */
    private final ReadCache deep;

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
        this.deep = slots == 1 ? null : new ReadCache(1);
    }

    /** @return the table to read a drain of {@code events} events through: this one, or its one-entry companion. */
    ReadCache forBatch(final int events)
    {
        return events >= DEEP_BATCH && deep != null ? deep : this;
    }

    /**
     * @return a view of the stored event at ring {@code position}, or {@code null} when it left the history (or was
     *         withdrawn) before this read: the caller counts a drop.
     */
    Event read(final History history, final long position)
    {
        if (deep == null)
        {
            return copy(history, position);
        }
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
            view = new Event();
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

    /**
     * A table of one entry copies every time, without the table's bookkeeping: a subscription never reads a position
     * twice, and a deep batch reads consecutive positions (the bookkeeping cost the subscription's own drain 4-10 ns
     * per delivery at 256 subscribers, `DrainCost` in the tenth session's NOTES).
     */
    private Event copy(final History history, final long position)
    {
        Event view = views[0];
        if (view == null)
        {
            view = new Event();
            views[0] = view;
        }
        return history.copy(position, view) ? view : null;
    }

    /** @return the views created so far (for memory checks). */
    int viewsCreated()
    {
        int n = deep == null ? 0 : deep.viewsCreated();
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
