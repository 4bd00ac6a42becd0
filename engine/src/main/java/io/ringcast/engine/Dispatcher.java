package io.ringcast.engine;

import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The engine's one ring handler. For each ring slot, in sequence order, it runs the stages of the handler graph:
 * <pre>
 *   publishers ──▶ ring ──▶ [ enrich ─▶ id ─▶ encode ─▶ history ─▶ stages ─▶ dispatch ] ──▶ subscriber queues
 *                               (one thread: ringcast-dispatcher)
 * </pre>
 * and between batches it applies subscription commands (subscribe, unsubscribe, close topic), wakes subscribers that
 * received events, and does housekeeping.
 *
 * <p>Thread-safety: every method except the counter getters runs on the dispatcher thread, which is the single writer
 * of the subscription index, the history and every subscriber's counters. Counter getters may be called from any
 * thread (opaque reads of monotonic counters).
 */
final class Dispatcher
{
    private static final int COMMAND_DRAIN_LIMIT = 4096;
    /** The abandonment check (a clock read) runs on the 1st, 65th, 129th... drop of a subscriber, not on each. */
    private static final int ABANDON_CHECK_SHIFT = 6;
    /**
     * The most events in one run ({@link #flushRun}): enough to load each subscriber's fields once per many events,
     * few enough that a run's slots are still retained when it is offered.
     */
    static final int RUN_LIMIT = 64;
    /** Lists with fewer subscribers are offered each event at once: a run saves nothing there. */
    static final int RUN_MIN_SUBSCRIBERS = 3;
    private static final VarHandle DELIVERED;
    private static final VarHandle DROPPED;
    private static final VarHandle EVALUATIONS;
    private static final VarHandle ACTIVE;
    private static final VarHandle LAST_SEQUENCE;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            DELIVERED = lookup.findVarHandle(Dispatcher.class, "delivered", long.class);
            DROPPED = lookup.findVarHandle(Dispatcher.class, "dropped", long.class);
            EVALUATIONS = lookup.findVarHandle(Dispatcher.class, "filterEvaluations", long.class);
            ACTIVE = lookup.findVarHandle(Dispatcher.class, "activeSubscriptions", int.class);
            LAST_SEQUENCE = lookup.findVarHandle(Dispatcher.class, "lastSequence", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Engine engine;
    private final long idBase;
    private final Enricher[] enrichers;
    private final EventEncoder encoder;
    private final EventIdFormatter idFormatter;
    private final EventStage[] stages;
    private final EventFollower follower;
    private final History history;
    private final SubscriptionIndex index = new SubscriptionIndex();
    private final ManyToOneConcurrentArrayQueue<Command> commands;
    private final DispatcherWaitStrategy waitStrategy;
    private final long abandonTimeoutNanos;
    private final long housekeepingNanos;
    private final Consumer<Command> commandApplier = this::apply;

    /**
     * A run: consecutive events whose one candidate list is {@link #runList}, offered together by {@link #flushRun}
     * (per subscriber, every event of the run, so a subscriber's fields and queue are loaded once per run, not once per
     * event). Runs keep ring order: any other event flushes the run first, and every batch's end does.
     */
    private SubscriberList runList;
    private final long[] runSequences = new long[RUN_LIMIT];
    private final Event[] runEvents = new Event[RUN_LIMIT];
    private final String[] runAudiences = new String[RUN_LIMIT];
    private int runLength;
    /** Some event of the run is private: each subscriber's acting user is checked per event. */
    private boolean runHasAudience;
    /** The current event's first candidate list, held until the index has named them all. */
    private SubscriberList firstCandidate;
    private int candidates;

    private Subscriber[] touched = new Subscriber[64];
    private int touchedCount;
    private long batch;
    private final SubscriberList pendingRemovals = new SubscriberList();
    private long nextHousekeepingNanos;

    /** The time stamped on the local events of the current batch; never decreases (dispatcher-only). */
    private long batchTimeMs;
    /** The next local event reads the clock: set at the end of each batch (dispatcher-only). */
    private boolean clockDue = true;
    private long lastSequence = -1;
    /** The last sequence through {@link #onEvent} (dispatcher-only, plain); {@code lastSequence} once offered. */
    private long seenSequence = -1;
    private long delivered;
    private long dropped;
    private long filterEvaluations;
    private int activeSubscriptions;

    Dispatcher(
        final Engine engine,
        final EngineConfig config,
        final long idBase,
        final History history,
        final ManyToOneConcurrentArrayQueue<Command> commands,
        final DispatcherWaitStrategy waitStrategy)
    {
        this.engine = engine;
        this.idBase = idBase;
        this.enrichers = config.enrichers().toArray(new Enricher[0]);
        this.encoder = config.encoder();
        this.idFormatter = config.idFormatter();
        this.stages = config.stages().toArray(new EventStage[0]);
        this.follower = config.follower();
        this.history = history;
        this.commands = commands;
        this.waitStrategy = waitStrategy;
        this.abandonTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.abandonTimeoutMs());
        this.housekeepingNanos = TimeUnit.MILLISECONDS.toNanos(config.housekeepingIntervalMs());
    }

    /** One dispatched event: the stages, then dispatch; at the end of a batch, {@link #endBatch()}. */
    void onEvent(final Event event, final long sequence, final boolean endOfBatch)
    {
        event.clearDerived(); // what the stages computed for the slot's previous event: no publisher touches it
        final long id = idBase + sequence;
        event.id = id;
        if (event.isLocal())
        {
            event.timestampMs = batchTime(); // origin and origin sequence follow: this node, the id (Event#extras)
        }

        for (final Enricher enricher : enrichers)
        {
            try
            {
                final Attributes enriched = enricher.enrich(event);
                if (enriched != null)
                {
                    event.enrichAttributes(enriched);
                }
            }
            catch (final Throwable t)
            {
                engine.onError("enricher", t);
            }
        }
        if (idFormatter != null)
        {
            formatId(event);
        }
        if (encoder != null)
        {
            try
            {
                event.setEncoded(encoder.encode(event));
            }
            catch (final Throwable t)
            {
                engine.onError("encoder", t);
            }
        }
        event.publishAs(sequence);
        history.append(sequence, event);
        for (final EventStage stage : stages)
        {
            try
            {
                stage.onEvent(event, endOfBatch);
            }
            catch (final Throwable t)
            {
                engine.onError("stage", t);
            }
        }
        candidates = 0;
        firstCandidate = null;
        index.dispatch(event, sequence, this);
        seenSequence = sequence;
        if (candidates == 1 && firstCandidate.size < RUN_MIN_SUBSCRIBERS)
        {
            // a list of one or two (routing): nothing to share between its events' offers
            flushRun();
            offer(firstCandidate, event, sequence);
            firstCandidate = null;
        }
        else if (candidates == 1)
        {
            final SubscriberList list = firstCandidate;
            if (list != runList || runLength == RUN_LIMIT)
            {
                flushRun();
                runList = list;
            }
            final String audience = event.audience();
            runHasAudience |= audience != null;
            runEvents[runLength] = event;
            runAudiences[runLength] = audience;
            runSequences[runLength++] = sequence;
            firstCandidate = null;
        }
        candidates = 0;
        if (pendingRemovals.size != 0)
        {
            applyRemovals();
        }
        if (runLength == 0)
        {
            // also the dispatched count: sequences start at 0, none skipped; with a run pending, flushRun stores it
            LAST_SEQUENCE.setOpaque(this, sequence);
        }
        if (endOfBatch)
        {
            endBatch();
        }
    }

    /**
     * The time a local event entered the ordered log: one clock read per batch, never lower than the previous batch's
     * (a wall clock stepped back does not reorder timestamps against ids).
     */
    private long batchTime()
    {
        if (clockDue)
        {
            clockDue = false;
            batchTimeMs = Math.max(batchTimeMs, System.currentTimeMillis());
        }
        return batchTimeMs;
    }

    private void formatId(final Event event)
    {
        try
        {
            final String id = idFormatter.format(event);
            if (id != null)
            {
                if (!printableId(id))
                {
                    throw new IllegalArgumentException("an event id must be 1.." + EventIdFormatter.MAX_LENGTH +
                        " printable ASCII characters (0x21..0x7e); the formatter returned '" +
                        id.substring(0, Math.min(id.length(), 80)).replaceAll("[^\\x21-\\x7e]", "?") + "'");
                }
                event.setFormattedId(id);
            }
        }
        catch (final Throwable t)
        {
            engine.onError("idFormatter", t);
        }
    }

    private static boolean printableId(final String id)
    {
        final int length = id.length();
        if (length == 0 || length > EventIdFormatter.MAX_LENGTH)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            final char c = id.charAt(i);
            if (c < 0x21 || c > 0x7e)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The index names one candidate list of the event being dispatched. The first is held: an event whose only list
     * it is joins the run ({@link #onEvent}); a second one flushes the run and offers the event to both at once.
     */
    void dispatchTo(final SubscriberList list, final Event event, final long sequence)
    {
        if (candidates++ == 0)
        {
            firstCandidate = list;
            return;
        }
        if (candidates == 2)
        {
            flushRun();
            offer(firstCandidate, event, sequence);
            firstCandidate = null;
        }
        offer(list, event, sequence);
    }

    /**
     * Offers the run's events to every subscriber of its list, each subscriber every event its filter accepts, in ring
     * order; then stores the dispatched position (what {@link #lastSequence()} says was offered).
     */
    private void flushRun()
    {
        final int length = runLength;
        if (length == 0)
        {
            return;
        }
        final SubscriberList list = runList;
        final Subscriber[] items = list.items;
        final int size = list.size;
        final long[] sequences = runSequences;
        final Event[] events = runEvents;
        final String[] audiences = runAudiences;
        long queued = 0;
        long refused = 0;
        for (int i = 0; i < size; i++)
        {
            final Subscriber s = items[i];
            if (s.isClosed())
            {
                pendingRemovals.add(s);
                continue;
            }
            boolean queuedAny = false;
            if (s.keyImpliesFilter && !runHasAudience)
            {
                // every event of the run is this subscriber's: offered in one call
                final long dropsBefore = s.queueFullDrops();
                final int accepted = s.queue.offer(sequences, length);
                queued += accepted;
                queuedAny = accepted != 0;
                if (accepted != length)
                {
                    refused += length - accepted;
                    onOverflow(s, dropsBefore);
                }
            }
            else for (int k = 0; k < length; k++)
            {
                if (!s.acceptsIndexed(events[k], audiences[k]))
                {
                    continue;
                }
                if (s.offer(sequences[k]))
                {
                    queued++;
                    queuedAny = true;
                }
                else
                {
                    refused++;
                    onOverflow(s);
                    if (s.isClosed())
                    {
                        break;
                    }
                }
            }
            if (queuedAny && s.listener != null && s.touchedBatch != batch)
            {
                s.touchedBatch = batch;
                addTouched(s);
            }
        }
        EVALUATIONS.setOpaque(this, filterEvaluations + (long)size * length);
        if (queued != 0)
        {
            DELIVERED.setOpaque(this, delivered + queued);
        }
        if (refused != 0)
        {
            DROPPED.setOpaque(this, dropped + refused);
        }
        runLength = 0;
        runHasAudience = false;
        if (pendingRemovals.size != 0)
        {
            applyRemovals();
        }
        LAST_SEQUENCE.setOpaque(this, seenSequence);
    }

    /**
     * Offers {@code event} to every subscriber in {@code list} whose filter accepts it. The engine-wide counters are
     * summed in locals and stored once per list (opaque), not once per delivery.
     */
    private void offer(final SubscriberList list, final Event event, final long sequence)
    {
        final Subscriber[] items = list.items;
        final int size = list.size;
        long queued = 0;
        long refused = 0;
        final String audience = event.audience(); // once per list, not once per subscriber
        for (int i = 0; i < size; i++)
        {
            final Subscriber s = items[i];
            if (s.isClosed())
            {
                pendingRemovals.add(s);
                continue;
            }
            if (!s.acceptsIndexed(event, audience))
            {
                continue;
            }
            if (s.offer(sequence))
            {
                queued++;
                if (s.listener != null && s.touchedBatch != batch)
                {
                    s.touchedBatch = batch;
                    addTouched(s);
                }
            }
            else
            {
                refused++;
                onOverflow(s);
            }
        }
        EVALUATIONS.setOpaque(this, filterEvaluations + size);
        if (queued != 0)
        {
            DELIVERED.setOpaque(this, delivered + queued);
        }
        if (refused != 0)
        {
            DROPPED.setOpaque(this, dropped + refused);
        }
    }

    /** One offer to {@code s} was refused. */
    private void onOverflow(final Subscriber s)
    {
        onOverflow(s, s.queueFullDrops() - 1);
    }

    /**
     * Offers to {@code s} were refused since its count of refusals was {@code dropsBefore}: the slow-consumer policy,
     * and the abandonment check when the count passed the 1st, 65th, 129th... refusal.
     */
    private void onOverflow(final Subscriber s, final long dropsBefore)
    {
        if (s.policy == SlowConsumerPolicy.DISCONNECT && s.dropped() >= s.disconnectAfterDrops)
        {
            closeAndRemove(s, CloseReason.SLOW_CONSUMER);
        }
        else if (abandonTimeoutNanos > 0 &&
            ((s.queueFullDrops() - 1) >>> ABANDON_CHECK_SHIFT) != ((dropsBefore - 1) >>> ABANDON_CHECK_SHIFT) &&
            s.abandoned(System.nanoTime(), abandonTimeoutNanos))
        {
            closeAndRemove(s, CloseReason.ABANDONED);
        }
    }

    private void closeAndRemove(final Subscriber s, final CloseReason reason)
    {
        s.tryClose(reason);
        pendingRemovals.add(s);
    }

    private void addTouched(final Subscriber s)
    {
        if (touchedCount == touched.length)
        {
            touched = Arrays.copyOf(touched, touchedCount << 1);
        }
        touched[touchedCount++] = s;
    }

    private void applyRemovals()
    {
        for (int i = 0; i < pendingRemovals.size; i++)
        {
            remove(pendingRemovals.items[i]);
            pendingRemovals.items[i] = null;
        }
        pendingRemovals.size = 0;
    }

    private void remove(final Subscriber s)
    {
        if (s.indexed)
        {
            index.remove(s);
            ACTIVE.setOpaque(this, index.size());
        }
    }

    private void endBatch()
    {
        flushRun(); // before the history's gating release: a run's slots stay as they are until then
        clockDue = true;
        history.endBatch();
        if (follower != null)
        {
            try
            {
                follower.onDispatched();
            }
            catch (final Throwable t)
            {
                engine.onError("follower", t);
            }
        }
        if (touchedCount != 0)
        {
            VarHandle.fullFence(); // StoreLoad: queue stores before reading each consumer's armed flag
            for (int i = 0; i < touchedCount; i++)
            {
                touched[i].wake();
                touched[i] = null;
            }
            touchedCount = 0;
        }
        batch++;
        processCommands();
        final long now = System.nanoTime();
        if (now - nextHousekeepingNanos > 0)
        {
            housekeeping(now);
        }
    }

    /**
     * A duty cycle without events: the history's eviction a follower held back, the stages' idle hook, commands, and
     * housekeeping when due.
     *
     * @return commands applied.
     */
    int onIdle()
    {
        flushRun(); // a batch whose last event failed did not reach its end
        history.evictFollowed();
        stagesIdle();
        final int applied = processCommands();
        final long now = System.nanoTime();
        if (now - nextHousekeepingNanos > 0)
        {
            housekeeping(now);
        }
        return applied;
    }

    /**
     * The ring is drained: every stage's {@link EventStage#onIdle()} (own thread: each empty duty cycle; driven: also
     * when the driver goes idle, since no empty cycle may follow).
     */
    void stagesIdle()
    {
        if (follower != null)
        {
            try
            {
                follower.onIdle();
            }
            catch (final Throwable t)
            {
                engine.onError("follower", t);
            }
        }
        for (final EventStage stage : stages)
        {
            try
            {
                stage.onIdle();
            }
            catch (final Throwable t)
            {
                engine.onError("stage", t);
            }
        }
    }

    private int processCommands()
    {
        waitStrategy.clearCommandPending();
        final int drained = commands.drain(commandApplier, COMMAND_DRAIN_LIMIT);
        if (drained == COMMAND_DRAIN_LIMIT && !commands.isEmpty())
        {
            waitStrategy.commandPending();
        }
        return drained;
    }

    private void apply(final Command command)
    {
        switch (command.kind)
        {
            case Command.SUBSCRIBE:
                register(command.subscriber);
                break;
            case Command.UNSUBSCRIBE:
                remove(command.subscriber);
                break;
            case Command.CLOSE_TOPIC:
                closeTopic(command.topic);
                break;
            default:
                throw new IllegalStateException("unknown command " + command.kind);
        }
    }

    private void register(final Subscriber s)
    {
        if (s.isClosed())
        {
            return;
        }
        index.add(s);
        ACTIVE.setOpaque(this, index.size());
        final long resumeTail = history.resumeTail();
        final ResumePlan plan =
            ResumePlan.plan(s.resumeAfter, idBase, lastSequence, resumeTail, engine.eventLog() != null);
        s.register(plan);
        if (plan.fromLog())
        {
            engine.logReplays().replay(s, s.resumeAfter, idBase + resumeTail);
        }
    }

    private void closeTopic(final String topic)
    {
        final SubscriberList list = index.topicList(topic);
        if (list == null)
        {
            return;
        }
        final List<Subscriber> victims = new ArrayList<>(list.size);
        for (int i = 0; i < list.size; i++)
        {
            victims.add(list.items[i]);
        }
        for (final Subscriber s : victims)
        {
            s.tryClose(CloseReason.TOPIC_CLOSED);
            remove(s);
        }
    }

    private void housekeeping(final long now)
    {
        nextHousekeepingNanos = now + housekeepingNanos;
        engine.reclaimAbandonedHandles();
        if (engine.takeSweepRequest())
        {
            final List<Subscriber> closed = new ArrayList<>();
            index.forEach(s ->
            {
                if (s.isClosed())
                {
                    closed.add(s);
                }
            });
            closed.forEach(this::remove);
        }
    }

    /** The runner stops: pending commands, then every subscription closed ({@code ENGINE_CLOSED}), stages told. */
    void onShutdown()
    {
        flushRun();
        processCommands();
        final List<Subscriber> all = new ArrayList<>();
        index.forEach(all::add);
        for (final Subscriber s : all)
        {
            s.tryClose(CloseReason.ENGINE_CLOSED);
            remove(s);
        }
        for (final EventStage stage : stages)
        {
            try
            {
                stage.onShutdown();
            }
            catch (final Throwable t)
            {
                engine.onError("stage", t);
            }
        }
    }

    long lastSequence()
    {
        return (long)LAST_SEQUENCE.getOpaque(this);
    }

    long dispatched()
    {
        return (long)LAST_SEQUENCE.getOpaque(this) + 1;
    }

    long delivered()
    {
        return (long)DELIVERED.getOpaque(this);
    }

    long dropped()
    {
        return (long)DROPPED.getOpaque(this);
    }

    long filterEvaluations()
    {
        return (long)EVALUATIONS.getOpaque(this);
    }

    int activeSubscriptions()
    {
        return (int)ACTIVE.getOpaque(this);
    }
}
