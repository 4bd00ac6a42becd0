package io.ringcast.relay.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Deletes outbox rows older than {@link RelayConfig#retentionMs()} (by the database clock), every
 * {@link RelayConfig#pruneIntervalMs()}, in statements of at most {@link RelayConfig#pruneBatchRows()} rows taken
 * from the head of the {@code (xid, id)} order, so one run never holds long locks or scans the whole table. Only one
 * node prunes at a time (transaction-level advisory try-lock). Each statement also records the highest
 * {@code (xid, id)} and the highest {@code origin_seq} per origin it deleted, which readers and {@link OutboxLog}
 * use to detect that they fell behind retention. A row younger than the retention is never deleted.
 *
 * <p>Threads: runs on its own scheduler thread; {@link #pruneNow()} may also be called from any thread.
 */
final class OutboxPruner
{
    private static final System.Logger LOG = System.getLogger(OutboxPruner.class.getName());
    private static final long LOCK_KEY = 0x52696e6770727565L;
    private static final int MAX_STATEMENTS_PER_RUN = 100;
    static final String PRUNE_SQL =
        "WITH head AS (SELECT xid, id, created_at FROM ringcast_outbox ORDER BY xid, id LIMIT ?)," +
        " del AS (DELETE FROM ringcast_outbox o USING head h" +
        "   WHERE o.xid = h.xid AND o.id = h.id AND h.created_at < now() - ? * interval '1 millisecond'" +
        "   RETURNING o.xid, o.id, o.origin, o.origin_seq)," +
        " po AS (INSERT INTO ringcast_outbox_pruned_origin (origin, max_seq)" +
        "   SELECT origin, max(origin_seq) FROM del GROUP BY origin" +
        "   ON CONFLICT (origin) DO UPDATE" +
        "   SET max_seq = GREATEST(ringcast_outbox_pruned_origin.max_seq, EXCLUDED.max_seq))," +
        " pw AS (INSERT INTO ringcast_outbox_pruned (singleton, xid, id)" +
        "   SELECT true, xid, id FROM del ORDER BY xid DESC, id DESC LIMIT 1" +
        "   ON CONFLICT (singleton) DO UPDATE SET xid = EXCLUDED.xid, id = EXCLUDED.id" +
        "   WHERE (EXCLUDED.xid, EXCLUDED.id) > (ringcast_outbox_pruned.xid, ringcast_outbox_pruned.id))" +
        " SELECT count(*) FROM del";

    private final RelayConfig config;
    private final RelayCounters counters;
    private final ScheduledExecutorService scheduler;

    OutboxPruner(final RelayConfig config, final RelayCounters counters)
    {
        this.config = config;
        this.counters = counters;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread t = new Thread(r, "ringcast-relay-pruner-" + config.nodeId());
            t.setDaemon(true);
            return t;
        });
    }

    void start()
    {
        scheduler.scheduleWithFixedDelay(
            this::pruneQuietly, config.pruneIntervalMs(), config.pruneIntervalMs(), TimeUnit.MILLISECONDS);
    }

    private void pruneQuietly()
    {
        try
        {
            pruneNow();
        }
        catch (final SQLException e)
        {
            LOG.log(System.Logger.Level.WARNING, "relay pruner {0}: {1}", config.nodeId(), e.getMessage());
        }
    }

    /**
     * Prunes now, on the calling thread.
     *
     * @return rows deleted; 0 also when another node holds the prune lock.
     * @throws SQLException when PostgreSQL cannot be reached.
     */
    long pruneNow() throws SQLException
    {
        long total = 0;
        try (Connection c = Connections.open(config, "pruner", 60, true))
        {
            for (int i = 0; i < MAX_STATEMENTS_PER_RUN; i++)
            {
                final long n = pruneBatch(c);
                total += n;
                if (n < config.pruneBatchRows())
                {
                    break;
                }
            }
        }
        counters.rowsPruned.addAndGet(total);
        return total;
    }

    private long pruneBatch(final Connection c) throws SQLException
    {
        c.setAutoCommit(false);
        try
        {
            try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_try_advisory_xact_lock(" + LOCK_KEY + ")"))
            {
                rs.next();
                if (!rs.getBoolean(1))
                {
                    c.rollback();
                    return 0;
                }
            }
            final long n;
            try (PreparedStatement ps = c.prepareStatement(PRUNE_SQL))
            {
                ps.setInt(1, config.pruneBatchRows());
                ps.setLong(2, config.retentionMs());
                try (ResultSet rs = ps.executeQuery())
                {
                    rs.next();
                    n = rs.getLong(1);
                }
            }
            c.commit();
            return n;
        }
        catch (final SQLException e)
        {
            c.rollback();
            throw e;
        }
    }

    void close()
    {
        scheduler.shutdownNow();
    }
}
