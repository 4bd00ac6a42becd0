package io.ringcast.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * The engine's side of one subscription: its filter, its bounded queue and its counters.
 *
 * <p>Thread-safety, field by field:
 * <ul>
 *     <li>the queue has exactly one producer, the dispatcher thread, and one consumer, whichever thread drains;</li>
 *     <li>{@code indexKind}, {@code touchedBatch} and the progress mark are written only by the dispatcher; the
 *     dispatcher's counters (queued, refused because full) are the queue's own producer-side fields, so a delivery
 *     writes nothing to this object (whose fields the consumer reads on every drain);</li>
 *     <li>the {@link ReplayCursor} is created by the dispatcher before the release store of
 *     {@code registered}, and afterwards only by the draining thread;</li>
 *     <li>{@code state}, {@code armed} and {@code closeReason} are shared and changed by CAS or volatile store.</li>
 * </ul>
 * Only one thread at a time may drain (the usual single-consumer rule).
 */
final class Subscriber extends SubscriberHotFields
{
    static final int INDEX_NONE = 0;
    static final int INDEX_TOPIC = 1;
    static final int INDEX_PREFIX = 2;
    static final int INDEX_AUDIENCE = 3;
    static final int INDEX_WILDCARD = 4;
    static final int INDEX_REMOVED = 5;

    static final int OPEN = 0;
    static final int CLOSED = 1;

    private static final VarHandle STATE;
    private static final VarHandle ARMED;
    private static final VarHandle REPLAYED;
    private static final VarHandle REPLAY_MISSED;
    private static final VarHandle OVERWRITTEN;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(SubscriberHotFields.class, "state", int.class);
            ARMED = lookup.findVarHandle(Subscriber.class, "armed", int.class);
            REPLAYED = lookup.findVarHandle(Subscriber.class, "replayed", long.class);
            REPLAY_MISSED = lookup.findVarHandle(Subscriber.class, "replayMissed", long.class);
            OVERWRITTEN = lookup.findVarHandle(Subscriber.class, "overwritten", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long subscriptionId;
    final SlowConsumerPolicy policy;
    final int disconnectAfterDrops;
    final long resumeAfter;
    Object handleReference;

    // dispatcher-owned
    boolean indexed;
    int indexKind = INDEX_NONE;
    long touchedBatch = -1;
    /** Consumer progress (queue head plus replayed) last seen by the dispatcher on an overflow, and since when. */
    long progressMark = -1;
    long progressSinceNanos;

    // shared
    private volatile int armed = 1;
    private volatile CloseReason closeReason;
    private volatile ResumeOutcome resumeOutcome = ResumeOutcome.PENDING;

    // written by the dispatcher before `registered`, then owned by the draining thread
    private long replayed;
    private long replayMissed;
    /** Queued positions whose event was evicted before this consumer read it: drops, counted by the consumer. */
    private long overwritten;

    private Event polled;
    /** Created on the first poll: most subscriptions drain. */
    private EventHandler pollHandler;

    Subscriber(
        final Engine engine,
        final long subscriptionId,
        final Filter filter,
        final SubscribeOptions options,
        final int queueCapacity)
    {
        super(engine, filter, options.actingFor(), options.listener(), new PositionQueue(queueCapacity));
        this.subscriptionId = subscriptionId;
        this.policy = options.policy();
        this.disconnectAfterDrops = options.disconnectAfterDrops();
        this.resumeAfter = options.resumeAfter();
    }

    // ---------------------------------------------------------------- dispatcher side

    /**
     * Dispatcher, for an event found under this subscriber's index key: the filter and the private-event rule hold.
     *
     * @param audience the event's audience ({@link Event#audience()}), read once for the whole candidate list.
     */
    boolean acceptsIndexed(final Event e, final String audience)
    {
        if (!keyImpliesFilter && !filter.matches(e))
        {
            return false;
        }
        return audience == null || audience.equals(principal);
    }

    /** Any thread (replay): the filter and the private-event rule both hold. */
    boolean accepts(final Event e)
    {
        if (!filter.matches(e))
        {
            return false;
        }
        final String audience = e.audience();
        return audience == null || audience.equals(principal);
    }

    /**
     * Dispatcher: offer the ring position of one matched event. The queue counts both outcomes on its producer side:
     * queued (its tail) or refused because full; a queued position whose event is evicted before the consumer reads
     * it moves from delivered to dropped through the consumer's {@code overwritten} count, so
     * {@code delivered() + dropped() == matched()} holds by construction.
     *
     * @return {@code true} when it was queued.
     */
    boolean offer(final long position)
    {
        return queue.offer(position);
    }

    /** Dispatcher: registration as planned (between two events); sets up the replay and the outcome. */
    void register(final ResumePlan plan)
    {
        final boolean replaying = plan.fromLog() || plan.replayFrom() <= plan.liveFrom();
        if (replaying)
        {
            this.replay = new ReplayCursor(this, plan);
        }
        if (!plan.fromLog())
        {
            this.resumeOutcome = plan.outcome();
        }
        this.registered = true; // volatile store: publishes the cursor to the consumer
        if (listener != null)
        {
            try
            {
                listener.onRegistered(plan.fromLog() ? ResumeOutcome.PENDING : plan.outcome());
            }
            catch (final Throwable t)
            {
                engine.onListenerError(t);
            }
        }
        if (plan.outcome() == ResumeOutcome.GAP || (replaying && !plan.fromLog()))
        {
            wake();
        }
    }

    /**
     * Replay thread: the durable log's first page (or its whole part) is ready.
     *
     * @param more the log's reader for the next page, or {@code null} when this was all.
     */
    void logReplayDone(final List<Event> events, final ResumeOutcome outcome, final EventLog.Reader more)
    {
        this.resumeOutcome = outcome;
        replay.logPage(events, outcome == ResumeOutcome.EXACT, more);
        if (listener != null)
        {
            try
            {
                listener.onResumeOutcome(outcome);
            }
            catch (final Throwable t)
            {
                engine.onListenerError(t);
            }
        }
        wake();
    }

    /** Replay thread: a later page of the durable log is ready (see {@link ReplayCursor#logPage}). */
    void logPageRead(final List<Event> events, final boolean complete, final EventLog.Reader more)
    {
        replay.logPage(events, complete, more);
        wake();
    }

    /** Consumer (replay): one more event handed over from the log or the history. */
    void countReplayed()
    {
        REPLAYED.setOpaque(this, replayed + 1);
    }

    /** Consumer (replay): events the history evicted before the replay reached them. */
    void countReplayMissed(final long events)
    {
        REPLAY_MISSED.setOpaque(this, replayMissed + events);
    }

    /** Any engine thread: call the listener if the consumer is waiting for a wake-up. */
    void wake()
    {
        if (listener != null && armed == 1 && ARMED.compareAndSet(this, 1, 0))
        {
            try
            {
                listener.onAvailable();
            }
            catch (final Throwable t)
            {
                engine.onListenerError(t);
            }
        }
    }

    /**
     * Closes with {@code reason} if still open.
     *
     * @return {@code true} for the call that closed it.
     */
    boolean tryClose(final CloseReason reason)
    {
        if (STATE.compareAndSet(this, OPEN, CLOSED))
        {
            closeReason = reason;
            final ReplayCursor cursor = registered ? replay : null;
            if (cursor != null)
            {
                cursor.release();
            }
            if (listener != null)
            {
                try
                {
                    listener.onClosed(reason);
                }
                catch (final Throwable t)
                {
                    engine.onListenerError(t);
                }
            }
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- consumer side

    /**
     * Dispatcher, on an overflow: {@code true} when the consumer has made no progress (taken nothing from the queue,
     * replayed nothing) for {@code timeoutNanos} while events were dropping. Progress is read from the queue's own
     * consumer index, so draining writes nothing extra for this check.
     */
    boolean abandoned(final long nowNanos, final long timeoutNanos)
    {
        final long progress = queue.removedCount() + replayed();
        if (progress != progressMark)
        {
            progressMark = progress;
            progressSinceNanos = nowNanos;
            return false;
        }
        return nowNanos - progressSinceNanos > timeoutNanos;
    }

    /** Consumer: {@link Subscription#drain}, through this subscription's own copy of each event. */
    int drain(final EventHandler handler, final int limit)
    {
        return drain(handler, limit, ownReads());
    }

    /** Consumer: hands up to {@code limit} events over, reading each through {@code reads}. */
    int drain(final EventHandler handler, final int limit, final EventReads reads)
    {
        if (!registered)
        {
            return 0;
        }
        int n = 0;
        final ReplayCursor replay = this.replay;
        if (replay != null)
        {
            while (true)
            {
                n += replay.drain(handler, limit - n, engine.history(), reads);
                if (n == limit)
                {
                    return n;
                }
                if (!replay.isActive())
                {
                    break;
                }
                // waiting for the durable log's next page: arm, so the page's wake-up reaches the listener
                if (listener == null || isClosed() || !rearmForLogPage(replay))
                {
                    return n;
                }
            }
            this.replay = null;
        }
        while (n < limit)
        {
            n += drainQueue(handler, limit - n, reads);
            if (n == limit || listener == null || isClosed() || !rearm())
            {
                break;
            }
        }
        return n;
    }

    /**
     * Reads each queued position's event through {@code reads} and hands it over, until {@code limit} are handed or
     * the queue is empty; positions whose event was evicted meanwhile are counted as drops ({@code DISCONNECT}
     * closes) and do not count toward {@code limit}, so a call that hands over fewer than {@code limit} has emptied the
     * queue (a consumer that fell behind skips every stale position in one call instead of returning 0 and idling
     * while more go stale). At most the queue's array is read per call: the head is released once per call.
     */
    private int drainQueue(final EventHandler handler, final int limit, final EventReads reads)
    {
        final PositionQueue queue = this.queue;
        long position = queue.peek(0);
        if (position == PositionQueue.NONE)
        {
            return 0;
        }
        final History history = engine.history();
        final EventReads batchReads = reads.forBatch(limit, queue);
        int taken = 0;
        int handed = 0;
        try
        {
            while (true)
            {
                taken++;
                final Event event = batchReads.read(history, position);
                if (event != null)
                {
                    handed++;
                    handler.onEvent(event);
                }
                else if (onOverwritten())
                {
                    break;
                }
                if (handed == limit || (position = queue.peek(taken)) == PositionQueue.NONE)
                {
                    break;
                }
            }
        }
        finally
        {
            queue.advance(taken);
        }
        return handed;
    }

    /** Consumer: a queued event was evicted before it was read. @return {@code true} when the subscription closed. */
    private boolean onOverwritten()
    {
        OVERWRITTEN.setOpaque(this, overwritten + 1);
        engine.countOverwritten();
        if (policy == SlowConsumerPolicy.DISCONNECT)
        {
            close(CloseReason.SLOW_CONSUMER);
            return true;
        }
        return false;
    }

    /** Consumer: the subscription's own view, created on first use. */
    private OwnView ownReads()
    {
        OwnView reads = this.ownReads;
        if (reads == null)
        {
            reads = new OwnView();
            this.ownReads = reads;
        }
        return reads;
    }

    Event poll()
    {
        polled = null;
        EventHandler handler = pollHandler;
        if (handler == null)
        {
            handler = this::setPolled;
            pollHandler = handler;
        }
        drain(handler, 1);
        final Event e = polled;
        polled = null;
        return e;
    }

    private void setPolled(final Event e)
    {
        polled = e;
    }

    /**
     * Arms the wake-up while the replay waits for the log's next page; @return {@code true} when the page raced in and
     * this thread took the wake-up back (the replay thread stores the page, then reads {@code armed} in {@link #wake}).
     */
    boolean rearmForLogPage(final ReplayCursor replay)
    {
        ARMED.setVolatile(this, 1);
        return !replay.isLogPending() && ARMED.compareAndSet(this, 1, 0);
    }

    /** Arms the wake-up; @return {@code true} when events raced in and this thread took them back. */
    boolean rearm()
    {
        ARMED.setVolatile(this, 1);
        return !queue.isEmpty() && ARMED.compareAndSet(this, 1, 0);
    }

    /** Any thread: close from the consumer side; the dispatcher reclaims the slot. */
    void close(final CloseReason reason)
    {
        if (tryClose(reason))
        {
            engine.reclaim(this);
        }
    }

    // ---------------------------------------------------------------- lock-free reads

    boolean isClosed()
    {
        return state == CLOSED;
    }

    boolean isRegistered()
    {
        return registered;
    }

    CloseReason closeReason()
    {
        return closeReason;
    }

    ResumeOutcome resumeOutcome()
    {
        return resumeOutcome;
    }

    long matched()
    {
        return queue.offered() + queue.refused();
    }

    long delivered()
    {
        return queue.offered() - (long)OVERWRITTEN.getOpaque(this);
    }

    long dropped()
    {
        return queue.refused() + (long)OVERWRITTEN.getOpaque(this);
    }

    /** Dispatcher: drops it counted itself (queue full), for the slow-consumer policy. */
    long queueFullDrops()
    {
        return queue.refusedByProducer();
    }

    long replayed()
    {
        return (long)REPLAYED.getOpaque(this);
    }

    long replayMissed()
    {
        return (long)REPLAY_MISSED.getOpaque(this);
    }
}

/**
 * The fields of {@link Subscriber} that the dispatcher reads for every delivery (state, key flag, filter, principal,
 * queue, listener) and the consumer for every drain (registered, replay, queue, listener, engine, own copies), declared
 * first so they sit together at the start of the object, in one or two cache lines instead of spread over three.
 * None of them is written per event: {@code state} and {@code registered} change once, {@code replay} and
 * {@code ownReads} once or twice per subscription. See {@link Subscriber} for who writes each and in which memory
 * order.
 */
abstract class SubscriberHotFields
{
    final Engine engine;
    final Filter filter;
    final String principal;
    final SubscriptionListener listener;
    final PositionQueue queue;
    /** {@link Subscriber#OPEN} or {@link Subscriber#CLOSED}; changed by compare-and-set. */
    volatile int state = Subscriber.OPEN;
    /** Set by the index (dispatcher): found under its key, the filter holds; only the audience rule is left. */
    boolean keyImpliesFilter;
    /** Volatile store by the dispatcher at registration: publishes {@link #replay} to the consumer. */
    volatile boolean registered;
    /** Set for a resume by the dispatcher before {@link #registered}, then the draining thread's; {@code null} when done. */
    ReplayCursor replay;
    /**
     * The consumer's own copy of the event it hands over in {@link Subscription#drain}; created on the first such
     * delivery, so idle costs nothing (an {@link EventReader} uses its own).
     */
    OwnView ownReads;

    SubscriberHotFields(
        final Engine engine, final Filter filter, final String principal, final SubscriptionListener listener,
        final PositionQueue queue)
    {
        this.engine = engine;
        this.filter = filter;
        this.principal = principal;
        this.listener = listener;
        this.queue = queue;
    }
}
