package io.ringcast.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Settings of an {@link Engine}, as fluent pairs ({@code ringSize(int)} sets, {@code ringSize()} reads). Defaults are
 * the {@code DEFAULT_*} constants. {@link #validate()} (called by {@link Engine#start(EngineConfig)}) rejects an
 * invalid setting with an {@link IllegalArgumentException} naming the setting and the accepted range.
 *
 * <p>Not thread-safe; configure on one thread, then start the engine. The engine keeps its own copy of the values.
 */
public final class EngineConfig
{
    public static final int DEFAULT_RING_SIZE = 16 * 1024;
    public static final int MIN_RING_SIZE = 2;
    public static final int MAX_RING_SIZE = 1 << 24;
    /**
     * With {@link #DEFAULT_RING_SIZE} in flight, fills the ring's storage of 65,536 slots exactly (the storage is a
     * power of two: {@code pow2(ringSize + historyMaxEvents)}); a history of 65,536 would round it up to 131,072 slots,
     * whose 49,152 extra slots would keep evicted events' payloads alive for nothing.
     */
    public static final int DEFAULT_HISTORY_MAX_EVENTS = 48 * 1024;
    public static final int MAX_HISTORY_EVENTS = 1 << 26;
    public static final long DEFAULT_HISTORY_MAX_BYTES = 64L * 1024 * 1024;
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;
    public static final int DEFAULT_COMMAND_QUEUE_CAPACITY = 64 * 1024;
    public static final long DEFAULT_ABANDON_TIMEOUT_MS = 30_000;
    public static final long DEFAULT_HOUSEKEEPING_INTERVAL_MS = 100;
    public static final int DEFAULT_MAX_LOG_REPLAY_EVENTS = 100_000;
    public static final int DEFAULT_LOG_REPLAY_PAGE_EVENTS = 4_096;
    public static final int DEFAULT_LOG_REPLAY_PAGE_BYTES = 1 << 20;
    public static final int DEFAULT_BINDING_TABLE_CAPACITY = 10_000;

    private int ringSize = DEFAULT_RING_SIZE;
    private int historyMaxEvents = DEFAULT_HISTORY_MAX_EVENTS;
    private long historyMaxBytes = DEFAULT_HISTORY_MAX_BYTES;
    private int defaultQueueCapacity = DEFAULT_QUEUE_CAPACITY;
    private int commandQueueCapacity = DEFAULT_COMMAND_QUEUE_CAPACITY;
    private WaitStrategyKind waitStrategy = WaitStrategyKind.BLOCKING;
    private ProducerMode producerMode = ProducerMode.MULTI;
    private String nodeId = "local";
    private long abandonTimeoutMs = DEFAULT_ABANDON_TIMEOUT_MS;
    private long housekeepingIntervalMs = DEFAULT_HOUSEKEEPING_INTERVAL_MS;
    private int maxLogReplayEvents = DEFAULT_MAX_LOG_REPLAY_EVENTS;
    private int logReplayPageEvents = DEFAULT_LOG_REPLAY_PAGE_EVENTS;
    private int logReplayPageBytes = DEFAULT_LOG_REPLAY_PAGE_BYTES;
    private final List<Enricher> enrichers = new ArrayList<>();
    private final List<EventStage> stages = new ArrayList<>();
    private EventFollower follower;
    private EventEncoder encoder;
    private EventIdFormatter idFormatter;
    private EventLog eventLog;
    private long idsAfter = -1;
    private ErrorHandler errorHandler;
    private DispatchDriver dispatchDriver;

    /** @param size ring slots, a power of two in [{@value #MIN_RING_SIZE}, 2^24]. Default {@value #DEFAULT_RING_SIZE}. */
    public EngineConfig ringSize(final int size)
    {
        this.ringSize = size;
        return this;
    }

    public int ringSize()
    {
        return ringSize;
    }

    /** @param events history bound by count, in [0, 2^26]; 0 disables history. Default {@value #DEFAULT_HISTORY_MAX_EVENTS}. */
    public EngineConfig historyMaxEvents(final int events)
    {
        this.historyMaxEvents = events;
        return this;
    }

    public int historyMaxEvents()
    {
        return historyMaxEvents;
    }

    /** @param bytes history bound by estimated retained bytes, >= 0. Default 64 MiB. */
    public EngineConfig historyMaxBytes(final long bytes)
    {
        this.historyMaxBytes = bytes;
        return this;
    }

    public long historyMaxBytes()
    {
        return historyMaxBytes;
    }

    /** @param capacity queue capacity of subscriptions that do not set their own, in [1, 2^24]. Default {@value #DEFAULT_QUEUE_CAPACITY}. */
    public EngineConfig defaultQueueCapacity(final int capacity)
    {
        this.defaultQueueCapacity = capacity;
        return this;
    }

    public int defaultQueueCapacity()
    {
        return defaultQueueCapacity;
    }

    /** @param capacity bound of the subscribe/close command queue, in [16, 2^24]; subscribe waits when it is full. */
    public EngineConfig commandQueueCapacity(final int capacity)
    {
        this.commandQueueCapacity = capacity;
        return this;
    }

    public int commandQueueCapacity()
    {
        return commandQueueCapacity;
    }

    /**
     * Runs the dispatcher on the caller's thread instead of the engine's own: see {@link DispatchDriver}. The wait
     * strategy does not apply then (nothing waits: the driver is woken).
     *
     * @param driver the driver, or {@code null} for the engine's own dispatcher thread (the default).
     * @return this.
     */
    public EngineConfig dispatchDriver(final DispatchDriver driver)
    {
        this.dispatchDriver = driver;
        return this;
    }

    /** @return the dispatch driver, or {@code null} when the engine runs its own dispatcher thread. */
    public DispatchDriver dispatchDriver()
    {
        return dispatchDriver;
    }

    /** @param kind how the dispatcher waits. Default {@link WaitStrategyKind#BLOCKING}. */
    public EngineConfig waitStrategy(final WaitStrategyKind kind)
    {
        this.waitStrategy = kind;
        return this;
    }

    public WaitStrategyKind waitStrategy()
    {
        return waitStrategy;
    }

    /** @param mode single or multi producer ring. Default {@link ProducerMode#MULTI}. */
    public EngineConfig producerMode(final ProducerMode mode)
    {
        this.producerMode = mode;
        return this;
    }

    public ProducerMode producerMode()
    {
        return producerMode;
    }

    /** @param nodeId this node's name, carried as the origin of its events: 1..64 chars of [A-Za-z0-9._-]. */
    public EngineConfig nodeId(final String nodeId)
    {
        this.nodeId = nodeId;
        return this;
    }

    public String nodeId()
    {
        return nodeId;
    }

    /**
     * @param ms a subscription whose queue overflows while its consumer has not drained for this long is closed as
     *           {@link CloseReason#ABANDONED}; 0 disables. Default {@value #DEFAULT_ABANDON_TIMEOUT_MS}.
     */
    public EngineConfig abandonTimeoutMs(final long ms)
    {
        this.abandonTimeoutMs = ms;
        return this;
    }

    public long abandonTimeoutMs()
    {
        return abandonTimeoutMs;
    }

    /** @param ms how often an idle dispatcher wakes to reclaim closed subscriptions, in [1, 60000]. Default 100. */
    public EngineConfig housekeepingIntervalMs(final long ms)
    {
        this.housekeepingIntervalMs = ms;
        return this;
    }

    public long housekeepingIntervalMs()
    {
        return housekeepingIntervalMs;
    }

    /**
     * @param events most events one resume takes from a durable log that cannot be read page by page (its
     *               {@link EventLog#reader} is {@code null}), >= 1; beyond it the resume reports a gap. A log with a
     *               reader has no such bound.
     */
    public EngineConfig maxLogReplayEvents(final int events)
    {
        this.maxLogReplayEvents = events;
        return this;
    }

    public int maxLogReplayEvents()
    {
        return maxLogReplayEvents;
    }

    /**
     * One page of a resume read from a durable log's {@link EventLog.Reader}: the engine holds at most one page per
     * resuming subscriber and reads the next when the subscriber has taken it.
     *
     * @param events most events in a page, >= 1.
     * @param bytes  most payload bytes in a page (a page holds at least one event), >= 1.
     */
    public EngineConfig logReplayPage(final int events, final int bytes)
    {
        this.logReplayPageEvents = events;
        this.logReplayPageBytes = bytes;
        return this;
    }

    public int logReplayPageEvents()
    {
        return logReplayPageEvents;
    }

    public int logReplayPageBytes()
    {
        return logReplayPageBytes;
    }

    /** @param enricher a stage run before history and dispatch; enrichers run in the order added. */
    public EngineConfig enricher(final Enricher enricher)
    {
        enrichers.add(requireNonNull(enricher, "enricher"));
        return this;
    }

    public List<Enricher> enrichers()
    {
        return enrichers;
    }

    /** @param stage a stage run after history, before dispatch; stages run in the order added. */
    public EngineConfig stage(final EventStage stage)
    {
        stages.add(requireNonNull(stage, "stage"));
        return this;
    }

    public List<EventStage> stages()
    {
        return stages;
    }

    /**
     * @param follower reads every event where it lies, on a thread of its own, before its slot can be reused (a
     *                 journal; see {@link EventFollower}), or {@code null} for none. An engine takes one.
     * @throws IllegalStateException when another follower is set already.
     */
    public EngineConfig follower(final EventFollower follower)
    {
        if (follower != null && this.follower != null && this.follower != follower)
        {
            throw new IllegalStateException("an engine takes one follower and one is set already (" +
                this.follower.getClass().getSimpleName() + "); set it to null first to replace it");
        }
        this.follower = follower;
        return this;
    }

    public EventFollower follower()
    {
        return follower;
    }

    /** @param encoder encodes each event once for all subscribers, or {@code null}. */
    public EngineConfig encoder(final EventEncoder encoder)
    {
        this.encoder = encoder;
        return this;
    }

    public EventEncoder encoder()
    {
        return encoder;
    }

    /**
     * @param formatter gives each event its printable id (run on the dispatcher after the enrichers, before the
     *                  encoder; see {@link EventIdFormatter} for the contract), or {@code null} for decimal ids.
     */
    public EngineConfig idFormatter(final EventIdFormatter formatter)
    {
        this.idFormatter = formatter;
        return this;
    }

    public EventIdFormatter idFormatter()
    {
        return idFormatter;
    }

    /** @param log a durable log for resumes older than memory, or {@code null}. */
    public EngineConfig eventLog(final EventLog log)
    {
        this.eventLog = log;
        return this;
    }

    public EventLog eventLog()
    {
        return eventLog;
    }

    /**
     * @param lastId the newest id a durable log holds from earlier runs of this node: every id this engine gives is
     *               greater, even when the wall clock went back since that run. {@code -1} (the default): ids follow
     *               the start millisecond alone.
     */
    public EngineConfig idsAfter(final long lastId)
    {
        this.idsAfter = lastId;
        return this;
    }

    public long idsAfter()
    {
        return idsAfter;
    }

    /** @param handler receives failures of stages and listeners; the default counts them and prints nothing. */
    public EngineConfig errorHandler(final ErrorHandler handler)
    {
        this.errorHandler = handler;
        return this;
    }

    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * Validates and returns an immutable snapshot for the engine to own (Aeron's {@code Context.conclude()}): later
     * changes to this object do not reach a started engine. The listed extensions are copied into unmodifiable lists.
     *
     * @return the concluded copy.
     * @throws IllegalArgumentException naming the first invalid setting and its accepted range.
     */
    EngineConfig conclude()
    {
        validate();
        final EngineConfig c = new EngineConfig();
        c.ringSize = ringSize;
        c.historyMaxEvents = historyMaxEvents;
        c.historyMaxBytes = historyMaxBytes;
        c.defaultQueueCapacity = defaultQueueCapacity;
        c.commandQueueCapacity = commandQueueCapacity;
        c.waitStrategy = waitStrategy;
        c.producerMode = producerMode;
        c.nodeId = nodeId;
        c.abandonTimeoutMs = abandonTimeoutMs;
        c.housekeepingIntervalMs = housekeepingIntervalMs;
        c.maxLogReplayEvents = maxLogReplayEvents;
        c.logReplayPageEvents = logReplayPageEvents;
        c.logReplayPageBytes = logReplayPageBytes;
        c.enrichers.addAll(enrichers);
        c.stages.addAll(stages);
        c.follower = follower;
        c.encoder = encoder;
        c.idFormatter = idFormatter;
        c.eventLog = eventLog;
        c.idsAfter = idsAfter;
        c.errorHandler = errorHandler;
        c.dispatchDriver = dispatchDriver;
        return c;
    }

    /**
     * @throws IllegalArgumentException naming the first invalid setting and its accepted range.
     */
    public void validate()
    {
        checkRingSize("ringSize", ringSize);
        checkHistoryMaxEvents("historyMaxEvents", historyMaxEvents);
        if (historyMaxBytes < 0)
        {
            throw new IllegalArgumentException("historyMaxBytes must be >= 0, got " + historyMaxBytes);
        }
        checkQueueCapacity("defaultQueueCapacity", defaultQueueCapacity);
        if (commandQueueCapacity < 16 || commandQueueCapacity > (1 << 24))
        {
            throw new IllegalArgumentException(
                "commandQueueCapacity must be in [16, " + (1 << 24) + "], got " + commandQueueCapacity);
        }
        requireNonNull(waitStrategy, "waitStrategy");
        requireNonNull(producerMode, "producerMode");
        checkNodeId("nodeId", nodeId);
        if (abandonTimeoutMs < 0)
        {
            throw new IllegalArgumentException("abandonTimeoutMs must be >= 0 (0 disables), got " + abandonTimeoutMs);
        }
        if (housekeepingIntervalMs < 1 || housekeepingIntervalMs > 60_000)
        {
            throw new IllegalArgumentException(
                "housekeepingIntervalMs must be in [1, 60000], got " + housekeepingIntervalMs);
        }
        if (maxLogReplayEvents < 1)
        {
            throw new IllegalArgumentException("maxLogReplayEvents must be >= 1, got " + maxLogReplayEvents);
        }
        if (logReplayPageEvents < 1 || logReplayPageBytes < 1)
        {
            throw new IllegalArgumentException("logReplayPage events and bytes must be >= 1, got " +
                logReplayPageEvents + " events and " + logReplayPageBytes + " bytes");
        }
    }

    /**
     * The engine's own check of a ring size, for configuration front-ends that name the setting their way.
     *
     * @param setting the name to put in the message, for example {@code "ring-size"}.
     * @throws IllegalArgumentException unless a power of two in [{@link #MIN_RING_SIZE}, {@link #MAX_RING_SIZE}].
     */
    public static void checkRingSize(final String setting, final int slots)
    {
        if (slots < MIN_RING_SIZE || slots > MAX_RING_SIZE || Integer.bitCount(slots) != 1)
        {
            throw new IllegalArgumentException(
                setting + " must be a power of two in [" + MIN_RING_SIZE + ", " + MAX_RING_SIZE + "], got " + slots);
        }
    }

    /** As {@link #checkRingSize}, for the history bound: [0, {@link #MAX_HISTORY_EVENTS}]. */
    public static void checkHistoryMaxEvents(final String setting, final int events)
    {
        if (events < 0 || events > MAX_HISTORY_EVENTS)
        {
            throw new IllegalArgumentException(
                setting + " must be in [0, " + MAX_HISTORY_EVENTS + "], got " + events);
        }
    }

    /** As {@link #checkRingSize}, for a subscription queue capacity: [1, {@link SubscribeOptions#MAX_QUEUE_CAPACITY}]. */
    public static void checkQueueCapacity(final String setting, final int events)
    {
        if (events < 1 || events > SubscribeOptions.MAX_QUEUE_CAPACITY)
        {
            throw new IllegalArgumentException(
                setting + " must be in [1, " + SubscribeOptions.MAX_QUEUE_CAPACITY + "], got " + events);
        }
    }

    /** As {@link #checkRingSize}, for a node id: 1..64 characters of [A-Za-z0-9._-]. */
    public static void checkNodeId(final String setting, final String nodeId)
    {
        if (nodeId == null || !nodeId.matches("[A-Za-z0-9._-]{1,64}"))
        {
            throw new IllegalArgumentException(setting + " must be 1..64 chars of [A-Za-z0-9._-], got '" + nodeId + "'");
        }
    }

    private static <T> T requireNonNull(final T value, final String name)
    {
        if (value == null)
        {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }
}
