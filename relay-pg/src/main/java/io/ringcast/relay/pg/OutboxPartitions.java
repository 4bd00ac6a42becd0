package io.ringcast.relay.pg;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The outbox's partitions: {@code ringcast_outbox} is range-partitioned by {@code created_at} (the database clock at
 * insert), one partition per {@link RelayConfig#partitionMs()} aligned on multiples of it since the epoch, named
 * {@code ringcast_outbox_p_<fromMs>_<toMs>} ({@code fromMs} 0 for the first partition, which reaches down to
 * {@code MINVALUE} and holds the rows of the unpartitioned outbox a migration found).
 *
 * <p><b>Created ahead.</b> {@link #ensureAhead} makes the partitions up to {@link #aheadMs} past the database clock,
 * at most {@value #MAX_CREATED_PER_CALL} per call, each by {@code CREATE TABLE} plus its two indexes plus
 * {@code ATTACH PARTITION} (which locks the parent only in SHARE UPDATE EXCLUSIVE mode, so readers and writers go on),
 * under a transaction-level advisory lock so concurrent callers on several nodes never race. The pruner calls it on
 * every run; the writer on every (re)connect, and on demand when an insert found no partition for its rows (the
 * pruner of every node was stopped longer than the lead): rows are then never refused for long, and the on-demand
 * creations are counted. There is no {@code DEFAULT} partition: rows in it could not be dropped with their time
 * range, every partition attached later would have to scan it, and {@code DETACH ... CONCURRENTLY} refuses a table
 * that has one.
 *
 * <p><b>Dropped whole.</b> {@link #dropExpired} drops, oldest first, the partitions whose upper bound is at least
 * the retention behind the database clock: every row in them is older than the retention, and none younger is
 * touched. A partition a transaction still writes into (one open since before the partition's upper bound) waits for
 * the next run, so the watermarks below cover every row the partition will ever hold. Before a partition is detached the pruned watermarks are raised in one transaction to the highest
 * {@code (xid, id)} it holds and, per origin, its highest {@code origin_seq} (index scans, one per origin); then
 * {@code DETACH PARTITION ... CONCURRENTLY} (no lock that stops readers or writers) and {@code DROP TABLE}. A run cut
 * short in between is finished by the next one: a detach left pending is finalized, a detached table dropped.
 *
 * <p>Stateless; call from any thread with a connection that thread owns, in auto-commit mode.
 */
final class OutboxPartitions
{
    static final String PREFIX = "ringcast_outbox_p_";
    /** At most this many partitions are made ahead of the clock, and at most this many per call. */
    static final int MAX_CREATED_PER_CALL = 32;
    /** A partition up to this size has its rows counted when it is dropped; a larger one reports the estimate. */
    static final long COUNT_MAX_BYTES = 64L * 1024 * 1024;
    /** SQLSTATE of "no partition of relation ... found for row". */
    static final String NO_PARTITION = "23514";
    private static final long LOCK_KEY = 0x52696e6770617274L; // "Ringpart"
    /**
     * How long {@link #ensureAhead} waits for its locks (an attach waits behind a concurrent detach, which itself
     * waits for transactions that use the outbox) before it gives up until its next call.
     */
    static final long LOCK_TIMEOUT_MS = 5_000;
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d{1,19})_(\\d{1,19})");
    private static final String NOW_MS_SQL = "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint";
    private static final String ATTACHED_SQL =
        "SELECT c.relname, i.inhdetachpending FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid" +
        " WHERE i.inhparent = 'ringcast_outbox'::regclass";
    /** Transactions holding a write lock on a partition (only one open since before its upper bound can). */
    private static final String WRITERS_SQL =
        "SELECT count(*) FROM pg_locks WHERE relation = '%s'::regclass AND mode = 'RowExclusiveLock' AND granted";
    private static final String DETACHED_SQL =
        "SELECT relname FROM pg_class WHERE relname LIKE 'ringcast\\_outbox\\_p\\_%' AND relkind = 'r'" +
        " AND NOT relispartition AND relnamespace = current_schema()::regnamespace";

    private OutboxPartitions()
    {
    }

    /** One partition: {@code [fromMs, toMs)} of {@code created_at}, {@code fromMs} 0 for {@code MINVALUE}. */
    record Partition(String name, long fromMs, long toMs, boolean detachPending)
    {
    }

    /** @return the name of the partition {@code [fromMs, toMs)}. */
    static String name(final long fromMs, final long toMs)
    {
        return PREFIX + fromMs + "_" + toMs;
    }

    /**
     * @return how far past the database clock partitions are kept ready: two partitions, or three pruner periods if
     *         longer, at most {@value #MAX_CREATED_PER_CALL} partitions.
     */
    static long aheadMs(final RelayConfig config)
    {
        final long span = config.partitionMs();
        return Math.min(MAX_CREATED_PER_CALL * span, Math.max(2 * span, 3 * config.pruneIntervalMs()));
    }

    /**
     * Makes the partitions missing up to {@link #aheadMs} past the database clock (at most
     * {@value #MAX_CREATED_PER_CALL}). A gap left by a long stop is covered by one partition up to the boundary after
     * the clock.
     *
     * @return partitions created.
     */
    static int ensureAhead(final Connection c, final RelayConfig config) throws SQLException
    {
        final long span = config.partitionMs();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement())
        {
            s.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT_MS + "ms'");
            s.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
            final long now = queryLong(s, NOW_MS_SQL);
            long to = 0;
            for (final Partition p : attached(s))
            {
                to = Math.max(to, p.toMs());
            }
            if (to == 0)
            {
                throw new SQLException("ringcast_outbox has no partitions: the schema was changed by hand");
            }
            final long until = now + aheadMs(config);
            int created = 0;
            while (to < until && created < MAX_CREATED_PER_CALL)
            {
                final long from = to;
                to = (Math.max(from, now) / span + 1) * span;
                create(s, from, to);
                created++;
            }
            c.commit();
            return created;
        }
        catch (final SQLException | RuntimeException e)
        {
            c.rollback();
            throw e;
        }
        finally
        {
            c.setAutoCommit(true);
        }
    }

    static void create(final Statement s, final long fromMs, final long toMs) throws SQLException
    {
        final String name = name(fromMs, toMs);
        s.execute("CREATE TABLE " + name + " (LIKE ringcast_outbox)");
        s.execute("CREATE INDEX " + name + "_order ON " + name + " (xid, id)");
        s.execute("CREATE INDEX " + name + "_origin ON " + name + " (origin, origin_seq)");
        s.execute("ALTER TABLE ringcast_outbox ATTACH PARTITION " + name + " FOR VALUES FROM ('" +
            Instant.ofEpochMilli(fromMs) + "') TO ('" + Instant.ofEpochMilli(toMs) + "')");
    }

    /**
     * Drops, oldest first and at most {@code maxDrops}, the partitions whose upper bound is at least
     * {@link RelayConfig#retentionMs()} behind the database clock, after raising the pruned watermarks to cover them.
     * Needs the pruner's lock (one node at a time) and a connection in auto-commit mode: a concurrent detach cannot
     * run inside a transaction.
     *
     * @return rows in the partitions dropped.
     */
    static long dropExpired(final Connection c, final RelayConfig config, final int maxDrops,
        final RelayCounters counters) throws SQLException
    {
        long rows = 0;
        try (Statement s = c.createStatement())
        {
            for (final Partition p : attached(s))
            {
                if (p.detachPending())
                {
                    s.execute("ALTER TABLE ringcast_outbox DETACH PARTITION " + p.name() + " FINALIZE");
                }
            }
            for (final String name : strings(s, DETACHED_SQL))
            {
                if (NAME.matcher(name).matches())
                {
                    s.execute("DROP TABLE " + name);
                    counters.partitionsDropped.incrementAndGet();
                }
            }
            final long cutoff = queryLong(s, NOW_MS_SQL) - config.retentionMs();
            final List<Partition> all = attached(s);
            all.sort((a, b) -> Long.compare(a.toMs(), b.toMs()));
            int dropped = 0;
            for (final Partition p : all)
            {
                if (p.toMs() > cutoff || dropped == maxDrops)
                {
                    break;
                }
                if (queryLong(s, String.format(WRITERS_SQL, p.name())) > 0)
                {
                    break; // a transaction open since before the cutoff still writes into it: next run
                }
                rows += recordWatermarks(c, p.name());
                s.execute("ALTER TABLE ringcast_outbox DETACH PARTITION " + p.name() + " CONCURRENTLY");
                s.execute("DROP TABLE " + p.name());
                counters.partitionsDropped.incrementAndGet();
                dropped++;
            }
        }
        return rows;
    }

    /**
     * Raises {@code ringcast_outbox_pruned} to the highest {@code (xid, id)} of the partition and
     * {@code ringcast_outbox_pruned_origin} to its highest {@code origin_seq} per origin (origins found by a loose
     * index scan, one descent per origin), in one statement.
     *
     * @return rows in the partition: counted when it is at most {@value #COUNT_MAX_BYTES} bytes or has no statistics
     *         yet, else PostgreSQL's estimate ({@code reltuples}), since a count would read the whole partition.
     */
    private static long recordWatermarks(final Connection c, final String p) throws SQLException
    {
        final String sql =
            "WITH RECURSIVE o AS (SELECT min(origin) AS origin FROM " + p +
            "   UNION ALL SELECT (SELECT min(origin) FROM " + p + " WHERE origin > o.origin) FROM o" +
            "   WHERE o.origin IS NOT NULL)," +
            " po AS (INSERT INTO ringcast_outbox_pruned_origin (origin, max_seq)" +
            "   SELECT o.origin, (SELECT max(origin_seq) FROM " + p + " WHERE origin = o.origin) FROM o" +
            "   WHERE o.origin IS NOT NULL" +
            "   ON CONFLICT (origin) DO UPDATE" +
            "   SET max_seq = GREATEST(ringcast_outbox_pruned_origin.max_seq, EXCLUDED.max_seq))," +
            " pw AS (INSERT INTO ringcast_outbox_pruned (singleton, xid, id)" +
            "   SELECT true, xid, id FROM " + p + " ORDER BY xid DESC, id DESC LIMIT 1" +
            "   ON CONFLICT (singleton) DO UPDATE SET xid = EXCLUDED.xid, id = EXCLUDED.id" +
            "   WHERE (EXCLUDED.xid, EXCLUDED.id) > (ringcast_outbox_pruned.xid, ringcast_outbox_pruned.id))" +
            " SELECT CASE WHEN pg_relation_size('" + p + "') <= " + COUNT_MAX_BYTES + " OR c.reltuples < 0" +
            "   THEN (SELECT count(*) FROM " + p + ") ELSE c.reltuples::bigint END" +
            " FROM pg_class c WHERE c.oid = '" + p + "'::regclass";
        try (Statement s = c.createStatement())
        {
            return queryLong(s, sql);
        }
    }

    /** @return the attached partitions with names of this layout, in no particular order. */
    static List<Partition> attached(final Statement s) throws SQLException
    {
        final List<Partition> partitions = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(ATTACHED_SQL))
        {
            while (rs.next())
            {
                final Matcher m = NAME.matcher(rs.getString(1));
                if (m.matches())
                {
                    partitions.add(new Partition(rs.getString(1), Long.parseLong(m.group(1)),
                        Long.parseLong(m.group(2)), rs.getBoolean(2)));
                }
            }
        }
        return partitions;
    }

    private static List<String> strings(final Statement s, final String sql) throws SQLException
    {
        final List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql))
        {
            while (rs.next())
            {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static long queryLong(final Statement s, final String sql) throws SQLException
    {
        try (ResultSet rs = s.executeQuery(sql))
        {
            rs.next();
            return rs.getLong(1);
        }
    }
}
