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

    /** @return event copies accepted into subscriber queues. */
    public long delivered()
    {
        return engine.dispatcher().delivered();
    }

    /** @return event copies dropped because a subscriber queue was full. */
    public long dropped()
    {
        return engine.dispatcher().dropped();
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

    /** @return free ring slots. */
    public long ringRemainingCapacity()
    {
        return engine.ring().remainingCapacity();
    }

    /** @return ring slots in all. */
    public int ringSize()
    {
        return engine.ring().getBufferSize();
    }

    /** @return events held in history. */
    public long historySize()
    {
        return engine.history().size();
    }

    /** @return estimated bytes held in history. */
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
