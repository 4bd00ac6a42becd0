package io.ringcast.relay.pg;

import io.ringcast.engine.Engine;
import io.ringcast.engine.Message;
import io.ringcast.engine.spi.ReplicaPublisher;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads other nodes' events from the outbox in commit order and re-injects them through
 * {@link ReplicaPublisher#tryPublish}, so they reach local subscribers and never the outbox again.
 *
 * <p><b>Commit order, and why no row is skipped.</b> Every row carries {@code xid8 = pg_current_xact_id()} of the
 * transaction that inserted it, plus an identity {@code id}. The reader keeps a cursor {@code (xid, id)} and, in one
 * statement, reads only rows with {@code (xid, id) > cursor} and {@code xid < xmin(S)}, ordered by
 * {@code (xid, id)}, where S is that statement's own snapshot: {@code pg_current_snapshot()} returns the active
 * snapshot ({@code GetActiveSnapshot()} in {@code xid8funcs.c}), which under READ COMMITTED is the one snapshot the
 * whole statement scans with. So the bound and the scan agree, in one round trip.
 * <ol>
 * <li>By definition of {@code xmin(S)}, every transaction with an xid below it had finished when S was taken: its
 *     rows are all visible in S if it committed, and none will ever appear if it aborted.</li>
 * <li>A transaction that had not finished when S was taken has an xid {@code >= xmin(S)}, or no xid yet and will
 *     get one from the counter, which is already past {@code xmin(S)}. So every row that becomes visible after S
 *     has {@code xid >= xmin(S)}.</li>
 * <li>The cursor only advances to rows the reader has read, all with {@code xid < xmin(S)}; hence every row that
 *     commits later sorts after the cursor and will be read, and the set of rows below the cursor never changes
 *     (except by pruning, which the reader detects, see below). No skip, no re-read: exactly once.</li>
 * </ol>
 * A naive {@code id > lastId} reader fails at step 2: ids are drawn at INSERT, not at COMMIT. The price of the
 * scheme is that a long-running transaction anywhere in the database holds {@code xmin} back and delays the relay
 * (not loses events); keep transactions on the relay's database short.
 *
 * <p><b>Per-origin order.</b> Each origin's rows come from one writer thread committing batch after batch, so the
 * later batch has the larger xid, and within a batch {@code id} follows publish order; reading in {@code (xid, id)}
 * order and re-injecting in that order keeps every origin's order on every node.
 *
 * <p><b>Faults.</b> Any {@link SQLException} closes the connection; the reader reconnects with exponential backoff
 * and jitter, LISTENs again and reads on from its in-memory cursor, so a killed backend or a PostgreSQL restart
 * loses and repeats nothing. It wakes on NOTIFY and at least every {@link RelayConfig#pollIntervalMs()}; its own
 * node's NOTIFYs wake it only while another origin's announced batch is still unread ({@link ReadTrigger}).
 *
 * <p><b>Start position.</b> On its first connection (or handed over by {@link PgRelay#start} when PostgreSQL
 * answered then) the reader takes a {@link StartPosition}: the cursor is the last row below a snapshot's xmin, and
 * the reader relays <em>every</em> row after it, whatever its {@code ts_ms}; the per-origin baseline goes to the
 * {@link VectorStamper}, whose stamps thereby claim exactly what the reader will never relay. (Positioning by time,
 * skipping rows published before the node started, lost the rows other nodes had buffered during an outage and
 * committed after this node started.)
 *
 * <p><b>Retention gaps.</b> The pruner records the highest {@code (xid, id)} it deleted. If that passes the
 * reader's cursor, rows the reader never read may be gone: it counts a gap, logs it, and reads on.
 *
 * <p>Threads: {@link #run} on the reader thread only; the getters from any thread.
 */
final class OutboxReader implements Runnable
{
    private static final System.Logger LOG = System.getLogger(OutboxReader.class.getName());
    private static final int PAGE_ROWS = 2_000;
    private static final long MAX_RING_FULL_PARK_NS = 1_000_000;
    private static final long PRUNE_CHECK_INTERVAL_NS = 1_000_000_000L;
    /**
     * One page in commit order: a plain ordered scan of the primary key with a limit, nothing materialised or sorted.
     * Rows of this node's own origin come back too (the cursor must move past them) but without their attributes and
     * payload. The session prices sorts out, so the plan is that scan whatever the statistics say (see
     * {@link Connections#open}). The first column needs its alias: unaliased,
     * {@code xid::text::bigint} is named {@code xid}, and {@code ORDER BY xid} would sort by that expression instead
     * of walking the index.
     */
    static final String READ_SQL =
        "SELECT xid::text::bigint AS x, id, origin, origin_seq, ts_ms, topic, type, audience," +
        "   CASE WHEN origin <> ? THEN attributes END, CASE WHEN origin <> ? THEN payload END" +
        " FROM ringcast_outbox" +
        " WHERE (xid, id) > (?::text::xid8, ?) AND xid < pg_snapshot_xmin(pg_current_snapshot())" +
        " ORDER BY xid, id LIMIT " + PAGE_ROWS;
    /** The oldest committed row of another origin after the cursor, visible or still held back below xmin. */
    private static final String HEAD_SQL =
        "SELECT ts_ms FROM ringcast_outbox WHERE (xid, id) > (?::text::xid8, ?) AND origin <> ?" +
        " ORDER BY xid, id LIMIT 1";
    private static final String PRUNED_SQL = "SELECT xid::text::bigint, id FROM ringcast_outbox_pruned";

    private final RelayConfig config;
    private final RelayCounters counters;
    private final ReplicaPublisher engine;
    private final VectorStamper stamper;
    private final Backoff backoff;
    private final ReadTrigger trigger;
    private final AtomicLong firstRelayedId = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastRelayedId = new AtomicLong(-1);
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile String lastError = "not connected yet";
    private volatile Thread thread;
    private Connection connection;
    private volatile boolean positioned;
    private boolean everConnected;
    private long cursorXid;
    private long cursorId;
    private long reportedPrunedXid = -1;
    private long reportedPrunedId = -1;
    private long lastPruneCheckNs = System.nanoTime() - PRUNE_CHECK_INTERVAL_NS;

    /**
     * @param stamper receives the start position's baseline before any row is relayed.
     * @param start   the start position if already read, or {@code null}: the reader reads it on its first connection.
     */
    OutboxReader(final RelayConfig config, final RelayCounters counters, final ReplicaPublisher engine,
        final VectorStamper stamper, final StartPosition start)
    {
        this.config = config;
        this.counters = counters;
        this.engine = engine;
        this.stamper = stamper;
        if (start != null)
        {
            position(start);
        }
        this.backoff = new Backoff(config.reconnectMinMs(), config.reconnectMaxMs());
        this.trigger = new ReadTrigger(config.nodeId());
        counters.headCheckOverdueMs = 2 * Math.max(RelayCounters.HEAD_CHECK_INTERVAL_MS, config.pollIntervalMs()) + 1000;
    }

    void start()
    {
        final Thread t = new Thread(this, "ringcast-relay-reader-" + config.nodeId());
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    @Override
    public void run()
    {
        while (running)
        {
            try
            {
                if (connection == null)
                {
                    connect();
                }
                readUntilCaughtUp();
                awaitReason();
            }
            catch (final SQLException e)
            {
                disconnect("outbox read failed: " + e.getMessage());
                if (running)
                {
                    backoff.pause();
                }
            }
        }
        Connections.closeQuietly(connection);
        connected = false;
    }

    private void connect() throws SQLException
    {
        connection = Connections.open(config, "reader", 0, true);
        Schema.migrate(connection);
        try (Statement s = connection.createStatement())
        {
            s.execute("LISTEN " + config.channel());
        }
        if (!positioned)
        {
            position(StartPosition.read(connection));
        }
        if (everConnected)
        {
            counters.reconnects.incrementAndGet();
        }
        everConnected = true;
        connected = true;
        lastError = "";
        backoff.reset();
        LOG.log(System.Logger.Level.INFO, "relay reader {0} listening on {1} from cursor ({2}, {3})",
            config.nodeId(), config.channel(), Long.toString(cursorXid), Long.toString(cursorId));
    }

    /** Once: the cursor starts at {@code start}, and the stamps claim its baseline from the next event on. */
    private void position(final StartPosition start)
    {
        cursorXid = start.cursorXid();
        cursorId = start.cursorId();
        stamper.baseline(start.baseline());
        positioned = true;
        LOG.log(System.Logger.Level.INFO, "relay reader {0} starts after {1}", config.nodeId(), start);
    }

    private void disconnect(final String reason)
    {
        if (connected || !reason.equals(lastError))
        {
            LOG.log(System.Logger.Level.WARNING, "relay reader {0}: {1}", config.nodeId(), reason);
        }
        Connections.closeQuietly(connection);
        connection = null;
        connected = false;
        lastError = reason;
    }

    /**
     * Waits for a NOTIFY that {@link ReadTrigger} says needs a read, or for the poll interval to pass, whichever
     * comes first. The NOTIFYs of this node's own batches are counted and skipped while no other origin is pending.
     */
    private void awaitReason() throws SQLException
    {
        final PGConnection pg = connection.unwrap(PGConnection.class);
        final long deadlineNs = System.nanoTime() + config.pollIntervalMs() * 1_000_000L;
        while (running)
        {
            final long leftMs = (deadlineNs - System.nanoTime()) / 1_000_000L;
            if (leftMs <= 0)
            {
                return;
            }
            final PGNotification[] notifications = pg.getNotifications((int)leftMs);
            if (notifications == null || notifications.length == 0)
            {
                return;
            }
            boolean read = false;
            for (final PGNotification n : notifications)
            {
                read |= trigger.onNotification(n.getParameter());
            }
            if (read)
            {
                return;
            }
            counters.ownNotifiesSkipped.addAndGet(notifications.length);
        }
    }

    private void readUntilCaughtUp() throws SQLException
    {
        final long now = System.nanoTime();
        if (now - lastPruneCheckNs > PRUNE_CHECK_INTERVAL_NS)
        {
            lastPruneCheckNs = now;
            checkPruned();
        }
        int rows;
        do
        {
            rows = readPage();
        }
        while (rows == PAGE_ROWS && running);
        if (System.currentTimeMillis() - counters.headCheckedAtMs.get() >= RelayCounters.HEAD_CHECK_INTERVAL_MS)
        {
            checkHead();
        }
    }

    /** Measures the lag against the head: the age of the oldest other-origin row after the cursor, else 0. */
    private void checkHead() throws SQLException
    {
        try (PreparedStatement ps = connection.prepareStatement(HEAD_SQL))
        {
            ps.setLong(1, cursorXid);
            ps.setLong(2, cursorId);
            ps.setString(3, config.nodeId());
            try (ResultSet rs = ps.executeQuery())
            {
                final long now = System.currentTimeMillis();
                counters.lagMs.lazySet(rs.next() ? Math.max(0, now - rs.getLong(1)) : 0);
                counters.headCheckedAtMs.lazySet(now);
            }
        }
    }

    private void checkPruned() throws SQLException
    {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(PRUNED_SQL))
        {
            if (rs.next())
            {
                final long px = rs.getLong(1);
                final long pid = rs.getLong(2);
                if (after(px, pid, cursorXid, cursorId) && (px != reportedPrunedXid || pid != reportedPrunedId))
                {
                    reportedPrunedXid = px;
                    reportedPrunedId = pid;
                    counters.gaps.incrementAndGet();
                    LOG.log(System.Logger.Level.WARNING, "relay reader {0} fell behind retention: rows up to ({1}, " +
                        "{2}) were pruned before it read past ({3}, {4}); some events were not relayed",
                        config.nodeId(), Long.toString(px), Long.toString(pid), Long.toString(cursorXid),
                        Long.toString(cursorId));
                }
            }
        }
    }

    /** @return rows in the page, this node's own included. */
    private int readPage() throws SQLException
    {
        int rows = 0;
        final String self = config.nodeId();
        try (PreparedStatement ps = connection.prepareStatement(READ_SQL))
        {
            ps.setString(1, self);
            ps.setString(2, self);
            ps.setString(3, Long.toString(cursorXid));
            ps.setLong(4, cursorId);
            try (ResultSet rs = ps.executeQuery())
            {
                while (rs.next())
                {
                    rows++;
                    final long xid = rs.getLong(1);
                    final long id = rs.getLong(2);
                    final String origin = rs.getString(3);
                    if (!self.equals(origin))
                    {
                        if (!inject(rs, origin))
                        {
                            break;
                        }
                        trigger.onRowRead(origin, rs.getLong(4));
                    }
                    cursorXid = xid;
                    cursorId = id;
                }
            }
        }
        return rows;
    }

    /** @return {@code false} when the relay or the engine is stopping and the row was not injected. */
    private boolean inject(final ResultSet rs, final String origin) throws SQLException
    {
        final long originSeq = rs.getLong(4);
        final long ts = rs.getLong(5);
        final Message message;
        try
        {
            message = Message.builder(rs.getString(6)).type(rs.getString(7)).audience(rs.getString(8))
                .attributes(AttributeCodec.decode(rs.getString(9))).payload(rs.getBytes(10)).build();
        }
        catch (final IllegalArgumentException e)
        {
            LOG.log(System.Logger.Level.ERROR, "relay reader {0}: skipping invalid outbox row {1}/{2}: {3}",
                config.nodeId(), origin, Long.toString(originSeq), e.getMessage());
            return true;
        }
        long parkNs = 1_000;
        long id;
        while ((id = engine.tryPublish(message, origin, originSeq, ts)) == Engine.RING_FULL)
        {
            counters.ringFullRetries.incrementAndGet();
            if (!running)
            {
                return false;
            }
            LockSupport.parkNanos(parkNs);
            parkNs = Math.min(MAX_RING_FULL_PARK_NS, parkNs * 2);
        }
        if (id == Engine.CLOSED)
        {
            running = false;
            return false;
        }
        firstRelayedId.compareAndSet(Long.MAX_VALUE, id);
        lastRelayedId.lazySet(id);
        counters.rowsRead.incrementAndGet();
        return true;
    }

    private static boolean after(final long xa, final long ia, final long xb, final long ib)
    {
        return xa > xb || xa == xb && ia > ib;
    }

    /**
     * Stops the reader: it has nothing to finish (its cursor lives in memory), so it is interrupted at once, out of a
     * backoff or a wait for ring space. Returns when the thread ended or at {@code deadlineNs}
     * ({@link System#nanoTime}) plus at most {@link OutboxWriter#CLOSE_GRACE_MS}; the thread is a daemon.
     */
    void close(final long deadlineNs)
    {
        running = false;
        final Thread t = thread;
        if (t != null)
        {
            t.interrupt();
            try
            {
                t.join(Math.max(1, (deadlineNs - System.nanoTime()) / 1_000_000L));
                if (t.isAlive())
                {
                    Connections.closeQuietly(connection);
                    t.join(OutboxWriter.CLOSE_GRACE_MS);
                }
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return {@code true} when an event relayed from another node got a local id in {@code [lo, hi]}. */
    boolean relayedWithin(final long lo, final long hi)
    {
        final long first = firstRelayedId.get();
        return first != Long.MAX_VALUE && first <= hi && lastRelayedId.get() >= lo;
    }

    /** @return {@code true} once the start position is known: the stamps claim its baseline. */
    boolean positioned()
    {
        return positioned;
    }

    boolean connected()
    {
        return connected;
    }

    String lastError()
    {
        return lastError;
    }
}
