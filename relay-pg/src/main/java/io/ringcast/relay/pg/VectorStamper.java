package io.ringcast.relay.pg;

import io.ringcast.engine.Event;
import io.ringcast.engine.EventIdFormatter;

import java.util.Arrays;

/**
 * Gives every event dispatched on this node the node-level position {@code t=<start>,<origin>=<seq>,...@<node>:<id>}:
 * per origin, the highest origin sequence dispatched here up to and including this event, plus this node's relay
 * start time and the event's local id (see {@link ResumeVector} for the grammar).
 *
 * <p>Why the node-level vector is an exact resume point for every subscriber of this node, filtered or not: a
 * subscriber that received the event has received every matching event dispatched before it, and the vector claims
 * exactly the events dispatched before it; those its filter excluded it was never owed, and a resume applies the
 * same filter. Origins absent from the vector have had nothing dispatched here; this node relays only rows published
 * since {@code t} (its reader's start), so a resume owes the client those origins' rows since {@code t}.
 *
 * <p>Threads: an {@link EventIdFormatter}, called only on the dispatcher thread; not thread-safe. One string per
 * event (its length grows with the number of origins, about 24 characters each); origins are kept sorted in two
 * parallel arrays, searched linearly (a handful of nodes).
 */
final class VectorStamper implements EventIdFormatter
{
    private final String prefix;
    private final String suffix;
    private final StringBuilder text = new StringBuilder(256);
    private String[] origins = new String[0];
    private long[] sequences = new long[0];

    /**
     * @param nodeId  this node.
     * @param startMs this node's relay start: its reader relays rows published since then.
     */
    VectorStamper(final String nodeId, final long startMs)
    {
        this.prefix = "t=" + startMs;
        this.suffix = "@" + nodeId + ":";
    }

    @Override
    public String format(final Event event)
    {
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
