package io.ringcast.relay.pg;

import io.ringcast.engine.Event;
import io.ringcast.engine.EventStage;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

import java.lang.invoke.VarHandle;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes this node's events to the outbox: an {@link EventStage} on the engine's dispatcher thread that only
 * {@code offer}s local events into a bounded single-producer queue, and a writer thread that drains the queue in
 * batches of at most {@link RelayConfig#batchSize()} and commits each batch as ONE statement: a multi-row
 * {@code INSERT ... SELECT FROM unnest(arrays)} plus one {@code pg_notify} whose payload is only the origin node id.
 *
 * <p><b>Buffering policy.</b> While PostgreSQL is slow or down the writer keeps its current batch and retries it
 * with backoff; new events wait in the queue ({@link RelayConfig#bufferEvents()} events). When the queue is full the
 * stage drops the newest event, counts it ({@code relay_dropped_writes_total}), keeps the health degraded for a
 * minute, and remembers the id range so {@link OutboxLog} never claims a complete replay across it. Local delivery
 * is never affected: the stage never blocks. Memory is bounded by queue capacity plus one batch.
 *
 * <p><b>Exactly once in the outbox.</b> A batch whose commit outcome is unknown (connection lost during commit) is
 * retried; {@code ON CONFLICT (origin, origin_seq) DO NOTHING} makes the retry insert nothing twice. Batches commit
 * one after another from this single thread, so their {@code xid8}s increase in publish order: readers that order
 * by {@code (xid, id)} see this origin's events in publish order.
 *
 * <p>Threads: {@link #onEvent} on the dispatcher thread only; {@link #run} on the writer thread only; the getters
 * from any thread.
 */
final class OutboxWriter implements EventStage, Runnable
{
    private static final System.Logger LOG = System.getLogger(OutboxWriter.class.getName());
    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long DROP_DEGRADES_MS = 60_000;
    private static final long IDLE_CHECK_NS = TimeUnit.SECONDS.toNanos(1);
    private static final String INSERT_SQL =
        "WITH ins AS (" +
        " INSERT INTO ringcast_outbox (origin, origin_seq, event_id, topic, type, audience, attributes, payload, ts_ms)" +
        " SELECT ?, u.seq, u.seq, u.topic, u.type, u.audience, u.attrs, u.payload, u.ts" +
        " FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bytea[], ?::bigint[])" +
        "   WITH ORDINALITY AS u(seq, topic, type, audience, attrs, payload, ts, ord)" +
        " ORDER BY u.ord" +
        " ON CONFLICT (origin, origin_seq) DO NOTHING RETURNING 1)" +
        " SELECT (SELECT count(*) FROM ins), pg_notify(?, ?)";

    private final RelayConfig config;
    private final RelayCounters counters;
    private final OneToOneConcurrentArrayQueue<Event> queue;
    private final List<Event> batch;
    private final Backoff backoff;
    private final AtomicLong committedId = new AtomicLong(-1);
    private final AtomicLong firstDroppedId = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastDroppedId = new AtomicLong(-1);
    private volatile long lastDropMs;
    private volatile boolean parked;
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile String lastError = "not connected yet";
    private volatile Thread thread;
    private Connection connection;
    private boolean everConnected;

    OutboxWriter(final RelayConfig config, final RelayCounters counters)
    {
        this.config = config;
        this.counters = counters;
        this.queue = new OneToOneConcurrentArrayQueue<>(config.bufferEvents());
        this.batch = new ArrayList<>(config.batchSize());
        this.backoff = new Backoff(config.reconnectMinMs(), config.reconnectMaxMs());
    }

    // ------------------------------------------------------------------------------------------- dispatcher thread

    @Override
    public void onEvent(final Event event, final boolean endOfBatch)
    {
        if (event.isLocal() && !queue.offer(event))
        {
            counters.droppedWrites.incrementAndGet();
            firstDroppedId.compareAndSet(Long.MAX_VALUE, event.id());
            lastDroppedId.lazySet(event.id());
            lastDropMs = System.currentTimeMillis();
        }
        if (endOfBatch)
        {
            VarHandle.fullFence(); // StoreLoad: the offer must be visible before we read 'parked'
            final Thread t = thread;
            if (parked && t != null)
            {
                LockSupport.unpark(t);
            }
        }
    }

    // ------------------------------------------------------------------------------------------- writer thread

    void start()
    {
        final Thread t = new Thread(this, "ringcast-relay-writer-" + config.nodeId());
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    @Override
    public void run()
    {
        long idleSinceNs = System.nanoTime();
        while (running || (!batch.isEmpty() || !queue.isEmpty()) && connected)
        {
            if (!ensureConnected())
            {
                continue;
            }
            if (batch.isEmpty() && queue.drain(batch::add, config.batchSize()) == 0)
            {
                if (!running)
                {
                    break;
                }
                parkUntilWork();
                if (System.nanoTime() - idleSinceNs > IDLE_CHECK_NS)
                {
                    checkIdleConnection();
                    idleSinceNs = System.nanoTime();
                }
                continue;
            }
            try
            {
                write(batch);
                committedId.lazySet(batch.get(batch.size() - 1).id());
                batch.clear();
                backoff.reset();
                idleSinceNs = System.nanoTime();
            }
            catch (final SQLException e)
            {
                counters.writeFailures.incrementAndGet();
                disconnect("outbox write failed: " + e.getMessage());
                if (running)
                {
                    backoff.pause();
                }
            }
        }
        Connections.closeQuietly(connection);
        connected = false;
    }

    /** An idle connection can die unnoticed (server restart); find out before the next batch needs it. */
    private void checkIdleConnection()
    {
        try
        {
            if (!connection.isValid(2))
            {
                disconnect("idle connection lost");
            }
        }
        catch (final SQLException e)
        {
            disconnect("idle connection lost: " + e.getMessage());
        }
    }

    private void parkUntilWork()
    {
        parked = true;
        VarHandle.fullFence();
        if (queue.isEmpty() && running)
        {
            LockSupport.parkNanos(this, IDLE_PARK_NS);
        }
        parked = false;
    }

    private boolean ensureConnected()
    {
        if (connection != null)
        {
            return true;
        }
        try
        {
            connection = Connections.open(config, "writer", 30);
            Schema.migrate(connection);
            if (everConnected)
            {
                counters.reconnects.incrementAndGet();
            }
            everConnected = true;
            connected = true;
            lastError = "";
            LOG.log(System.Logger.Level.INFO, "relay writer {0} connected to {1}", config.nodeId(),
                RelayConfig.redact(config.url()));
            return true;
        }
        catch (final SQLException e)
        {
            disconnect("cannot connect: " + e.getMessage());
            if (running)
            {
                backoff.pause();
            }
            return false;
        }
    }

    private void disconnect(final String reason)
    {
        if (connected || !reason.equals(lastError))
        {
            LOG.log(System.Logger.Level.WARNING, "relay writer {0}: {1}; {2} events buffered", config.nodeId(),
                reason, queue.size() + batch.size());
        }
        Connections.closeQuietly(connection);
        connection = null;
        connected = false;
        lastError = reason;
    }

    private void write(final List<Event> events) throws SQLException
    {
        final int n = events.size();
        final Long[] seq = new Long[n];
        final String[] topic = new String[n];
        final String[] type = new String[n];
        final String[] audience = new String[n];
        final String[] attrs = new String[n];
        final byte[][] payload = new byte[n][];
        final Long[] ts = new Long[n];
        for (int i = 0; i < n; i++)
        {
            final Event e = events.get(i);
            seq[i] = e.id();
            topic[i] = e.topic();
            type[i] = e.type();
            audience[i] = e.audience();
            attrs[i] = AttributeCodec.encode(e.attributes());
            payload[i] = e.payload();
            ts[i] = e.timestampMs();
        }
        final Connection c = connection;
        try (PreparedStatement ps = c.prepareStatement(INSERT_SQL))
        {
            ps.setString(1, config.nodeId());
            final Array[] arrays = {
                c.createArrayOf("bigint", seq), c.createArrayOf("text", topic), c.createArrayOf("text", type),
                c.createArrayOf("text", audience), c.createArrayOf("text", attrs), c.createArrayOf("bytea", payload),
                c.createArrayOf("bigint", ts)};
            for (int i = 0; i < arrays.length; i++)
            {
                ps.setArray(i + 2, arrays[i]);
            }
            ps.setString(9, config.channel());
            ps.setString(10, config.nodeId());
            try (ResultSet rs = ps.executeQuery())
            {
                rs.next();
                counters.rowsWritten.addAndGet(rs.getLong(1));
            }
        }
        counters.batchesWritten.incrementAndGet();
    }

    // ------------------------------------------------------------------------------------------- any thread

    /** Stops after writing what is queued, waiting at most {@code timeoutMs} for PostgreSQL. */
    void close(final long timeoutMs)
    {
        running = false;
        final Thread t = thread;
        if (t != null)
        {
            LockSupport.unpark(t);
            try
            {
                t.join(timeoutMs);
                if (t.isAlive())
                {
                    t.interrupt();
                    t.join(timeoutMs);
                }
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return the highest local event id known committed to the outbox, {@code -1} before the first batch. */
    long committedId()
    {
        return committedId.get();
    }

    /** @return {@code true} when a local event with an id in {@code [lo, hi]} may have been dropped. */
    boolean droppedWithin(final long lo, final long hi)
    {
        final long first = firstDroppedId.get();
        return first != Long.MAX_VALUE && first <= hi && lastDroppedId.get() >= lo;
    }

    boolean connected()
    {
        return connected;
    }

    String lastError()
    {
        return lastError;
    }

    boolean droppedRecently()
    {
        return lastDropMs != 0 && System.currentTimeMillis() - lastDropMs < DROP_DEGRADES_MS;
    }

    int buffered()
    {
        return queue.size();
    }
}
