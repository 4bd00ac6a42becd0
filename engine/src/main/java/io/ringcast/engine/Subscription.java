package io.ringcast.engine;

/**
 * A consumer's handle on one subscription: drain its events, read its counters, close it.
 *
 * <p>Thread-safety: {@link #drain}, {@link #poll} and {@link #pending} are single-consumer: call them from one thread
 * at a time (for an SSE stream, its channel's event loop). Every other method is safe from any thread and lock-free.
 *
 * <p>Delivery order: first the resumed events (durable log, then in-memory history), then live events, in the order
 * the engine accepted them, each once. Events dropped under the slow-consumer policy are counted in
 * {@link #dropped()}; for every subscription {@code delivered() + dropped() == matched()} once the dispatcher has
 * processed an event.
 *
 * <p>A handle that becomes unreachable without being closed is closed by the engine ({@link CloseReason#ABANDONED});
 * a listener that holds a strong reference to its own handle prevents that, so close explicitly.
 *
 * <pre>{@code
 * try (Subscription s = engine.subscribe(Filter.topicPattern("orders/*"), SubscribeOptions.defaults()))
 * {
 *     int n = s.drain(event -> System.out.println(event.payloadAsString()), 256);
 * }
 * }</pre>
 */
public final class Subscription implements AutoCloseable
{
    private final Subscriber subscriber;

    Subscription(final Subscriber subscriber)
    {
        this.subscriber = subscriber;
    }

    /** @return a number unique among this engine's subscriptions. */
    public long id()
    {
        return subscriber.subscriptionId;
    }

    /** @return the filter this subscription was created with. */
    public Filter filter()
    {
        return subscriber.filter;
    }

    /**
     * Hands up to {@code limit} events to {@code handler}, on the calling thread. Queued events that left the history
     * before this call read them are skipped and counted in {@link #dropped()} (a {@code DISCONNECT} subscription
     * closes instead); they do not count toward {@code limit}.
     *
     * @return the number handed over. Fewer than {@code limit} means the subscription is drained and re-armed: its
     *         listener's {@link SubscriptionListener#onAvailable()} will be called when more arrive. Exactly
     *         {@code limit} means more may be waiting and no wake-up will come: call again.
     * @see EventReader#drain for a thread that drains many subscriptions: one copy of each event for all of them.
     */
    public int drain(final EventHandler handler, final int limit)
    {
        if (limit <= 0)
        {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        return subscriber.drain(handler, limit);
    }

    Subscriber subscriber()
    {
        return subscriber;
    }

    /** @return the next event, or {@code null} when there is none now. Re-arms like a short {@link #drain}. */
    public Event poll()
    {
        return subscriber.poll();
    }

    /** @return events waiting in the live queue (not counting any resume replay still to come). */
    public int depth()
    {
        return subscriber.queue.size();
    }

    /** @return entries the queue's array holds now (it grows on demand up to the capacity); for memory checks. */
    int allocatedQueueCapacity()
    {
        return subscriber.queue.allocatedCapacity();
    }

    /** @return matched live events handed to the consumer, or queued and still readable. */
    public long delivered()
    {
        return subscriber.delivered();
    }

    /** @return matched live events dropped: the queue was full, or the event left the history before it was read. */
    public long dropped()
    {
        return subscriber.dropped();
    }

    /** @return live events that matched this subscription. */
    public long matched()
    {
        return subscriber.matched();
    }

    /** @return events delivered from history or the durable log during resume. */
    public long replayed()
    {
        return subscriber.replayed();
    }

    /** @return events evicted from history before a slow resume could read them. */
    public long replayMissed()
    {
        return subscriber.replayMissed();
    }

    /** @return how the resume request was served; {@link ResumeOutcome#PENDING} until that is known. */
    public ResumeOutcome resumeOutcome()
    {
        return subscriber.resumeOutcome();
    }

    /** @return {@code true} once the dispatcher has registered the subscription: later publishes reach it. */
    public boolean isRegistered()
    {
        return subscriber.isRegistered();
    }

    /** @return {@code true} once closed, by any party. Queued events can still be drained. */
    public boolean isClosed()
    {
        return subscriber.isClosed();
    }

    /** @return why it closed, or {@code null} while open. */
    public CloseReason closeReason()
    {
        return subscriber.closeReason();
    }

    /** Closes the subscription: no further events are queued and the engine reclaims it. Idempotent. */
    @Override
    public void close()
    {
        subscriber.close(CloseReason.CLOSED_BY_CONSUMER);
    }

    @Override
    public String toString()
    {
        return "Subscription{id=" + id() + ", filter=" + filter() + ", delivered=" + delivered() +
            ", dropped=" + dropped() + ", depth=" + depth() + (isClosed() ? ", closed=" + closeReason() : "") + '}';
    }
}
