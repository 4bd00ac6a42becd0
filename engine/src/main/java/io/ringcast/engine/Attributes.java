package io.ringcast.engine;

import java.util.Arrays;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Small, immutable routing attributes of an event: at most {@link #MAX_ENTRIES} key/value pairs of non-empty
 * strings. Keys are unique; a later value for the same key replaces an earlier one. Lookups are a linear scan,
 * which beats hashing at this size.
 *
 * <p>Immutable and therefore safe to share between threads.
 */
public final class Attributes
{
    /** Most pairs an event may carry. */
    public static final int MAX_ENTRIES = 16;

    /** No attributes. */
    public static final Attributes EMPTY = new Attributes(new String[0]);

    private final String[] keyValues;

    private Attributes(final String[] keyValues)
    {
        this.keyValues = keyValues;
    }

    /**
     * @param keyValues alternating keys and values: {@code of("connector", "c1", "session", "s9")}.
     * @return the attributes.
     * @throws InvalidEventException when the count is odd, exceeds {@link #MAX_ENTRIES} pairs, or a key or value
     *                               is empty, too long or holds control characters.
     */
    public static Attributes of(final String... keyValues)
    {
        if (keyValues.length == 0)
        {
            return EMPTY;
        }
        if ((keyValues.length & 1) != 0)
        {
            throw new InvalidEventException("attributes need alternating keys and values; got an odd count " +
                keyValues.length);
        }
        Attributes result = EMPTY;
        for (int i = 0; i < keyValues.length; i += 2)
        {
            result = result.with(keyValues[i], keyValues[i + 1]);
        }
        return result;
    }

    /**
     * @param map the pairs to copy.
     * @return the attributes.
     * @throws InvalidEventException as {@link #of(String...)}.
     */
    public static Attributes of(final Map<String, String> map)
    {
        Attributes result = EMPTY;
        for (final Map.Entry<String, String> e : map.entrySet())
        {
            result = result.with(e.getKey(), e.getValue());
        }
        return result;
    }

    /**
     * @param key   the key.
     * @param value the value.
     * @return attributes with the pair added or replaced; this instance is unchanged.
     */
    public Attributes with(final String key, final String value)
    {
        Validation.name("attribute key", key, Validation.MAX_NAME_BYTES);
        Validation.name("attribute value for '" + key + "'", value, Validation.MAX_NAME_BYTES);
        final int existing = indexOf(key);
        if (existing >= 0)
        {
            if (keyValues[existing + 1].equals(value))
            {
                return this;
            }
            final String[] copy = keyValues.clone();
            copy[existing + 1] = value;
            return new Attributes(copy);
        }
        if (keyValues.length / 2 >= MAX_ENTRIES)
        {
            throw new InvalidEventException("an event carries at most " + MAX_ENTRIES + " attributes");
        }
        final String[] copy = Arrays.copyOf(keyValues, keyValues.length + 2);
        copy[keyValues.length] = key;
        copy[keyValues.length + 1] = value;
        return new Attributes(copy);
    }

    /**
     * @param key the key.
     * @return the value, or {@code null} when absent.
     */
    public String get(final String key)
    {
        final int i = indexOf(key);
        return i < 0 ? null : keyValues[i + 1];
    }

    /** @return number of pairs. */
    public int size()
    {
        return keyValues.length >> 1;
    }

    /** @return {@code true} when there are no pairs. */
    public boolean isEmpty()
    {
        return keyValues.length == 0;
    }

    /** @param action called with each key and value, in insertion order. */
    public void forEach(final BiConsumer<String, String> action)
    {
        for (int i = 0; i < keyValues.length; i += 2)
        {
            action.accept(keyValues[i], keyValues[i + 1]);
        }
    }

    /** @return an approximation of the retained size in bytes, for history accounting. */
    int footprintBytes()
    {
        int bytes = 16 + keyValues.length * 8;
        for (final String s : keyValues)
        {
            bytes += 24 + s.length();
        }
        return bytes;
    }

    private int indexOf(final String key)
    {
        for (int i = 0; i < keyValues.length; i += 2)
        {
            if (keyValues[i].equals(key))
            {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof Attributes))
        {
            return false;
        }
        final Attributes other = (Attributes)o;
        if (other.size() != size())
        {
            return false;
        }
        for (int i = 0; i < keyValues.length; i += 2)
        {
            if (!keyValues[i + 1].equals(other.get(keyValues[i])))
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode()
    {
        int h = 0;
        for (int i = 0; i < keyValues.length; i += 2)
        {
            h += keyValues[i].hashCode() ^ keyValues[i + 1].hashCode();
        }
        return h;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < keyValues.length; i += 2)
        {
            sb.append(i == 0 ? "" : ", ").append(keyValues[i]).append('=').append(keyValues[i + 1]);
        }
        return sb.append('}').toString();
    }
}
