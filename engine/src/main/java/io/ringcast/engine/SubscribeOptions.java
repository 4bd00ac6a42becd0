package io.ringcast.engine;

/**
 * Options of one subscription, with fluent setters. Not thread-safe while being built; the engine copies what it
 * needs when {@link Engine#subscribe(Filter, SubscribeOptions)} is called, so an instance may be reused afterwards.
 */
public final class SubscribeOptions
{
    /** Value of {@link #resumeAfter()} when no resume is requested. */
    public static final long NO_RESUME = -1L;
    /** Largest queue capacity accepted. */
    public static final int MAX_QUEUE_CAPACITY = 1 << 24;

    private int queueCapacity;
    private SlowConsumerPolicy policy = SlowConsumerPolicy.DROP_NEWEST;
    private int disconnectAfterDrops = 1;
    private String actingFor;
    private long resumeAfter = NO_RESUME;
    private SubscriptionListener listener;

    /** @return options with engine defaults. */
    public static SubscribeOptions defaults()
    {
        return new SubscribeOptions();
    }

    /**
     * @param capacity queue capacity in events, rounded up to a power of two; 0 means the engine default.
     * @return this.
     */
    public SubscribeOptions queueCapacity(final int capacity)
    {
        if (capacity < 0 || capacity > MAX_QUEUE_CAPACITY)
        {
            throw new IllegalArgumentException(
                "queueCapacity must be 0 (engine default) or 1.." + MAX_QUEUE_CAPACITY + ", got " + capacity);
        }
        this.queueCapacity = capacity;
        return this;
    }

    public int queueCapacity()
    {
        return queueCapacity;
    }

    /** @param policy what to do when the queue is full. */
    public SubscribeOptions policy(final SlowConsumerPolicy policy)
    {
        if (policy == null)
        {
            throw new IllegalArgumentException("policy must not be null");
        }
        this.policy = policy;
        return this;
    }

    public SlowConsumerPolicy policy()
    {
        return policy;
    }

    /** @param drops under {@link SlowConsumerPolicy#DISCONNECT}, close after this many dropped events (>= 1). */
    public SubscribeOptions disconnectAfterDrops(final int drops)
    {
        if (drops < 1)
        {
            throw new IllegalArgumentException("disconnectAfterDrops must be >= 1, got " + drops);
        }
        this.disconnectAfterDrops = drops;
        return this;
    }

    public int disconnectAfterDrops()
    {
        return disconnectAfterDrops;
    }

    /**
     * @param user the user this subscription acts for: it receives public events and events private to this user,
     *             never another user's. {@code null} (the default) receives public events only.
     */
    public SubscribeOptions actingFor(final String user)
    {
        this.actingFor = user == null ? null : Validation.name("actingFor", user, Validation.MAX_NAME_BYTES);
        return this;
    }

    public String actingFor()
    {
        return actingFor;
    }

    /**
     * @param eventId deliver every matching event after this id first (from history, then the event log), then live
     *                events, with no gap and no duplicate; see {@link ResumeOutcome}.
     */
    public SubscribeOptions resumeAfter(final long eventId)
    {
        if (eventId < 0)
        {
            throw new IllegalArgumentException("resumeAfter must be a non-negative event id, got " + eventId);
        }
        this.resumeAfter = eventId;
        return this;
    }

    public long resumeAfter()
    {
        return resumeAfter;
    }

    /** @param listener wake-up and close callbacks, or {@code null} for a polling consumer. */
    public SubscribeOptions listener(final SubscriptionListener listener)
    {
        this.listener = listener;
        return this;
    }

    public SubscriptionListener listener()
    {
        return listener;
    }
}
