package io.ringcast.engine;

/**
 * A topic resolved once for one engine ({@link Engine#topic(String)}): validated when created, and carrying the
 * dispatcher's cached index entries for it (the exact-topic subscription list and the lists of every registered prefix
 * of it), so an event published through an {@link EventWriter} with this handle costs the dispatcher no string hashing
 * and no map lookup while the subscriptions under it do not change.
 *
 * <pre>{@code
 * Topic orders = engine.topic("orders/eu");     // once
 * EventWriter writer = engine.writer().topic(orders);
 * }</pre>
 *
 * <p>Thread-safety: immutable to users and safe to share between threads. The cache fields are read and written only by
 * the dispatcher thread of the engine that created the handle (plain accesses, single writer); a handle is refused by
 * any other engine.
 */
public final class Topic
{
    private static final SubscriberList[] NO_LISTS = new SubscriberList[0];

    final String name;
    final Object owner;

    // dispatcher-owned cache, valid while cachedVersion equals the index's version
    long cachedVersion = -1;
    SubscriberList exact;
    SubscriberList[] prefixes = NO_LISTS;

    Topic(final String name, final Object owner)
    {
        this.name = Validation.topic(name);
        this.owner = owner;
    }

    /** @return the topic name. */
    public String name()
    {
        return name;
    }

    static SubscriberList[] noLists()
    {
        return NO_LISTS;
    }

    @Override
    public String toString()
    {
        return "Topic{" + name + '}';
    }
}
