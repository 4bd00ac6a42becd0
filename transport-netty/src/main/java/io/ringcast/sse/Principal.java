package io.ringcast.sse;

import java.util.List;

/**
 * Who a request acts for and what it may do, from a verified JWT: {@code sub} is the user, {@code subscribe} and
 * {@code publish} the topic patterns it may read and write ({@code "orders/eu"}, {@code "orders/*"}, {@code "*"}).
 * Immutable and thread-safe.
 *
 * @param user      the {@code sub} claim, or {@code null}: such a principal reads public events only.
 * @param subscribe topic patterns the bearer may subscribe to.
 * @param publish   topic patterns the bearer may publish to.
 */
record Principal(String user, List<String> subscribe, List<String> publish, List<String> consumers)
{
    /** Everything allowed, no user: used when authentication is off (loopback without a key). */
    static final Principal ANONYMOUS = new Principal(null, List.of("*"), List.of("*"), List.of("*"));

    /** A principal that may use no named consumer. */
    Principal(final String user, final List<String> subscribe, final List<String> publish)
    {
        this(user, subscribe, publish, List.of());
    }

    /** @return {@code true} when the token's {@code consumers} claim names {@code consumer} (or {@code *}). */
    boolean mayConsume(final String consumer)
    {
        return covers(consumers, consumer);
    }

    boolean maySubscribe(final String pattern)
    {
        return covers(subscribe, pattern);
    }

    boolean mayPublish(final String topic)
    {
        return covers(publish, topic);
    }

    /**
     * @param allowed   granted patterns.
     * @param requested a topic, or a prefix pattern ending in {@code *}.
     * @return {@code true} when every topic {@code requested} can match is matched by one granted pattern.
     */
    static boolean covers(final List<String> allowed, final String requested)
    {
        final boolean requestedPrefix = requested.endsWith("*");
        final String requestedStem = requestedPrefix ? requested.substring(0, requested.length() - 1) : requested;
        for (final String pattern : allowed)
        {
            if (pattern.endsWith("*"))
            {
                if (requestedStem.startsWith(pattern.substring(0, pattern.length() - 1)))
                {
                    return true;
                }
            }
            else if (!requestedPrefix && pattern.equals(requested))
            {
                return true;
            }
        }
        return false;
    }
}
