package io.ringcast.engine;

/**
 * The reading side's counterpart of {@link EventWriter}: drains subscriptions through one table of copies shared by
 * all of them, so that an event matched by many subscriptions drained on one thread is copied out of the engine's
 * storage once, not once per subscription. Each further delivery of that event only checks that it is still retained
 * (two loads); an event evicted before a subscription read it is still a drop for that subscription, exactly as with
 * {@link Subscription#drain}.
 *
 * <pre>{@code
 * EventReader reader = engine.reader();                 // one per consuming thread
 * for (Subscription s : subscriptions)                  // e.g. every stream of one event loop
 * {
 *     reader.drain(s, event -> send(s, event), 64);
 * }
 * }</pre>
 *
 * <p>What a handler receives is valid <em>during the call only</em> (the Disruptor's contract): the reader reuses the
 * view for another event later, and a handler must not drain through the same reader from inside its call. Call
 * {@link Event#copy()} to keep an event. {@link Subscription#drain} keeps the longer guarantee (valid until that
 * subscription's next drain) at the cost of one copy per delivery.
 *
 * <p>Bounded: at most {@value #SLOTS} views per reader, created on first use, each with a payload buffer of at most
 * 1 KiB (larger payloads are shared with the stored event, not copied): a reader holds at most about 80 KiB.
 *
 * <p>Thread-safety: not thread-safe; use one reader per consuming thread. The single-consumer rule of
 * {@link Subscription} still applies: one thread at a time drains a subscription, through a reader or not.
 */
public final class EventReader
{
    /** Views per reader: about one drained batch of consecutive positions. */
    public static final int SLOTS = 64;

    private final Engine engine;
    private final ReadCache cache = new ReadCache(SLOTS);

    EventReader(final Engine engine)
    {
        this.engine = engine;
    }

    /**
     * Hands up to {@code limit} of the subscription's events to {@code handler}, on the calling thread; the same
     * result and re-arming as {@link Subscription#drain}.
     *
     * @return the number handed over; fewer than {@code limit} means drained and re-armed.
     * @throws IllegalArgumentException when {@code limit} is not positive or the subscription belongs to another
     *                                  engine.
     */
    public int drain(final Subscription subscription, final EventHandler handler, final int limit)
    {
        if (limit <= 0)
        {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        final Subscriber subscriber = subscription.subscriber();
        if (subscriber.engine != engine)
        {
            throw new IllegalArgumentException(
                "the subscription belongs to another engine; use that engine's reader()");
        }
        return subscriber.drain(handler, limit, cache);
    }

    /** @return views created so far (for memory checks). */
    int viewsCreated()
    {
        return cache.viewsCreated();
    }
}
