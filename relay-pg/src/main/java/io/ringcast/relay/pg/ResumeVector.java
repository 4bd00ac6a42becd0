package io.ringcast.relay.pg;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A position in a cross-replica stream: per origin node, the highest origin sequence the client has seen (or was
 * never owed), plus {@code t}, which says how to read the origins the vector lacks. Because every replica delivers
 * each origin's events in that origin's order, this vector is a valid resume point on <em>any</em> replica, whatever
 * the local interleaving of origins was. Immutable and thread-safe.
 *
 * <p>Printable form (used as the SSE {@code id}):
 * <pre>
 *   id     = "t=" millis *( "," origin "=" seq ) [ "@" node ":" localId ]
 * </pre>
 * origins sorted, for example {@code t=0,a=1849024151434887168,b=1849024151436984320}. Node ids are
 * {@code [A-Za-z0-9._-]{1,64}}, so the form needs no escaping. The optional {@code @node:localId} suffix is added by a
 * node's {@link VectorStamper}: the event's local id on the node that stamped it, which lets that same node (same
 * run) resume from its in-memory history; it adds nothing to the position itself.
 *
 * <p>{@code t=0} ({@link #byLogPosition()}): the vector names every origin the client may have been spared; an
 * origin it lacks is owed all its rows (a resume that cannot replay all of them is not exact). This is what nodes
 * print once they know their start position in the outbox. {@code t=<millis>}: a vector stamped before the node knew
 * its start position, or by an earlier version; an origin it lacks is owed its rows published since {@code t}, and a
 * resume that finds older retained rows of such an origin, which the client may or may not have been owed, reports
 * itself not exact.
 */
public final class ResumeVector
{
    private static final String ORIGIN = "[A-Za-z0-9._-]{1,64}";

    private final long sinceMs;
    private final Map<String, Long> positions;
    private final String stampNode;
    private final long stampLocalId;

    private ResumeVector(
        final long sinceMs, final Map<String, Long> positions, final String stampNode, final long stampLocalId)
    {
        this.sinceMs = sinceMs;
        this.positions = positions;
        this.stampNode = stampNode;
        this.stampLocalId = stampLocalId;
    }

    /** @return an empty vector for a stream starting at {@code sinceMs}. */
    public static ResumeVector startingAt(final long sinceMs)
    {
        return new ResumeVector(sinceMs, Collections.emptyMap(), null, -1);
    }

    /**
     * @param text the printable form.
     * @return the vector.
     * @throws IllegalArgumentException naming what is wrong with the text.
     */
    public static ResumeVector parse(final String text)
    {
        if (text == null || !text.startsWith("t="))
        {
            throw new IllegalArgumentException("a resume vector starts with t=<millis>, got '" + text + "'");
        }
        if (text.length() > io.ringcast.engine.EventIdFormatter.MAX_LENGTH)
        {
            throw new IllegalArgumentException("a resume vector is at most " +
                io.ringcast.engine.EventIdFormatter.MAX_LENGTH + " characters, got " + text.length());
        }
        final int at = text.indexOf('@');
        String node = null;
        long localId = -1;
        if (at >= 0)
        {
            final String stamp = text.substring(at + 1);
            final int colon = stamp.indexOf(':');
            node = colon < 0 ? "" : stamp.substring(0, colon);
            if (!node.matches(ORIGIN))
            {
                throw new IllegalArgumentException("bad stamp '@" + stamp + "' in resume vector '" + text +
                    "': expected @<node>:<local id>");
            }
            localId = number(stamp.substring(colon + 1), text);
        }
        final String[] parts = (at >= 0 ? text.substring(0, at) : text).split(",", -1);
        final long since = number(parts[0].substring(2), text);
        final Map<String, Long> map = new TreeMap<>();
        for (int i = 1; i < parts.length; i++)
        {
            final int eq = parts[i].indexOf('=');
            final String origin = eq < 0 ? "" : parts[i].substring(0, eq);
            if (!origin.matches(ORIGIN) || map.containsKey(origin))
            {
                throw new IllegalArgumentException("bad or repeated origin '" + parts[i] + "' in resume vector '" +
                    text + "'");
            }
            map.put(origin, number(parts[i].substring(eq + 1), text));
        }
        return new ResumeVector(since, Collections.unmodifiableMap(map), node, localId);
    }

    private static long number(final String s, final String text)
    {
        try
        {
            final long v = Long.parseLong(s);
            if (v < 0 || s.charAt(0) == '+')
            {
                throw new NumberFormatException();
            }
            return v;
        }
        catch (final NumberFormatException e)
        {
            throw new IllegalArgumentException("'" + s + "' is not a non-negative number in resume vector '" +
                text + "'", e);
        }
    }

    /**
     * @return {@code 0} for a vector by log position; otherwise the time bound of the origins the vector lacks: they
     *         are owed what they published since.
     */
    public long sinceMs()
    {
        return sinceMs;
    }

    /** @return {@code true} for {@code t=0}: an origin the vector lacks is owed all its rows. */
    public boolean byLogPosition()
    {
        return sinceMs == 0;
    }

    /** @return the highest sequence seen from {@code origin}, or {@code -1} when none. */
    public long seen(final String origin)
    {
        final Long v = positions.get(origin);
        return v == null ? -1 : v;
    }

    /** @return the origins with a position, sorted. */
    public Map<String, Long> positions()
    {
        return positions;
    }

    /** @return the node whose stamp this was ({@code @node:localId}), or {@code null}. */
    public String stampNode()
    {
        return stampNode;
    }

    /** @return the event's local id on {@link #stampNode()}, or {@code -1}. */
    public long stampLocalId()
    {
        return stampLocalId;
    }

    /** @return a vector that has also seen {@code origin} up to {@code sequence}, without a stamp suffix. */
    public ResumeVector with(final String origin, final long sequence)
    {
        final Map<String, Long> map = new TreeMap<>(positions);
        map.merge(origin, sequence, Math::max);
        return new ResumeVector(sinceMs, Collections.unmodifiableMap(map), null, -1);
    }

    /**
     * @param stamp an id in the printable form, for example another event's {@link io.ringcast.engine.Event#idString()}.
     * @param seen  a position: origin to highest sequence seen.
     * @return {@code true} when {@code stamp} is a vector by log position ({@code t=0}) that has, for every origin in
     *         {@code seen}, at least that sequence. Scans the text without building a vector; a text that is not such
     *         a vector (a decimal id, or a stamp printed before its node knew its start position) covers nothing.
     */
    static boolean covers(final String stamp, final Map<String, Long> seen)
    {
        if (!stamp.startsWith("t=0") || stamp.length() > 3 && stamp.charAt(3) != ',' && stamp.charAt(3) != '@')
        {
            return false;
        }
        final int end = stamp.indexOf('@') < 0 ? stamp.length() : stamp.indexOf('@');
        int covered = 0;
        int at = stamp.indexOf(',');
        while (at >= 0 && at < end)
        {
            final int next = stamp.indexOf(',', at + 1);
            final int stop = next < 0 || next > end ? end : next;
            final int eq = stamp.indexOf('=', at + 1);
            if (eq < 0 || eq > stop)
            {
                return false;
            }
            final Long s = seen.get(stamp.substring(at + 1, eq));
            if (s != null)
            {
                try
                {
                    if (Long.parseLong(stamp, eq + 1, stop, 10) < s)
                    {
                        return false;
                    }
                }
                catch (final NumberFormatException e)
                {
                    return false;
                }
                covered++;
            }
            at = next < 0 || next > end ? -1 : next;
        }
        return covered == seen.size();
    }

    @Override
    public String toString()
    {
        final StringBuilder b = new StringBuilder("t=").append(sinceMs);
        positions.forEach((o, s) -> b.append(',').append(o).append('=').append(s));
        if (stampNode != null)
        {
            b.append('@').append(stampNode).append(':').append(stampLocalId);
        }
        return b.toString();
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof ResumeVector v && v.sinceMs == sinceMs && v.positions.equals(positions) &&
            java.util.Objects.equals(v.stampNode, stampNode) && v.stampLocalId == stampLocalId;
    }

    @Override
    public int hashCode()
    {
        return Long.hashCode(sinceMs) * 31 + positions.hashCode();
    }
}
