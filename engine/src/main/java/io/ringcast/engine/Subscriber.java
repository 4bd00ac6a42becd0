package io.ringcast.engine;

import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * The engine's side of one subscription: its filter, its bounded queue and its counters.
 *
 * <p>Thread-safety, field by field:
 * <ul>
 *     <li>the queue has exactly one producer, the dispatcher thread, and one consumer, whichever thread drains;</li>
 *     <li>{@code matched}, {@code delivered}, {@code dropped}, {@code indexKind} and {@code touchedBatch} are written
 *     only by the dispatcher (counters with opaque stores, so other threads read them lock-free);</li>
 *     <li>the replay cursor fields are written by the dispatcher once, before the release store of
 *     {@code registered}, and afterwards only by the draining thread;</li>
 *     <li>{@code state}, {@code armed} and {@code closeReason} are shared and changed by CAS or volatile store.</li>
 * </ul>
 * Only one thread at a time may drain (the usual single-consumer rule).
 */
final class Subscriber
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
    private static final VarHandle DELIVERED;
    private static final VarHandle DROPPED;
    private static final VarHandle REPLAYED;
    private static final VarHandle REPLAY_MISSED;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(Subscriber.class, "state", int.class);
            ARMED = lookup.findVarHandle(Subscriber.class, "armed", int.class);
            DELIVERED = lookup.findVarHandle(Subscriber.class, "delivered", long.class);
            DROPPED = lookup.findVarHandle(Subscriber.class, "dropped", long.class);
            REPLAYED = lookup.findVarHandle(Subscriber.class, "replayed", long.class);
            REPLAY_MISSED = lookup.findVarHandle(Subscriber.class, "replayMissed", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long subscriptionId;
    final Filter filter;
    final String principal;
    final SlowConsumerPolicy policy;
    final int disconnectAfterDrops;
    final long resumeAfter;
    final SubscriptionListener listener;
    final OneToOneConcurrentArrayQueue<Event> queue;
    final Engine engine;
    Object handleReference;

    // dispatcher-owned
    boolean indexed;
    int indexKind = INDEX_NONE;
    /** Set by the index: being found under its key proves the filter holds; only the audience rule is left. */
    boolean keyImpliesFilter;
    long touchedBatch = -1;
    private long delivered;
    private long dropped;
    /** Consumer progress (queue head plus replayed) last seen by the dispatcher on an overflow, and since when. */
    long progressMark = -1;
    long progressSinceNanos;

    // shared
    private volatile int state = OPEN;
    private volatile int armed = 1;
    private volatile CloseReason closeReason;
    private volatile boolean registered;
    private volatile ResumeOutcome resumeOutcome = ResumeOutcome.PENDING;
    private volatile boolean logReplayPending;
    private volatile List<Event> logReplay;

    // written by the dispatcher before `registered`, then owned by the draining thread
    private boolean replaying;
    private long replayNext;
    private long replayEnd;
    private int logReplayIndex;
    private long replayed;
    private long replayMissed;

    private Event polled;
    private final EventHandler pollHandler = e -> polled = e;
    private EventHandler drainTarget;
    private final java.util.function.Consumer<Event> drainAdapter = e -> drainTarget.onEvent(e);

    Subscriber(
        final Engine engine,
        final long subscriptionId,
        final Filter filter,
        final SubscribeOptions options,
        final int queueCapacity)
    {
        this.engine = engine;
        this.subscriptionId = subscriptionId;
        this.filter = filter;
        this.principal = options.actingFor();
        this.policy = options.policy();
        this.disconnectAfterDrops = options.disconnectAfterDrops();
        this.resumeAfter = options.resumeAfter();
        this.listener = options.listener();
        this.queue = new OneToOneConcurrentArrayQueue<>(queueCapacity);
    }

    // ---------------------------------------------------------------- dispatcher side

    /** Dispatcher, for an event found under this subscriber's index key: the filter and the private-event rule hold. */
    boolean acceptsIndexed(final Event e)
    {
        return (keyImpliesFilter || filter.matches(e)) && (e.audience == null || e.audience.equals(principal));
    }

    /** Any thread (replay): the filter and the private-event rule both hold. */
    boolean accepts(final Event e)
    {
        return filter.matches(e) && (e.audience == null || e.audience.equals(principal));
    }

    /**
     * Dispatcher: offer one matched event. Only {@code delivered} or {@code dropped} is stored, one opaque store per
     * event; {@code matched} is their sum, so {@code delivered + dropped == matched} holds by construction.
     *
     * @return {@code true} when it was queued.
     */
    boolean offer(final Event e)
    {
        if (queue.offer(e))
        {
            DELIVERED.setOpaque(this, delivered + 1);
            return true;
        }
        DROPPED.setOpaque(this, dropped + 1);
        return false;
    }

    /**
     * Dispatcher: registration at ring position {@code liveFrom}; sets the replay range and outcome.
     */
    void register(final long replayFrom, final long liveFrom, final ResumeOutcome outcome, final boolean logPending)
    {
        this.replayNext = replayFrom;
        this.replayEnd = liveFrom;
        this.replaying = logPending || replayFrom <= liveFrom;
        this.logReplayPending = logPending;
        if (!logPending)
        {
            this.resumeOutcome = outcome;
        }
        this.registered = true;
        if (listener != null)
        {
            try
            {
                listener.onRegistered(logPending ? ResumeOutcome.PENDING : outcome);
            }
            catch (final Throwable t)
            {
                engine.onListenerError(t);
            }
        }
        if (outcome == ResumeOutcome.GAP || (replaying && !logPending))
        {
            wake();
        }
    }

    /** Replay thread: the durable log's part of the replay is ready. */
    void logReplayDone(final List<Event> events, final ResumeOutcome outcome)
    {
        this.logReplay = events;
        this.resumeOutcome = outcome;
        this.logReplayPending = false;
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

    int drain(final EventHandler handler, final int limit)
    {
        if (!registered)
        {
            return 0;
        }
        int n = 0;
        if (replaying)
        {
            n = drainReplay(handler, limit);
            if (replaying || n == limit)
            {
                return n;
            }
        }
        final OneToOneConcurrentArrayQueue<Event> queue = this.queue;
        drainTarget = handler;
        try
        {
            while (n < limit)
            {
                // Agrona's batched drain publishes the consumer index once per call, not once per event, so the
                // dispatcher's full-queue check does not miss the cache on every event
                final int taken = queue.drain(drainAdapter, limit - n);
                n += taken;
                if (n == limit || listener == null || !rearm())
                {
                    break;
                }
            }
        }
        finally
        {
            drainTarget = null;
        }
        return n;
    }

    Event poll()
    {
        polled = null;
        drain(pollHandler, 1);
        final Event e = polled;
        polled = null;
        return e;
    }

    /** Arms the wake-up; @return {@code true} when events raced in and this thread took them back. */
    private boolean rearm()
    {
        ARMED.setVolatile(this, 1);
        return !queue.isEmpty() && ARMED.compareAndSet(this, 1, 0);
    }

    private int drainReplay(final EventHandler handler, final int limit)
    {
        if (logReplayPending)
        {
            return 0;
        }
        int n = 0;
        final List<Event> log = logReplay;
        if (log != null)
        {
            while (n < limit && logReplayIndex < log.size())
            {
                final Event e = log.get(logReplayIndex++);
                if (accepts(e))
                {
                    handler.onEvent(e);
                    REPLAYED.setOpaque(this, replayed + 1);
                    n++;
                }
            }
            if (logReplayIndex < log.size())
            {
                return n;
            }
            logReplay = null;
        }
        final History history = engine.history();
        while (n < limit && replayNext <= replayEnd)
        {
            final Event e = history.get(replayNext);
            if (e == null)
            {
                final long resumeAt = Math.min(history.tail(), replayEnd + 1);
                REPLAY_MISSED.setOpaque(this, replayMissed + Math.max(1, resumeAt - replayNext));
                if (policy == SlowConsumerPolicy.DISCONNECT)
                {
                    replaying = false;
                    close(CloseReason.SLOW_CONSUMER);
                    return n;
                }
                replayNext = Math.max(resumeAt, replayNext + 1);
                continue;
            }
            replayNext++;
            if (accepts(e))
            {
                handler.onEvent(e);
                REPLAYED.setOpaque(this, replayed + 1);
                n++;
            }
        }
        if (replayNext > replayEnd)
        {
            replaying = false;
        }
        return n;
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
        return delivered() + dropped();
    }

    long delivered()
    {
        return (long)DELIVERED.getOpaque(this);
    }

    long dropped()
    {
        return (long)DROPPED.getOpaque(this);
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
