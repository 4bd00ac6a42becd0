package io.ringcast.bench.peer;

/**
 * The shape a peer is set up for: {@code subscribers} subscriptions over {@code topics} topics, subscriber {@code i}
 * on topic {@code i % topics}, so every event on a topic matches exactly {@link #fanout()} subscribers.
 *
 * <p>Events are preallocated by each peer as {@code topics x stampSlots} immutable tokens: token
 * {@code (topic, stamp)} carries the index of the slot in {@link Sink#stamps()} that holds its intended send time.
 * Immutable, not thread-confined.
 */
public record Workload(int subscribers, int topics, int queueCapacity, int stampSlots, int producers)
{
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;
    public static final int LATENCY_STAMP_SLOTS = 1 << 16;

    public Workload
    {
        if (subscribers < 1 || topics < 1 || subscribers % topics != 0)
        {
            throw new IllegalArgumentException(
                "subscribers must be a positive multiple of topics, got subscribers=" + subscribers + " topics=" + topics);
        }
        if (Integer.bitCount(stampSlots) != 1)
        {
            throw new IllegalArgumentException("stampSlots must be a power of two, got " + stampSlots);
        }
        if (producers < 1 || producers > 2)
        {
            throw new IllegalArgumentException("producers must be 1 or 2, got " + producers);
        }
    }

    /** Every subscriber on one topic. */
    public static Workload broadcast(final int subscribers, final int producers)
    {
        return new Workload(subscribers, 1, DEFAULT_QUEUE_CAPACITY, LATENCY_STAMP_SLOTS, producers);
    }

    /** One subscriber per topic. */
    public static Workload routing(final int subscribers)
    {
        return new Workload(subscribers, subscribers, DEFAULT_QUEUE_CAPACITY, 1, 1);
    }

    /** @return subscribers matching each event. */
    public int fanout()
    {
        return subscribers / topics;
    }

    /** @return the name of topic {@code t}. */
    public static String topicName(final int t)
    {
        return "t" + t;
    }
}
