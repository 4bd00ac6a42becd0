package io.ringcast.relay.pg;

import io.ringcast.engine.Event;
import io.ringcast.engine.EventIdFormatter;

import java.util.Arrays;
import java.util.Map;

/**
 * Gives every event dispatched on this node the node-level position {@code t=0,<origin>=<seq>,...@<node>:<id>}:
 * per origin, the highest origin sequence this node has dispatched up to and including this event or left behind
 * its reader's start position (the <em>baseline</em>, {@link StartPosition}), plus the event's local id (see
 * {@link ResumeVector} for the grammar).
 *
 * <p><b>What a stamp claims.</b> For every origin O in the vector: every event of O with a sequence at or below the
 * value was either dispatched on this node at or before this event, or lies at or below the reader's start cursor
 * (committed before this node relayed anything, so before any of its subscribers started). For an origin absent
 * from the vector: nothing of it was dispatched here up to this event and none of its rows lies at or below the
 * start cursor, so every row of it comes after this event here. A subscriber that received the event has received
 * every matching event dispatched before it, and was never owed the rest the vector claims (a filter excluded them,
 * or they preceded its stream); a resume applies the same filter, and owes it, per origin, the rows above the value
 * (all retained rows for an absent origin). So the node-level vector is an exact resume point for every subscriber.
 *
 * <p><b>Before the start position is known</b> (PostgreSQL unreachable since the node started), only this node's
 * own events are dispatched, and stamps carry {@code t=<relay start millis>} instead of {@code t=0}: the node does
 * not know yet which rows of the other origins it will skip, and a resume from such a stamp is resolved by time and
 * reported not exact where that could miss something ({@link ReplicaResume}). The reader hands the baseline over
 * once ({@link #baseline}); the next stamp merges it and prints {@code t=0}.
 *
 * <p>Threads: an {@link EventIdFormatter}, {@link #format} called only on the dispatcher thread; {@link #baseline}
 * from the reader thread, once, before the reader relays any row (a volatile hand-over, read on the dispatcher until
 * seen). One string per event (its length grows with the number of origins, about 24 characters each); origins are
 * kept sorted in two parallel arrays, searched linearly (a handful of nodes).
 */
final class VectorStamper implements EventIdFormatter
{
    private String prefix;
    private final String suffix;
    private volatile Map<String, Long> baseline;
    private boolean positioned;
    private final StringBuilder text = new StringBuilder(256);
    private String[] origins = new String[0];
    private long[] sequences = new long[0];

    /**
     * @param nodeId  this node.
     * @param startMs this node's relay start, printed as {@code t} until the start position is known.
     */
    VectorStamper(final String nodeId, final long startMs)
    {
        this.prefix = "t=" + startMs;
        this.suffix = "@" + nodeId + ":";
    }

    /**
     * Hands over the reader's start position: from the next event on, stamps claim it and print {@code t=0}.
     * Call once, from the reader thread, before the reader relays any row; the hand-over is a volatile write, and
     * the relayed rows reach the dispatcher after it, through the ring.
     */
    void baseline(final Map<String, Long> baseline)
    {
        this.baseline = baseline;
    }

    @Override
    public String format(final Event event)
    {
        if (!positioned)
        {
            mergeBaseline();
        }
        final int i = indexOf(event.origin());
        if (event.originSequence() > sequences[i])
        {
            sequences[i] = event.originSequence();
        }
        final StringBuilder b = text;
        b.setLength(0);
        b.append(prefix);
        for (int k = 0; k < origins.length; k++)
        {
            b.append(',').append(origins[k]).append('=').append(sequences[k]);
        }
        return b.append(suffix).append(event.id()).toString();
    }

    private void mergeBaseline()
    {
        final Map<String, Long> b = baseline;
        if (b == null)
        {
            return;
        }
        for (final Map.Entry<String, Long> e : b.entrySet())
        {
            final int i = indexOf(e.getKey());
            sequences[i] = Math.max(sequences[i], e.getValue());
        }
        prefix = "t=0";
        positioned = true;
    }

    private int indexOf(final String origin)
    {
        for (int i = 0; i < origins.length; i++)
        {
            if (origins[i].equals(origin))
            {
                return i;
            }
        }
        int at = 0;
        while (at < origins.length && origins[at].compareTo(origin) < 0)
        {
            at++;
        }
        final String[] o = Arrays.copyOf(origins, origins.length + 1);
        final long[] s = Arrays.copyOf(sequences, sequences.length + 1);
        System.arraycopy(origins, at, o, at + 1, origins.length - at);
        System.arraycopy(sequences, at, s, at + 1, sequences.length - at);
        o[at] = origin;
        s[at] = -1;
        origins = o;
        sequences = s;
        return at;
    }
}
