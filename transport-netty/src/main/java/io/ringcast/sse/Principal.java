package io.ringcast.sse;

import java.util.List;

/**
 * Who a request acts for and what it may do, from a verified JWT: {@code sub} is the user, {@code subscribe} and
 * {@code publish} the topic patterns it may read and write ({@code "orders/eu"}, {@code "orders/*"}, {@code "*"}).
 * Immutable and thread-safe.
 *
 * <p>A private event (one with a {@code user}) may be addressed to the bearer's own {@code sub}, or to anyone on the
 * topics the {@code publish_private} claim grants.
 *
 * @param user           the {@code sub} claim, or {@code null}: such a principal reads public events only.
 * @param subscribe      topic patterns the bearer may subscribe to.
 * @param publish        topic patterns the bearer may publish to.
 * @param publishPrivate topic patterns on which the bearer may address private events to any user.
 * @param expiresAtMs    when the token stops being valid (its {@code exp} plus the clock leeway), epoch ms;
 *                       {@link Long#MAX_VALUE} for none.
 * @param consumers      named durable consumers the bearer may stream and commit for (the {@code consumers} claim).
 */
record Principal(String user, List<String> subscribe, List<String> publish, List<String> publishPrivate,
    long expiresAtMs, List<String> consumers)
{
    /** Everything allowed, no user: used when authentication is off (loopback without a key). */
    static final Principal ANONYMOUS = new Principal(null, List.of("*"), List.of("*"), List.of("*"), Long.MAX_VALUE,
        List.of("*"));

    /** A principal without private-event grants whose token never expires; for tests. */
    Principal(final String user, final List<String> subscribe, final List<String> publish)
    {
        this(user, subscribe, publish, List.of(), Long.MAX_VALUE);
    }

    /** A principal that may use no named consumer. */
    Principal(final String user, final List<String> subscribe, final List<String> publish,
        final List<String> publishPrivate, final long expiresAtMs)
    {
        this(user, subscribe, publish, publishPrivate, expiresAtMs, List.of());
    }

    /** @return {@code true} when the token's {@code consumers} claim names {@code consumer} (or {@code *}). */
    boolean mayConsume(final String consumer)
    {
        return covers(consumers, consumer);
    }

    /** @return {@code true} when the bearer may publish an event on {@code topic} for {@code audience}. */
    boolean mayAddress(final String topic, final String audience)
    {
        return audience.equals(user) || covers(publishPrivate, topic);
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
