package io.ringcast.engine;

/**
 * Lock-free view of an engine's counters and gauges, for {@code /metrics}. Every getter may be called from any
 * thread at any time; each value is read independently (opaque reads of single-writer counters), so a set of reads
 * is not an atomic snapshot.
 */
public final class EngineMetrics
{
    private final Engine engine;

    EngineMetrics(final Engine engine)
    {
        this.engine = engine;
    }

    /** @return events accepted into the ring (claimed slots, including any still being filled). */
    public long published()
    {
        return engine.ring().getCursor() + 1;
    }

    /** @return events the dispatcher has processed. */
    public long dispatched()
    {
        return engine.dispatcher().dispatched();
    }

    /** @return deliveries: matched events queued for a subscriber and not lost to eviction before it read them. */
    public long delivered()
    {
        return engine.dispatcher().delivered() - engine.overwritten();
    }

    /**
     * @return matched events a subscriber lost: its queue was full, or the event left the history before the
     *         subscriber read its queued position.
     */
    public long dropped()
    {
        return engine.dispatcher().dropped() + engine.overwritten();
    }

    /** @return {@code tryPublish*} calls refused because the ring was full. */
    public long rejected()
    {
        return engine.rejected();
    }

    /** @return subscriptions currently registered with the dispatcher. */
    public int activeSubscriptions()
    {
        return engine.dispatcher().activeSubscriptions();
    }

    /** @return candidate subscriptions evaluated by dispatch; grows with matching, not total, subscriptions. */
    public long filterEvaluations()
    {
        return engine.dispatcher().filterEvaluations();
    }

    /** @return slots publishers may still claim before the ring is full. */
    public long ringRemainingCapacity()
    {
        return Math.min(engine.ringSize(), engine.ring().remainingCapacity());
    }

    /** @return slots publishers may claim beyond the dispatcher ({@link EngineConfig#ringSize()}). */
    public int ringSize()
    {
        return engine.ringSize();
    }

    /** @return events held in history (available to resume). */
    public long historySize()
    {
        return engine.history().size();
    }

    /** @return estimated bytes of the dispatched events still retained in the ring (history and unread queues). */
    public long historyBytes()
    {
        return engine.history().bytes();
    }

    /** @return failures of enrichers, encoders, stages, listeners and the event log, survived and counted. */
    public long errors()
    {
        return engine.errors();
    }
}
