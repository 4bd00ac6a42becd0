package io.ringcast.relay.pg;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A position in a cross-replica stream: per origin node, the highest origin sequence the client has seen, plus the
 * wall-clock time its stream began ({@code sinceMs}), which bounds what it is owed from origins it has not seen yet.
 * Because every replica delivers each origin's events in that origin's order, this vector is a valid resume point on
 * <em>any</em> replica, whatever the local interleaving of origins was. Immutable and thread-safe.
 *
 * <p>Printable form (used as the SSE {@code id}): {@code t=<sinceMs>,<origin>=<seq>,...}, origins sorted, for example
 * {@code t=1763900000000,a=1849024151434887168,b=1849024151436984320}. Node ids never contain {@code ,} or
 * {@code =}, so the form needs no escaping.
 */
public final class ResumeVector
{
    private final long sinceMs;
    private final Map<String, Long> positions;

    private ResumeVector(final long sinceMs, final Map<String, Long> positions)
    {
        this.sinceMs = sinceMs;
        this.positions = positions;
    }

    /** @return an empty vector for a stream starting at {@code sinceMs}. */
    public static ResumeVector startingAt(final long sinceMs)
    {
        return new ResumeVector(sinceMs, Collections.emptyMap());
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
        final String[] parts = text.split(",");
        final long since = number(parts[0].substring(2), text);
        final Map<String, Long> map = new TreeMap<>();
        for (int i = 1; i < parts.length; i++)
        {
            final int eq = parts[i].indexOf('=');
            final String origin = eq < 0 ? "" : parts[i].substring(0, eq);
            if (!origin.matches("[A-Za-z0-9._-]{1,64}") || map.containsKey(origin))
            {
                throw new IllegalArgumentException("bad or repeated origin '" + parts[i] + "' in resume vector '" +
                    text + "'");
            }
            map.put(origin, number(parts[i].substring(eq + 1), text));
        }
        return new ResumeVector(since, Collections.unmodifiableMap(map));
    }

    private static long number(final String s, final String text)
    {
        try
        {
            final long v = Long.parseLong(s);
            if (v < 0)
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

    /** @return the time the stream began; origins absent from the vector are owed what they published since. */
    public long sinceMs()
    {
        return sinceMs;
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

    /** @return a vector that has also seen {@code origin} up to {@code sequence}. */
    public ResumeVector with(final String origin, final long sequence)
    {
        final Map<String, Long> map = new TreeMap<>(positions);
        map.merge(origin, sequence, Math::max);
        return new ResumeVector(sinceMs, Collections.unmodifiableMap(map));
    }

    @Override
    public String toString()
    {
        final StringBuilder b = new StringBuilder("t=").append(sinceMs);
        positions.forEach((o, s) -> b.append(',').append(o).append('=').append(s));
        return b.toString();
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof ResumeVector v && v.sinceMs == sinceMs && v.positions.equals(positions);
    }

    @Override
    public int hashCode()
    {
        return Long.hashCode(sinceMs) * 31 + positions.hashCode();
    }
}
