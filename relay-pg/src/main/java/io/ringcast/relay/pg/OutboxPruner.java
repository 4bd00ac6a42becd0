package io.ringcast.relay.pg;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Retention by whole partitions, every {@link RelayConfig#pruneIntervalMs()}: makes the outbox partitions needed
 * ahead of the clock and drops, whole, those whose time range ended at least {@link RelayConfig#retentionMs()} ago
 * (by the database clock), after recording the highest {@code (xid, id)} and the highest {@code origin_seq} per origin
 * they held, which readers and {@link OutboxLog} use to detect that they fell behind retention
 * ({@link OutboxPartitions}). A row younger than the retention is never removed. The cost of a drop does not grow
 * with the rows in the partition (a large one reports PostgreSQL's row estimate instead of a count), so pruning keeps
 * up with any write rate. Only one node
 * drops at a time (session-level advisory try-lock: a concurrent detach cannot run inside a transaction); every node
 * makes partitions ahead, under a lock of their own.
 *
 * <p>Threads: runs on its own scheduler thread; {@link #pruneNow()} may also be called from any thread.
 */
final class OutboxPruner
{
    private static final System.Logger LOG = System.getLogger(OutboxPruner.class.getName());
    private static final long LOCK_KEY = 0x52696e6770727565L;
    /** Partitions dropped per run at most; the rest wait for the next run. */
    static final int MAX_DROPS_PER_RUN = 16;

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
     * Prunes now, on the calling thread: makes the partitions needed ahead, then drops the expired ones.
     *
     * @return rows removed; 0 also when another node holds the prune lock.
     * @throws SQLException when PostgreSQL cannot be reached.
     */
    long pruneNow() throws SQLException
    {
        long total = 0;
        try (Connection c = Connections.open(config, "pruner", 60, true))
        {
            try (Statement s = c.createStatement())
            {
                s.execute("SET statement_timeout = '50s'");
            }
            counters.partitionsCreated.addAndGet(OutboxPartitions.ensureAhead(c, config));
            if (tryLock(c))
            {
                try
                {
                    total = OutboxPartitions.dropExpired(c, config, MAX_DROPS_PER_RUN, counters);
                }
                finally
                {
                    try (Statement s = c.createStatement())
                    {
                        s.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
                    }
                }
            }
        }
        counters.rowsPruned.addAndGet(total);
        return total;
    }

    private static boolean tryLock(final Connection c) throws SQLException
    {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + LOCK_KEY + ")"))
        {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    void close()
    {
        scheduler.shutdownNow();
    }
}
