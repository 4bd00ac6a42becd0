package io.ringcast.relay.pg;

import io.ringcast.engine.CloseReason;
import io.ringcast.engine.Engine;
import io.ringcast.engine.Event;
import io.ringcast.engine.EventHandler;
import io.ringcast.engine.Filter;
import io.ringcast.engine.ResumeOutcome;
import io.ringcast.engine.SubscribeOptions;
import io.ringcast.engine.Subscription;
import io.ringcast.engine.SubscriptionListener;
import io.ringcast.engine.spi.ResumedStream;

/**
 * The same-node fast path of a vector resume: the id was stamped by this node in its current run
 * ({@code @<node>:<localId>}) and the event is still in memory, so the engine's own resume after that local id is
 * exact, needs no PostgreSQL, and every event it delivers carries a stamp at or beyond the client's position (the
 * stamps of one node only grow). Always {@link #caughtUp()}.
 *
 * <p>Threads: as {@link ResumedStream}; {@link #tryOpen} blocks until the subscription is registered.
 */
final class LocalResume implements ResumedStream
{
    private final Subscription subscription;
    private final String from;
    private final EventHandler passThrough = this::passThrough;
    private EventHandler handler;
    /** The last delivered event's id and formatted id (events are views, valid only while handed over). */
    private final LastDelivered last = new LastDelivered();

    private LocalResume(final Subscription subscription, final String from)
    {
        this.subscription = subscription;
        this.from = from;
    }

    /**
     * @return the resumed stream, or {@code null} when the id is not this node's current run's, or the event has
     *         left the in-memory history (then nothing stays subscribed and the caller resumes from the vector).
     */
    static ResumedStream tryOpen(
        final Engine engine, final Filter filter, final SubscribeOptions options, final ResumeVector from)
    {
        final long localId = from.stampLocalId();
        if (!engine.nodeId().equals(from.stampNode()) || localId < engine.firstId() ||
            localId > engine.lastDispatchedId() || localId <= engine.lastDispatchedId() - engine.metrics().historySize())
        {
            return null;
        }
        final Gate gate = new Gate(options.listener());
        final Subscription s = engine.subscribe(filter, copy(options).listener(gate).resumeAfter(localId));
        if (s.resumeOutcome() == ResumeOutcome.EXACT)
        {
            return new LocalResume(s, from.toString());
        }
        // evicted between the check and the registration (or a log replay started): the vector path is exact
        gate.shut = true;
        s.close();
        return null;
    }

    /** @return {@code o} without its listener and resume position. */
    static SubscribeOptions copy(final SubscribeOptions o)
    {
        return SubscribeOptions.defaults().queueCapacity(o.queueCapacity()).policy(o.policy())
            .disconnectAfterDrops(o.disconnectAfterDrops()).actingFor(o.actingFor());
    }

    @Override
    public int drain(final EventHandler handler, final int limit)
    {
        this.handler = handler;
        try
        {
            return subscription.drain(passThrough, limit);
        }
        finally
        {
            this.handler = null;
        }
    }

    private void passThrough(final Event e)
    {
        last.record(e);
        handler.onEvent(e);
    }

    @Override
    public boolean exact()
    {
        return true;
    }

    @Override
    public boolean caughtUp()
    {
        return true;
    }

    /** @return the last delivered event's own id (the position it resumed from before any). */
    @Override
    public String position()
    {
        return last.any() ? last.print() : from;
    }

    @Override
    public void close()
    {
        subscription.close();
    }

    /** Forwards callbacks to the caller's listener until shut, so a discarded attempt does not end the stream. */
    static final class Gate implements SubscriptionListener
    {
        private final SubscriptionListener target;
        volatile boolean shut;

        Gate(final SubscriptionListener target)
        {
            this.target = target;
        }

        @Override
        public void onAvailable()
        {
            if (!shut && target != null)
            {
                target.onAvailable();
            }
        }

        @Override
        public void onClosed(final CloseReason reason)
        {
            if (!shut && target != null)
            {
                target.onClosed(reason);
            }
        }
    }
}
