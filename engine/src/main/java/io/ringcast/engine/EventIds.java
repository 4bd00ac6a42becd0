package io.ringcast.engine;

/**
 * Event ids: {@code (engineStartMillis << 20) + ringSequence}. They are positive {@code long}s, increasing in
 * publish order on one node and across restarts of that node (a restart starts from a later millisecond; the
 * sequence would need a sustained 10^9 events/s to catch up), and printed as plain decimal.
 *
 * <p>The start millisecond in the high bits lets an engine tell an id from an earlier run of the node (older than
 * its in-memory history) from one of its own. Stateless and thread-safe.
 */
public final class EventIds
{
    /** Bits reserved for the ring sequence within one engine run. */
    public static final int SEQUENCE_BITS = 20;

    private EventIds()
    {
    }

    /**
     * @param startMillis wall-clock start of the engine run.
     * @return the id of ring sequence 0 in that run.
     */
    static long base(final long startMillis)
    {
        return startMillis << SEQUENCE_BITS;
    }

    /**
     * @param lastId an id of an earlier run, or -1.
     * @return the smallest run base whose ids are all greater than {@code lastId}.
     */
    static long baseAfter(final long lastId)
    {
        return lastId < 0 ? 0 : ((lastId >>> SEQUENCE_BITS) + 1) << SEQUENCE_BITS;
    }

    /** @return the printable form of an id. */
    public static String format(final long id)
    {
        return Long.toString(id);
    }

    /**
     * @param text a printable id, for example from an SSE {@code Last-Event-ID} header.
     * @return the id.
     * @throws IllegalArgumentException when the text is not a non-negative decimal id.
     */
    public static long parse(final String text)
    {
        if (text == null || text.isEmpty() || text.length() > 19)
        {
            throw new IllegalArgumentException("an event id is 1 to 19 decimal digits, got '" + text + "'");
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                throw new IllegalArgumentException("an event id is 1 to 19 decimal digits, got '" + text + "'");
            }
            value = value * 10 + (c - '0');
            if (value < 0)
            {
                throw new IllegalArgumentException("event id out of range: '" + text + "'");
            }
        }
        return value;
    }
}
