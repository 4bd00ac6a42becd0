package io.ringcast.relay.pg;

import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.Filter;
import io.ringcast.engine.SubscribeOptions;
import io.ringcast.engine.spi.Durability;
import io.ringcast.engine.spi.DurableStore;
import io.ringcast.engine.spi.MetricSink;
import io.ringcast.engine.spi.ReplicaPublisher;
import io.ringcast.engine.spi.Replication;
import io.ringcast.engine.spi.ReplicationHealth;
import io.ringcast.engine.spi.ResumedStream;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Cross-replica fan-out through a PostgreSQL outbox and LISTEN/NOTIFY. Composes an {@link OutboxWriter} (this node's
 * events to the outbox, batched), an {@link OutboxReader} (other nodes' events from the outbox, in commit order, into
 * the engine as local-only publishes), an {@link OutboxPruner} (retention) and an {@link OutboxLog} (durable history).
 *
 * <pre>{@code
 * PgRelay relay = new PgRelay(new RelayConfig().url(url).nodeId("n1"));
 * relay.useJournal(journal);               // optional: the writer reads this node's events from the journal
 * EngineConfig config = new EngineConfig();
 * journal.configure(config);
 * relay.configure(config);                 // node id, writer stage, event log, per-origin vector ids
 * Engine engine = Engine.start(config);
 * relay.start(engine.replicaPublisher());                     // never throws when PostgreSQL is down: health says degraded
 * ...
 * relay.close();                           // before engine.close()
 * engine.close();
 * }</pre>
 *
 * <p>Event ids: {@link #configure} installs a {@link VectorStamper}, so every event's
 * {@link io.ringcast.engine.Event#idString()} is a {@link ResumeVector} any replica can {@link #resume} from.
 *
 * <p>Threads: life-cycle methods from the composing thread, in the order above; {@link #health()} and
 * {@link #metrics} from any thread, lock-free; {@link #resume} from any thread but an event loop (it blocks on
 * PostgreSQL). Starts three daemon threads: writer, reader, pruner.
 */
public final class PgRelay implements Replication
{
    private static final System.Logger LOG = System.getLogger(PgRelay.class.getName());
    private static final long CLOSE_TIMEOUT_MS = 5_000;
    /** Threads reading the next page of replays from the outbox; each resume has at most one read under way. */
    private static final int REPLAY_THREADS = 2;

    private final RelayConfig config;
    private final RelayCounters counters = new RelayCounters();
    private final OutboxWriter writer;
    private final OutboxPruner pruner;
    private final ExecutorService replayExecutor;
    private volatile OutboxReader reader;
    private volatile ReplicaPublisher engine;
    private volatile boolean closed;
    private VectorStamper stamper;

    /**
     * @param config the settings; validated here.
     * @throws IllegalArgumentException naming an invalid setting.
     */
    public PgRelay(final RelayConfig config)
    {
        config.validate();
        this.config = config;
        this.writer = new OutboxWriter(config, counters);
        this.pruner = new OutboxPruner(config, counters);
        this.replayExecutor = Executors.newFixedThreadPool(REPLAY_THREADS, r ->
        {
            final Thread t = new Thread(r, "ringcast-relay-replay-" + config.nodeId());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The writer reads this node's events from {@code journal} (after what the outbox holds) instead of holding them
     * in memory: a PostgreSQL outage plus a restart of the node loses nothing the journal wrote.
     */
    @Override
    public void useJournal(final DurableStore journal)
    {
        writer.useJournal(journal);
    }

    /** @return the outbox writer's watermark: local events committed to the outbox. */
    @Override
    public Durability durability()
    {
        return writer;
    }

    @Override
    public void configure(final EngineConfig engineConfig)
    {
        stamper = new VectorStamper(config.nodeId(), System.currentTimeMillis());
        engineConfig.nodeId(config.nodeId()).stage(writer).eventLog(new OutboxLog(config, writer, () -> reader,
            () -> engine == null ? Long.MAX_VALUE : engine.firstId()))
            .idFormatter(stamper);
    }

    @Override
    public void start(final ReplicaPublisher engine)
    {
        if (!config.nodeId().equals(engine.nodeId()))
        {
            throw new IllegalArgumentException("the engine's node id '" + engine.nodeId() +
                "' differs from the relay's node-id '" + config.nodeId() + "': call configure() before starting it");
        }
        if (stamper == null)
        {
            throw new IllegalStateException("call configure() before start()");
        }
        this.engine = engine;
        final StartPosition start = migrateAndPosition();
        writer.start();
        final OutboxReader r = new OutboxReader(config, counters, engine, stamper, start);
        reader = r;
        r.start();
        pruner.start();
    }

    /**
     * @return the reader's start position, read before this node relays or writes anything, so that stamps claim it
     *         from the first events on; {@code null} when PostgreSQL is unreachable (the reader reads it on its first
     *         connection).
     */
    private StartPosition migrateAndPosition()
    {
        try (Connection c = Connections.open(config, "migrate", 30, true))
        {
            Schema.migrate(c);
            return StartPosition.read(c);
        }
        catch (final SQLException e)
        {
            LOG.log(System.Logger.Level.WARNING, "relay {0}: PostgreSQL not reachable at start ({1}); serving local " +
                "subscribers, relaying when it returns", config.nodeId(), e.getMessage());
            return null;
        }
    }

    /** Lag against the head beyond which the relay reports itself degraded. */
    static final long STALL_MS = 5_000;

    @Override
    public ReplicationHealth health()
    {
        final OutboxReader r = reader;
        if (closed)
        {
            return new ReplicationHealth("degraded", "relay closed");
        }
        if (r == null)
        {
            return new ReplicationHealth("starting", "relay not started");
        }
        final StringBuilder detail = new StringBuilder();
        if (!writer.connected())
        {
            detail.append("outbox writer: ").append(writer.lastError()).append("; ");
        }
        if (!r.connected())
        {
            detail.append("outbox reader: ").append(r.lastError()).append("; ");
        }
        final long lag = counters.lagAgainstHeadMs();
        if (r.connected() && lag > STALL_MS)
        {
            detail.append("relay stalled: the oldest event of another node not yet relayed is ").append(lag)
                .append(" ms old (a long transaction on the PostgreSQL cluster holds the outbox back?); ");
        }
        if (writer.droppedRecently())
        {
            detail.append(counters.droppedWrites.get()).append(" local events not relayed (writer buffer full); ");
        }
        if (writer.journalGapRecently())
        {
            detail.append("the journal's retention deleted local events before the writer copied them to the " +
                "outbox; ");
        }
        return detail.length() == 0 ? new ReplicationHealth("ok", "") :
            new ReplicationHealth("degraded", detail.substring(0, detail.length() - 2));
    }

    @Override
    public void metrics(final MetricSink sink)
    {
        counters.report(sink, writer.buffered());
        sink.gauge("relay_writer_behind_ms", "0 when every local event is in the outbox, else the age of the newest " +
            "local event committed there (an upper bound of the oldest waiting one's age; grows through an outage)",
            writer.behindMs());
    }

    /**
     * Resumes from an id this relay's {@link VectorStamper} printed, on this node or another. When the id was stamped
     * by this node in its current run and that event is still in the engine's in-memory history, this is the
     * engine's own resume after the event's local id (no PostgreSQL); otherwise a {@link ReplicaResume} from the
     * vector. While PostgreSQL is unreachable (known to the reader or the writer, or found by the attempt) it answers
     * at once: a {@link MemoryResume} when this node's in-memory history provably holds everything the client is owed,
     * otherwise an {@link SQLException} (the transport's retryable {@code resume_unavailable}). Never waits out a
     * timeout while the outage is known.
     *
     * @throws IllegalArgumentException when {@code lastEventId} is not a vector id (before touching PostgreSQL).
     * @throws java.sql.SQLException    when PostgreSQL cannot be read; nothing stays subscribed.
     */
    @Override
    public ResumedStream resume(
        final Engine engine, final Filter filter, final SubscribeOptions options, final String lastEventId)
        throws Exception
    {
        final ResumeVector from = ResumeVector.parse(lastEventId);
        if (options.resumeAfter() != SubscribeOptions.NO_RESUME)
        {
            throw new IllegalArgumentException("a vector resume takes its position from the id; do not set " +
                "resumeAfter");
        }
        final ResumedStream local = LocalResume.tryOpen(engine, filter, options, from);
        if (local != null)
        {
            return local;
        }
        final OutboxReader r = reader;
        if (r == null || !r.positioned())
        {
            throw new SQLException("this node has not read its start position in the outbox yet (PostgreSQL " +
                "unreachable since it started: " + (r == null ? "relay not started" : r.lastError()) + ")");
        }
        if (!r.connected() || !writer.connected())
        {
            // a known outage: answer at once, from memory when that provably covers the client, else refuse
            return fromMemory(engine, filter, options, from, outage(r));
        }
        try
        {
            return ReplicaResume.open(this, engine, filter, options, from);
        }
        catch (final SQLException e)
        {
            return fromMemory(engine, filter, options, from, e.getMessage());
        }
    }

    private ResumedStream fromMemory(
        final Engine engine, final Filter filter, final SubscribeOptions options, final ResumeVector from,
        final String why) throws SQLException
    {
        final ResumedStream m = MemoryResume.tryOpen(engine, filter, options, from, true);
        if (m != null)
        {
            counters.memoryResumes.incrementAndGet();
            return m;
        }
        counters.resumesRefused.incrementAndGet();
        throw new SQLException("PostgreSQL is unreachable (" + why + ") and this node's memory does not hold " +
            "everything after this position; retry");
    }

    private String outage(final OutboxReader r)
    {
        return !r.connected() ? "outbox reader: " + r.lastError() : "outbox writer: " + writer.lastError();
    }

    /**
     * Prunes now instead of at the next tick: makes the outbox partitions needed ahead and drops, whole, those whose
     * time range ended at least the retention ago.
     *
     * @return rows removed (0 also when another node holds the prune lock).
     * @throws SQLException when PostgreSQL cannot be reached.
     */
    public long pruneNow() throws SQLException
    {
        return pruner.pruneNow();
    }

    /** @return the highest id of this node's events known committed to the outbox, {@code -1} before any. */
    public long committedId()
    {
        return writer.committedId();
    }

    Executor replayExecutor()
    {
        return replayExecutor;
    }

    OutboxWriter writer()
    {
        return writer;
    }

    /** @return the settings. */
    public RelayConfig config()
    {
        return config;
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        // one budget for everything: the reader stops at once, the writer flushes while PostgreSQL answers
        final long deadlineNs = System.nanoTime() + CLOSE_TIMEOUT_MS * 1_000_000L;
        pruner.close();
        replayExecutor.shutdownNow();
        final OutboxReader r = reader;
        if (r != null)
        {
            r.close(deadlineNs);
        }
        writer.close(deadlineNs);
    }
}
