package io.ringcast.engine;

import java.nio.charset.StandardCharsets;

/**
 * Field checks shared by {@link Message}, {@link Filter} and {@link Attributes}. Stateless, thread-safe.
 */
final class Validation
{
    /** Longest topic accepted, in UTF-8 bytes. */
    static final int MAX_TOPIC_BYTES = 256;
    /** Longest type, audience, attribute key or attribute value accepted, in UTF-8 bytes. */
    static final int MAX_NAME_BYTES = 256;

    private Validation()
    {
    }

    /** A topic names one stream of events; {@code *} is reserved for prefix patterns ({@code "orders/*"}). */
    static String topic(final String topic)
    {
        name("topic", topic, MAX_TOPIC_BYTES);
        final int star = topic.indexOf('*');
        if (star >= 0)
        {
            throw new InvalidEventException("topic '" + topic + "' must not contain '*' (at index " + star +
                "): '*' marks a prefix in subscription patterns such as 'orders/*', so an exact subscription could never name it");
        }
        return topic;
    }

    static String optionalName(final String field, final String value)
    {
        return value == null ? null : name(field, value, MAX_NAME_BYTES);
    }

    static String name(final String field, final String value, final int maxBytes)
    {
        if (value == null)
        {
            throw new InvalidEventException(field + " is required");
        }
        if (value.isEmpty())
        {
            throw new InvalidEventException(field + " must not be empty");
        }
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (Character.isISOControl(c))
            {
                throw new InvalidEventException(
                    field + " must not contain control characters (found U+" +
                    String.format("%04X", (int)c) + " at index " + i + ")");
            }
            if (Character.isSurrogate(c) && !validSurrogatePair(value, i))
            {
                throw new InvalidEventException(field + " contains an unpaired surrogate at index " + i);
            }
        }
        final int bytes = utf8Length(value);
        if (bytes > maxBytes)
        {
            throw new InvalidEventException(
                field + " is " + bytes + " UTF-8 bytes; at most " + maxBytes + " are accepted");
        }
        return value;
    }

    private static boolean validSurrogatePair(final String s, final int i)
    {
        final char c = s.charAt(i);
        if (Character.isHighSurrogate(c))
        {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    static int utf8Length(final String s)
    {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            if (c < 0x80)
            {
                bytes += 1;
            }
            else if (c < 0x800)
            {
                bytes += 2;
            }
            else if (Character.isHighSurrogate(c))
            {
                bytes += 4;
                i++;
            }
            else
            {
                bytes += 3;
            }
        }
        return bytes;
    }

    static byte[] utf8(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
