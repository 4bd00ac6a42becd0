package io.ringcast.relay.pg;

import java.util.HashMap;
import java.util.Map;

/**
 * Decides which outbox NOTIFYs make the reader read.
 *
 * <p>Every writer batch sends one NOTIFY whose payload is {@link #payload(String, long) "<origin> <last origin_seq>"}.
 * A node's own batches hold nothing for its reader, which only has to move its cursor past them, and the next read
 * does that anyway; so a NOTIFY from this node is skipped, except while another origin has announced a batch that
 * the reader has not read yet. That happens when a read was held back by an older transaction still open (see
 * {@link OutboxReader}): the older transaction may be this node's own writer's, and its commit, announced by its own
 * NOTIFY, is the moment to read again. A NOTIFY from another node always makes the reader read. A payload without a
 * sequence (a writer from before this scheme) marks its origin as pending until a later payload of that origin
 * carries one, which keeps the behaviour of that time: read on every NOTIFY.
 *
 * <p>Skipping is only ever a matter of when, never of what: the cursor and the commit-order bound decide what is read,
 * and the reader still reads at least every poll interval.
 *
 * <p>Threads: the reader thread only.
 */
final class ReadTrigger
{
    private static final long UNKNOWN = Long.MAX_VALUE;

    private final String self;
    private final Map<String, Marks> origins = new HashMap<>();
    private String lastRowOrigin;
    private Marks lastRowMarks;

    /** @param self this node's id: its own NOTIFYs are the ones that can be skipped. */
    ReadTrigger(final String self)
    {
        this.self = self;
    }

    /**
     * @param origin  the node that wrote the batch.
     * @param lastSeq the highest {@code origin_seq} in the batch.
     * @return the NOTIFY payload for that batch.
     */
    static String payload(final String origin, final long lastSeq)
    {
        return origin + ' ' + lastSeq;
    }

    /**
     * @param payload a NOTIFY payload from the outbox channel.
     * @return {@code true} when the reader should read now.
     */
    boolean onNotification(final String payload)
    {
        final int space = payload.indexOf(' ');
        final String origin = space < 0 ? payload : payload.substring(0, space);
        if (origin.equals(self))
        {
            return othersPending();
        }
        long lastSeq = UNKNOWN;
        if (space > 0)
        {
            try
            {
                lastSeq = Long.parseLong(payload.substring(space + 1));
            }
            catch (final NumberFormatException e)
            {
                lastSeq = UNKNOWN;
            }
        }
        marks(origin).announced = lastSeq;
        return true;
    }

    /** Called for every row of another origin the cursor moves past, read or skipped. */
    void onRowRead(final String origin, final long originSeq)
    {
        Marks m = lastRowMarks;
        if (m == null || !origin.equals(lastRowOrigin))
        {
            m = marks(origin);
            lastRowOrigin = origin;
            lastRowMarks = m;
        }
        if (originSeq > m.read)
        {
            m.read = originSeq;
        }
    }

    /** @return whether some other origin announced a batch the cursor has not passed yet. */
    boolean othersPending()
    {
        for (final Marks m : origins.values())
        {
            if (m.announced > m.read)
            {
                return true;
            }
        }
        return false;
    }

    private Marks marks(final String origin)
    {
        return origins.computeIfAbsent(origin, o -> new Marks());
    }

    private static final class Marks
    {
        long announced = -1;
        long read = -1;
    }
}
