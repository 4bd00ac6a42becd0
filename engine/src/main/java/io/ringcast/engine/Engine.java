package io.ringcast.engine;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.dsl.ProducerType;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The Ringcast engine: one Disruptor ring, one dispatcher thread, one bounded queue per subscription. The dispatcher
 * can instead run on a thread the application owns, such as the network event loop that receives the publishes
 * ({@link EngineConfig#dispatchDriver}, {@link #dispatch()}).
 *
 * <pre>{@code
 * try (Engine engine = Engine.start(new EngineConfig()))
 * {
 *     Subscription orders = engine.subscribe(Filter.topicPattern("orders/*"), SubscribeOptions.defaults());
 *     long id = engine.publish(Message.of("orders/eu", "{\"id\":1}".getBytes(UTF_8)));
 *     orders.drain(event -> System.out.println(event.idString() + " " + event.payloadAsString()), 100);
 * }
 * }</pre>
 *
 * <p>Thread-safety: every public method is safe to call from any thread, except that under
 * {@link ProducerMode#SINGLE} only one thread at a time may call the {@code publish} family. {@code tryPublish*}
 * never blocks (it returns {@link #RING_FULL}); {@code publish*} waits for ring space. {@link #subscribe} waits until
 * the dispatcher has registered the subscription (microseconds; it must not be called from a
 * {@link SubscriptionListener} callback); {@link #subscribeAsync} does not wait.
 *
 * <p>Ids returned by a publish are those the events carry ({@link EventIds}); a batch gets consecutive ids.
 */
public final class Engine implements AutoCloseable
{
    /** Returned by {@code tryPublish*} when the ring has no free slot: nothing was published. */
    public static final long RING_FULL = -1;
    /** Returned by {@code tryPublish*} after {@link #close()}: nothing was published. */
    public static final long CLOSED = -2;

    /** Largest payload buffer a ring slot keeps once its event has left the history. */
    static final int RETAINED_PAYLOAD_BYTES = 1024;
    private static final long SHUTDOWN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final long REGISTRATION_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    private final EngineConfig config;
    private final long startMillis;
    private final long idBase;
    private final RingBuffer<Event> ring;
    /** Slots publishers may claim beyond the dispatcher (the ring's storage is larger: it is also the history). */
    private final int ringSize;
    private final int storageSlots;
    private final History history;
    private final ManyToOneConcurrentArrayQueue<Command> commands;
    private final DispatcherWaitStrategy waitStrategy;
    private final Dispatcher dispatcher;
    /** The engine's own dispatcher thread, or {@code null} when a {@link DispatchDriver} runs the dispatcher. */
    private final Thread dispatcherThread;
    private final DispatchDriver driver;
    /** Reads the ring for the duty cycle, whichever runner calls it (own thread, driver, an assisting publisher). */
    private final EventPoller<Event> poller;
    private final EventPoller.Handler<Event> pollHandler = this::dispatchSlot;
    /** The thread that called {@link #dispatch()} first; every later call must come from it. */
    private volatile Thread driverThread;
    private final EventLog eventLog;
    private final ErrorHandler errorHandler;
    private final EngineMetrics metrics;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong overwritten = new AtomicLong();
    private final io.ringcast.engine.spi.ReplicaPublisher replicaPublisher = new io.ringcast.engine.spi.ReplicaPublisher()
    {
        @Override
        public long tryPublish(final Message message, final String origin, final long originSequence, final long timestampMs)
        {
            return tryPublishFromReplica(message, origin, originSequence, timestampMs);
        }

        @Override
        public String nodeId()
        {
            return Engine.this.nodeId();
        }

        @Override
        public long firstId()
        {
            return Engine.this.firstId();
        }
    };
    private final AtomicLong nextSubscriptionId = new AtomicLong();
    private final AtomicBoolean sweepRequested = new AtomicBoolean();
    private final ReferenceQueue<Subscription> abandonedHandles = new ReferenceQueue<>();
    private final LogReplays logReplays;
    private volatile boolean terminated;

    private Engine(final EngineConfig settings)
    {
        final EngineConfig config = settings.conclude(); // the engine's own immutable snapshot
        this.config = config;
        this.startMillis = System.currentTimeMillis();
        this.idBase = Math.max(EventIds.base(startMillis), EventIds.baseAfter(config.idsAfter()));
        this.eventLog = config.eventLog();
        this.logReplays = eventLog == null ? null : new LogReplays(eventLog, config, this::onError);
        this.errorHandler = config.errorHandler();
        this.driver = config.dispatchDriver();
        this.waitStrategy = new DispatcherWaitStrategy(config.waitStrategy(), config.housekeepingIntervalMs(),
            config.dispatchDriver(), config.producerMode() == ProducerMode.MULTI);
        this.ring = RingBuffer.create(
            config.producerMode() == ProducerMode.SINGLE ? ProducerType.SINGLE : ProducerType.MULTI,
            () -> new Event(config.nodeId()),
            History.storageSlots(config.ringSize(), config.historyMaxEvents()),
            waitStrategy);
        this.ringSize = config.ringSize();
        this.storageSlots = ring.getBufferSize();
        final Sequence released = new Sequence();
        this.history = new History(ring, config.ringSize(), released, config.historyMaxEvents(),
            config.historyMaxBytes(), RETAINED_PAYLOAD_BYTES);
        ring.addGatingSequences(released); // which sets it to the cursor: the history sets it to its own value
        history.endBatch();
        final EventFollower follower = config.follower();
        if (follower != null)
        {
            final FollowerCursor cursor = new FollowerCursor(ring, history, idBase, config.ringSize(),
                waitStrategy::commandPending);
            ring.addGatingSequences(cursor.position); // set to the ring's cursor (-1): nothing taken yet
            history.follow(cursor);
            follower.attach(cursor);
        }
        this.commands = new ManyToOneConcurrentArrayQueue<>(config.commandQueueCapacity());
        this.dispatcher = new Dispatcher(this, config, idBase, history, commands, waitStrategy);
        this.poller = ring.newPoller();
        waitStrategy.assistWith(new DispatcherWaitStrategy.DutyCycle()
        {
            @Override
            public int doWork()
            {
                return Engine.this.doWork();
            }

            @Override
            public long nextSequence()
            {
                return poller.getSequence().get() + 1;
            }

            @Override
            public RingBuffer<?> ring()
            {
                return ring;
            }
        });
        if (driver == null)
        {
            this.dispatcherThread = new Thread(this::runOwnThread, "ringcast-dispatcher-" + config.nodeId());
            this.dispatcherThread.setDaemon(true);
        }
        else
        {
            this.dispatcherThread = null;
        }
        this.metrics = new EngineMetrics(this);
    }

    /**
     * Validates the configuration and starts the dispatcher thread.
     *
     * @param config the settings.
     * @return the running engine.
     * @throws IllegalArgumentException naming an invalid setting.
     */
    public static Engine start(final EngineConfig config)
    {
        final Engine engine = new Engine(config);
        if (engine.dispatcherThread != null)
        {
            engine.dispatcherThread.start();
        }
        return engine;
    }

    // ------------------------------------------------------------------------------------------------ publishing

    /**
     * Publishes one event without ever blocking. The convenient path: building the {@link Message} allocates (see
     * {@link #writer()} for the allocation-free one).
     *
     * @param message the event.
     * @return its id (&gt;= 0), or {@link #RING_FULL} or {@link #CLOSED} when nothing was published.
     * @throws IllegalArgumentException when the message was built with another engine's {@link Topic} handle.
     */
    public long tryPublish(final Message message)
    {
        requireMessage(message);
        final long sequence = claim(1);
        if (sequence < 0)
        {
            countRejection(sequence);
            return sequence;
        }
        write(ring.get(sequence), message);
        ring.publish(sequence);
        return idBase + sequence;
    }

    /**
     * Publishes one event, waiting for ring space when the ring is full.
     *
     * @return its id.
     * @throws IllegalStateException when the engine is closed.
     * @throws IllegalArgumentException when the message was built with another engine's {@link Topic} handle.
     */
    public long publish(final Message message)
    {
        requireMessage(message);
        final long sequence = claimWaiting(1);
        write(ring.get(sequence), message);
        ring.publish(sequence);
        return idBase + sequence;
    }

    /**
     * Resolves a topic once, for publishing through {@link EventWriter}s of this engine: validated here, and the
     * dispatcher caches its index entries on the handle, so events published with it are routed without hashing the
     * topic name. Handles are cheap, immutable and thread-safe; keep one per topic you publish to.
     *
     * @param name the topic: non-empty, at most 256 UTF-8 bytes, no control characters, no {@code *}.
     * @return the handle.
     * @throws InvalidEventException when the name is invalid.
     */
    public Topic topic(final String name)
    {
        return new Topic(name, this);
    }

    /**
     * @return a new reusable writer for the allocation-free publish path; one per publishing thread.
     * @see EventWriter
     */
    public EventWriter writer()
    {
        return new EventWriter(this);
    }

    /**
     * @return a new reader that drains subscriptions through one table of copies, so an event matched by many of
     *         them is copied out of the storage once; one per consuming thread.
     * @see EventReader
     */
    public EventReader reader()
    {
        return new EventReader(this);
    }

    /**
     * @return a new reusable batch for publishing many written events in one claim, all or none; one per publishing
     *         thread.
     * @see EventBatch
     */
    public EventBatch batch()
    {
        return new EventBatch(this, ringSize);
    }

    long tryPublishWritten(final EventWriter writer)
    {
        writer.requireTopic();
        final long sequence = claim(1);
        if (sequence < 0)
        {
            countRejection(sequence);
            return sequence;
        }
        final Event slot = ring.get(sequence);
        slot.setWritten(writer);
        slot.setLocal();
        ring.publish(sequence);
        return idBase + sequence;
    }

    long publishWritten(final EventWriter writer)
    {
        writer.requireTopic();
        final long sequence = claimWaiting(1);
        final Event slot = ring.get(sequence);
        slot.setWritten(writer);
        slot.setLocal();
        ring.publish(sequence);
        return idBase + sequence;
    }

    long tryPublishStaged(final EventBatch batch)
    {
        final int n = batch.requireEvents();
        final long hi = claim(n);
        if (hi < 0)
        {
            countRejection(hi);
            return hi;
        }
        return fillStaged(batch, hi - n + 1, hi);
    }

    long publishStaged(final EventBatch batch)
    {
        final int n = batch.requireEvents();
        final long hi = claimWaiting(n);
        return fillStaged(batch, hi - n + 1, hi);
    }

    private long fillStaged(final EventBatch batch, final long lo, final long hi)
    {
        for (long seq = lo; seq <= hi; seq++)
        {
            final Event slot = ring.get(seq);
            batch.writeInto(slot, (int)(seq - lo));
            slot.setLocal();
        }
        ring.publish(lo, hi);
        return idBase + lo;
    }

    /**
     * Publishes many events in one claim without blocking: all or none.
     *
     * @param messages at least one, at most the ring size.
     * @return the id of the first event (the others follow consecutively), or {@link #RING_FULL} / {@link #CLOSED}.
     */
    public long tryPublishBatch(final List<Message> messages)
    {
        final int n = requireBatch(messages);
        final long hi = claim(n);
        if (hi < 0)
        {
            countRejection(hi);
            return hi;
        }
        return fillBatch(messages, hi - n + 1, hi);
    }

    /**
     * Publishes many events in one claim, waiting for ring space.
     *
     * @return the id of the first event; the others follow consecutively.
     * @throws IllegalStateException when the engine is closed.
     */
    public long publishBatch(final List<Message> messages)
    {
        final int n = requireBatch(messages);
        final long hi = claimWaiting(n);
        return fillBatch(messages, hi - n + 1, hi);
    }

    /**
     * @return the narrow publisher a {@link io.ringcast.engine.spi.Replication} relays other replicas' events through
     *         (local subscribers only); for the code that composes the server, not for applications.
     */
    public io.ringcast.engine.spi.ReplicaPublisher replicaPublisher()
    {
        return replicaPublisher;
    }

    /** See {@link io.ringcast.engine.spi.ReplicaPublisher#tryPublish}. Never blocks. */
    long tryPublishFromReplica(
        final Message message, final String origin, final long originSequence, final long timestampMs)
    {
        requireMessage(message);
        if (origin == null || origin.isEmpty())
        {
            throw new InvalidEventException("origin is required for a relayed event");
        }
        final long sequence = claim(1);
        if (sequence < 0)
        {
            countRejection(sequence);
            return sequence;
        }
        final Event slot = ring.get(sequence);
        slot.setSource(message);
        slot.stamp(0, timestampMs, origin, originSequence);
        ring.publish(sequence);
        return idBase + sequence;
    }

    private long fillBatch(final List<Message> messages, final long lo, final long hi)
    {
        for (long seq = lo; seq <= hi; seq++)
        {
            write(ring.get(seq), messages.get((int)(seq - lo)));
        }
        ring.publish(lo, hi);
        return idBase + lo;
    }

    /** Publisher: a local event; the dispatcher stamps its id and time (once per batch, see {@link Event#timestampMs()}). */
    private static void write(final Event slot, final Message message)
    {
        slot.setSource(message);
        slot.setLocal();
    }

    private long claim(final int n)
    {
        if (closed.get())
        {
            return CLOSED;
        }
        if (ring.getCursor() < storageSlots && ring.getCursor() + n > history.claimLimit())
        {
            // the Disruptor trusts its gating cache until the first wrap of the ring; before that, apply ringSize here
            return RING_FULL;
        }
        try
        {
            return ring.tryNext(n);
        }
        catch (final InsufficientCapacityException e)
        {
            return RING_FULL;
        }
    }

    private long claimWaiting(final int n)
    {
        int idle = 0;
        while (true)
        {
            final long sequence = claim(n);
            if (sequence >= 0)
            {
                return sequence;
            }
            if (sequence == CLOSED)
            {
                throw new IllegalStateException("engine is closed");
            }
            idle = backOff(idle);
        }
    }

    private static int backOff(final int idle)
    {
        if (idle < 100)
        {
            Thread.onSpinWait();
        }
        else if (idle < 120)
        {
            Thread.yield();
        }
        else
        {
            LockSupport.parkNanos(50_000);
        }
        return idle + 1;
    }

    private void countRejection(final long code)
    {
        if (code == RING_FULL)
        {
            rejected.incrementAndGet();
        }
    }

    private void requireMessage(final Message message)
    {
        if (message == null)
        {
            throw new InvalidEventException("message must not be null");
        }
        final Topic handle = message.topicHandle;
        if (handle != null && handle.owner != this)
        {
            throw new IllegalArgumentException("the message's topic '" + handle.name + "' was resolved by another " +
                "engine; build it with this engine's topic(name), or with the topic's name");
        }
    }

    private int requireBatch(final List<Message> messages)
    {
        if (messages == null || messages.isEmpty())
        {
            throw new InvalidEventException("a batch needs at least one message");
        }
        if (messages.size() > ringSize)
        {
            throw new InvalidEventException(
                "a batch holds at most ringSize = " + ringSize + " messages, got " + messages.size());
        }
        for (final Message m : messages)
        {
            requireMessage(m);
        }
        return messages.size();
    }

    // ------------------------------------------------------------------------------------------------ subscribing

    /**
     * Subscribes and waits until the dispatcher has registered the subscription, so every event published after
     * this method returns (from any thread) is matched against it.
     *
     * @param filter  which events.
     * @param options queue, policy, audience, resume point and listener.
     * @return the subscription.
     * @throws IllegalStateException when the engine is closed or is called on the dispatcher thread.
     */
    public Subscription subscribe(final Filter filter, final SubscribeOptions options)
    {
        final Thread current = Thread.currentThread();
        if (current == dispatcherThread || current == driverThread || waitStrategy.isInlineThread(current))
        {
            throw new IllegalStateException("subscribe() would deadlock on the dispatcher thread; use subscribeAsync()");
        }
        final Subscription subscription = subscribeAsync(filter, options);
        final long deadline = System.nanoTime() + REGISTRATION_TIMEOUT_NS;
        int idle = 0;
        while (!subscription.isRegistered() && !subscription.isClosed())
        {
            if (closed.get())
            {
                throw new IllegalStateException("engine is closed");
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("dispatcher did not register the subscription within 30 s");
            }
            idle = backOff(idle);
        }
        return subscription;
    }

    /**
     * Subscribes without waiting for registration. Events published before the dispatcher registers the
     * subscription are not delivered live (a resume point still covers them from history).
     */
    public Subscription subscribeAsync(final Filter filter, final SubscribeOptions options)
    {
        if (filter == null)
        {
            throw new IllegalArgumentException("filter must not be null; use Filter.all()");
        }
        if (options == null)
        {
            throw new IllegalArgumentException("options must not be null; use SubscribeOptions.defaults()");
        }
        ensureOpen();
        final int capacity = options.queueCapacity() == 0 ? config.defaultQueueCapacity() : options.queueCapacity();
        final Subscriber subscriber =
            new Subscriber(this, nextSubscriptionId.incrementAndGet(), filter, options, capacity);
        final Subscription handle = new Subscription(subscriber);
        subscriber.handleReference = new HandleReference(handle, abandonedHandles, subscriber);
        enqueueWaiting(Command.subscribe(subscriber));
        return handle;
    }

    /** Subscribes to every event, with default options. */
    public Subscription subscribe(final Filter filter)
    {
        return subscribe(filter, SubscribeOptions.defaults());
    }

    /**
     * Ends every subscription filed under exactly this topic with {@link CloseReason#TOPIC_CLOSED}. Asynchronous: the
     * dispatcher applies it between batches, shortly after the call.
     *
     * @param topic the topic.
     */
    public void closeTopic(final String topic)
    {
        Validation.topic(topic);
        ensureOpen();
        enqueueWaiting(Command.closeTopic(topic));
    }

    private void enqueueWaiting(final Command command)
    {
        int idle = 0;
        while (!commands.offer(command))
        {
            ensureOpen();
            waitStrategy.commandPending();
            idle = backOff(idle);
        }
        waitStrategy.commandPending();
    }

    /** A subscriber closed itself: ask the dispatcher to reclaim its slot. Never blocks. */
    void reclaim(final Subscriber subscriber)
    {
        if (terminated)
        {
            return;
        }
        if (!commands.offer(Command.unsubscribe(subscriber)))
        {
            sweepRequested.set(true);
        }
        waitStrategy.commandPending();
    }

    boolean takeSweepRequest()
    {
        return sweepRequested.getAndSet(false);
    }

    /** Dispatcher thread: closes subscriptions whose handle was garbage collected without close(). */
    void reclaimAbandonedHandles()
    {
        java.lang.ref.Reference<? extends Subscription> ref;
        while ((ref = abandonedHandles.poll()) != null)
        {
            ((HandleReference)ref).subscriber.close(CloseReason.ABANDONED);
        }
    }

    // ------------------------------------------------------------------------------------------------ resume

    EventLog eventLog()
    {
        return eventLog;
    }

    History history()
    {
        return history;
    }

    /** @return the durable log's replays (resumes older than the history), or {@code null} without a log. */
    LogReplays logReplays()
    {
        return logReplays;
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    /**
     * Stops accepting publishes, lets the dispatcher finish what was already published, closes every subscription
     * with {@link CloseReason#ENGINE_CLOSED} and stops the engine's threads. Idempotent; blocks up to about 10 s.
     */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            awaitTermination();
            return;
        }
        final long deadline = System.nanoTime() + SHUTDOWN_TIMEOUT_NS;
        if (driver != null)
        {
            closeDriven(deadline);
            return;
        }
        waitStrategy.closing(); // no publisher dispatches inline from now on: the thread finishes and shuts down
        waitStrategy.commandPending(); // wakes a parked runner, which finishes the published events and shuts down
        try
        {
            if (Thread.currentThread() != dispatcherThread && !waitStrategy.isInlineThread(Thread.currentThread()))
            {
                dispatcherThread.join(TimeUnit.NANOSECONDS.toMillis(Math.max(1, deadline - System.nanoTime())) + 1);
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        shutdownReplays();
        terminated = true;
    }

    /**
     * Driven close: the driver dispatches what is published, then shuts the dispatcher down on its own thread
     * ({@link #dispatch()} sees the closed flag). Called on the driver thread, it does that itself.
     */
    private void closeDriven(final long deadline)
    {
        synchronized (this)
        {
            final Thread current = Thread.currentThread();
            if (driverThread == null || driverThread == current)
            {
                // on the driver thread, or no dispatch ever ran: finish here. A first dispatch() racing with this
                // takes the same lock and then finds the engine terminated.
                driverThread = current;
                doWork();
                shutdownDriven();
                return;
            }
        }
        waitStrategy.commandPending(); // wakes the driver, whose next dispatch() finishes and shuts down
        awaitDrivenTermination(deadline);
        if (!terminated)
        {
            onError("close", new IllegalStateException("the dispatch driver did not call dispatch() within " +
                TimeUnit.NANOSECONDS.toSeconds(SHUTDOWN_TIMEOUT_NS) + " s of close(); subscriptions were not closed"));
        }
    }

    private void awaitDrivenTermination(final long deadline)
    {
        while (!terminated && System.nanoTime() - deadline < 0 && Thread.currentThread() != driverThread)
        {
            LockSupport.parkNanos(100_000);
        }
    }

    private void shutdownDriven()
    {
        try
        {
            dispatcher.onShutdown();
        }
        catch (final Throwable t)
        {
            onError("dispatcher-shutdown", t);
        }
        shutdownReplays();
        terminated = true;
    }

    private void shutdownReplays()
    {
        if (logReplays != null)
        {
            logReplays.close();
        }
    }

    /**
     * Runs the dispatcher once on the calling thread, for an engine configured with a {@link DispatchDriver}:
     * dispatches every event published so far (one batch: subscribers are woken at its end), applies queued
     * subscription commands and does housekeeping when due. After {@link #close()} it finishes the published
     * events and closes every subscription.
     *
     * @return {@code true} when more work arrived meanwhile and this call kept the wake-up for it: call again (the
     * driver was not woken for it); {@code false} when the dispatcher is idle (the next publish or command wakes the
     * driver).
     * @throws IllegalStateException when the engine runs its own dispatcher thread, or when called from a thread other
     *                               than the one that called it first.
     */
    public boolean dispatch()
    {
        if (driver == null)
        {
            throw new IllegalStateException("this engine runs its own dispatcher thread; dispatch() is only for an " +
                "engine configured with EngineConfig.dispatchDriver(...)");
        }
        final Thread current = Thread.currentThread();
        if (driverThread != current)
        {
            synchronized (this)
            {
                if (terminated)
                {
                    return false;
                }
                if (driverThread == null)
                {
                    driverThread = current;
                }
                else
                {
                    throw new IllegalStateException("dispatch() must always run on the same thread: it ran on '" +
                        driverThread.getName() + "' and is now called on '" + current.getName() + "'");
                }
            }
        }
        if (terminated)
        {
            return false;
        }
        waitStrategy.driverBusy();
        doWork();
        if (closed.get())
        {
            shutdownDriven();
            return false;
        }
        final boolean more = waitStrategy.driverIdle(poller.getSequence().get() + 1, ring);
        if (!more)
        {
            dispatcher.stagesIdle(); // the driver may not run again until the next publish: stages hand work on now
        }
        return more;
    }

    /**
     * The dispatcher's one duty cycle, whichever runner calls it (the engine's own thread, or the
     * {@link DispatchDriver}'s thread through {@link #dispatch()}): dispatches every event published so far as one
     * batch (subscribers are woken, commands applied and housekeeping done at its end), or, with no event, applies up
     * to a bounded number of commands and does housekeeping when due.
     *
     * @return the work done: events dispatched, else commands applied.
     */
    private int doWork()
    {
        final long before = poller.getSequence().get();
        try
        {
            poller.poll(pollHandler);
        }
        catch (final Throwable t)
        {
            onError("dispatcher", t); // not reached: dispatchSlot handles its own failures
        }
        final int events = (int)(poller.getSequence().get() - before);
        return events != 0 ? events : dispatcher.onIdle();
    }

    /**
     * The own-thread runner (Agrona's {@code AgentRunner} shape): the duty cycle, and the wait strategy's idle policy
     * when a cycle found nothing to do; after {@link #close()}, the events already published, then shutdown.
     */
    private void runOwnThread()
    {
        int idle = 0;
        while (!closed.get())
        {
            idle = doWork() > 0 ? 0 : waitStrategy.idle(idle, poller.getSequence().get() + 1, ring);
        }
        final long deadline = System.nanoTime() + SHUTDOWN_TIMEOUT_NS;
        while (poller.getSequence().get() < ring.getCursor() && System.nanoTime() - deadline < 0)
        {
            if (doWork() == 0)
            {
                Thread.yield(); // a publisher between claim and publish
            }
        }
        try
        {
            dispatcher.onShutdown();
        }
        catch (final Throwable t)
        {
            onError("dispatcher-shutdown", t);
        }
    }

    /** The poller's handler: one slot through the dispatcher; a failure is reported and the slot skipped. */
    private boolean dispatchSlot(final Event slot, final long sequence, final boolean endOfBatch)
    {
        try
        {
            dispatcher.onEvent(slot, sequence, endOfBatch);
        }
        catch (final Throwable t)
        {
            onError("dispatcher", t);
        }
        return true;
    }

    private void awaitTermination()
    {
        if (driver != null)
        {
            awaitDrivenTermination(System.nanoTime() + SHUTDOWN_TIMEOUT_NS);
            return;
        }
        try
        {
            dispatcherThread.join(TimeUnit.NANOSECONDS.toMillis(SHUTDOWN_TIMEOUT_NS));
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** @return {@code true} once {@link #close()} has been called. */
    public boolean isClosed()
    {
        return closed.get();
    }

    private void ensureOpen()
    {
        if (closed.get())
        {
            throw new IllegalStateException("engine is closed");
        }
    }

    // ------------------------------------------------------------------------------------------------ observation

    /** @return lock-free counters and gauges of this engine. */
    public EngineMetrics metrics()
    {
        return metrics;
    }

    /** @return the configured node id. */
    public String nodeId()
    {
        return config.nodeId();
    }

    /** @return the id the first event of this engine run gets (lower ids come from earlier runs). */
    public long firstId()
    {
        return idBase;
    }

    /** @return the id of the last event the dispatcher has processed, or {@code firstId() - 1} before any. */
    public long lastDispatchedId()
    {
        return idBase + dispatcher.lastSequence();
    }

    /** @return the wait strategy the dispatcher uses. */
    public WaitStrategyKind waitStrategy()
    {
        return config.waitStrategy();
    }

    RingBuffer<Event> ring()
    {
        return ring;
    }

    DispatcherWaitStrategy dispatcherWaitStrategy()
    {
        return waitStrategy;
    }

    Dispatcher dispatcher()
    {
        return dispatcher;
    }

    long rejected()
    {
        return rejected.get();
    }

    int ringSize()
    {
        return ringSize;
    }

    /** Consumer threads: a queued event was evicted before its subscriber read it. */
    void countOverwritten()
    {
        overwritten.incrementAndGet();
    }

    long overwritten()
    {
        return overwritten.get();
    }

    long errors()
    {
        return errors.get();
    }

    Thread dispatcherThread()
    {
        return dispatcherThread;
    }

    void onError(final String where, final Throwable t)
    {
        errors.incrementAndGet();
        final ErrorHandler handler = errorHandler;
        if (handler != null)
        {
            try
            {
                handler.onError(where, t);
            }
            catch (final Throwable ignore)
            {
                // an error handler that throws has nowhere left to report to
            }
        }
    }

    void onListenerError(final Throwable t)
    {
        onError("listener", t);
    }

    private static final class HandleReference extends WeakReference<Subscription>
    {
        final Subscriber subscriber;

        HandleReference(final Subscription handle, final ReferenceQueue<Subscription> queue, final Subscriber s)
        {
            super(handle, queue);
            this.subscriber = s;
        }
    }
}
