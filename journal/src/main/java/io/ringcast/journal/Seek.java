package io.ringcast.journal;

/**
 * Where a {@link DurableConsumer} starts when it has no committed position yet (or when it is moved with
 * {@link DurableConsumer#seek}). Immutable, thread-safe.
 */
public final class Seek
{
    enum Kind
    {
        BEGINNING, LATEST, AFTER_ID, FROM_TIME
    }

    private static final Seek BEGINNING = new Seek(Kind.BEGINNING, 0);
    private static final Seek LATEST = new Seek(Kind.LATEST, 0);

    final Kind kind;
    final long value;

    private Seek(final Kind kind, final long value)
    {
        this.kind = kind;
        this.value = value;
    }

    /** @return the oldest event the journal still holds. */
    public static Seek beginning()
    {
        return BEGINNING;
    }

    /** @return only events appended after the seek. */
    public static Seek latest()
    {
        return LATEST;
    }

    /** @return the first event with an id greater than {@code id}. */
    public static Seek afterId(final long id)
    {
        return new Seek(Kind.AFTER_ID, id);
    }

    /** @return the first event whose timestamp is at or after {@code epochMs}. */
    public static Seek fromTime(final long epochMs)
    {
        return new Seek(Kind.FROM_TIME, epochMs);
    }

    /**
     * @param text {@code beginning}, {@code latest}, {@code after:<id>} or {@code time:<epoch ms>}.
     * @return the seek.
     * @throws IllegalArgumentException naming what is accepted.
     */
    public static Seek parse(final String text)
    {
        if ("beginning".equals(text))
        {
            return BEGINNING;
        }
        if ("latest".equals(text))
        {
            return LATEST;
        }
        try
        {
            if (text != null && text.startsWith("after:"))
            {
                return afterId(Long.parseLong(text.substring(6)));
            }
            if (text != null && text.startsWith("time:"))
            {
                return fromTime(Long.parseLong(text.substring(5)));
            }
        }
        catch (final NumberFormatException e)
        {
            // falls through to the message below
        }
        throw new IllegalArgumentException(
            "a seek is 'beginning', 'latest', 'after:<id>' or 'time:<epoch ms>', got '" + text + "'");
    }

    @Override
    public String toString()
    {
        return switch (kind)
        {
            case BEGINNING -> "beginning";
            case LATEST -> "latest";
            case AFTER_ID -> "after:" + value;
            case FROM_TIME -> "time:" + value;
        };
    }
}
