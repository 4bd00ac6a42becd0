package io.ringcast.relay.pg;

import io.ringcast.systemtest.relay.support.RelayNode;
import io.ringcast.test.Await;
import io.ringcast.test.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The partitioned outbox against a real PostgreSQL 15: retention drops whole partitions and never a row younger than
 * the retention, records exact watermarks for the readers' gap detection, the writer's de-duplicating path stays exact
 * without a unique constraint, and a version-1 outbox with rows migrates in place while a writer keeps inserting.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PartitionedOutboxTest
{
    private static final String INSERT_ROW = "INSERT INTO ringcast_outbox (origin, origin_seq, event_id, topic, payload," +
        " ts_ms) VALUES (?, ?, ?, 't', '\\x01', 0) RETURNING xid::text::bigint, id," +
        " floor(extract(epoch FROM created_at) * 1000)::bigint";

    /** A row as inserted: its cursor key and its creation time (database clock, ms). */
    private record Row(String origin, long seq, long xid, long id, long createdMs)
    {
    }

    @Test
    void shouldDropWholePartitionsOfExpiredRowsAndNeverARowYoungerThanTheRetention() throws Exception
    {
        final String url = PostgresServer.shared().freshDatabase("relay_partition_drop");
        final RelayConfig config = new RelayConfig().url(url).nodeId("p").retentionMs(2_000).partitionMs(1_000)
            .pruneIntervalMs(1_000).pollIntervalMs(500);
        final RelayCounters counters = new RelayCounters();
        final OutboxPruner pruner = new OutboxPruner(config, counters);
        try (Connection c = DriverManager.getConnection(url))
        {
            Schema.migrate(c);
        }
        dropAllButTheFirstPartition(url); // the migration's 10 s partition: start with partitions of 1 s
        try (Connection c = DriverManager.getConnection(url))
        {
            OutboxPartitions.ensureAhead(c, config);
        }
        final ConcurrentLinkedQueue<Row> inserted = new ConcurrentLinkedQueue<>();
        final AtomicBoolean inserting = new AtomicBoolean(true);
        final Thread writer = new Thread(() -> insertUntilStopped(url, inserted, inserting), "test-inserter");
        writer.start();
        long removed = 0;
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (counters.partitionsDropped.get() < 4 && System.nanoTime() < deadlineNs)
        {
            removed += pruner.pruneNow();
            final long after = dbNowMs(url);
            final List<Row> committed = new ArrayList<>(inserted); // before the read: all committed before it
            final Set<Long> present = presentSeqs(url);
            for (final Row r : committed)
            {
                if (r.createdMs() > after - config.retentionMs())
                {
                    assertTrue(present.contains(r.seq()), () -> "row " + r + " younger than the retention was removed");
                }
            }
            Thread.sleep(100);
        }
        inserting.set(false);
        writer.join();
        assertTrue(counters.partitionsDropped.get() >= 4, "partitions dropped: " + counters.partitionsDropped.get());

        final Set<Long> present = presentSeqs(url);
        final List<Row> gone = new ArrayList<>();
        for (final Row r : inserted)
        {
            if (!present.contains(r.seq()))
            {
                gone.add(r);
            }
        }
        assertEquals(removed, gone.size(), "pruneNow counts the rows it removed");
        assertTrue(!gone.isEmpty());
        final Row highest = gone.stream().max((a, b) -> a.xid() != b.xid() ? Long.compare(a.xid(), b.xid()) :
            Long.compare(a.id(), b.id())).orElseThrow();
        assertEquals(highest.xid() + "/" + highest.id(),
            queryString(url, "SELECT xid::text || '/' || id FROM ringcast_outbox_pruned"),
            "the pruned watermark is the highest (xid, id) removed");
        assertEquals(gone.stream().mapToLong(Row::seq).max().orElseThrow(),
            queryLong(url, "SELECT max_seq FROM ringcast_outbox_pruned_origin WHERE origin = 'w'"),
            "the per-origin watermark is the highest origin_seq removed");
        final long lowestPresent = present.stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
        assertTrue(gone.stream().allMatch(r -> r.seq() < lowestPresent), "an origin's rows are removed oldest first");
        assertEquals(0, queryLong(url, "SELECT count(*) FROM pg_class WHERE relname LIKE 'ringcast\\_outbox\\_p\\_%'" +
            " AND relkind = 'r' AND NOT relispartition"), "no detached partition is left behind");
    }

    @Test
    void shouldCreatePartitionsBoundedlyAheadAndOnDemandWhenInsertsOutrunThem() throws Exception
    {
        final String url = PostgresServer.shared().freshDatabase("relay_partition_ahead");
        final RelayConfig config = RelayNode.config(url).retentionMs(60_000).partitionMs(1_000)
            .pruneIntervalMs(600_000);
        try (RelayNode node = new RelayNode("ahead", config))
        {
            RelayNode.await("relay connected", 20_000, () -> node.health().ok(), () -> node.health().toString());
            dropAllButTheFirstPartition(url);
            final double before = node.metric("relay_partitions_created_total");
            node.relay().pruneNow();
            final long now = dbNowMs(url);
            final double made = node.metric("relay_partitions_created_total") - before;
            assertTrue(made >= 1 && made <= OutboxPartitions.MAX_CREATED_PER_CALL, "created ahead: " + made);
            assertTrue(maxPartitionTo(url) <= now + OutboxPartitions.aheadMs(config) + config.partitionMs(),
                "at most the lead ahead of the clock");
            assertEquals(0.0, node.metric("relay_partitions_created_on_demand_total"));

            dropAllButTheFirstPartition(url);
            node.publish("ahead/t", "outrun");
            RelayNode.await("the event to be written after an on-demand partition", 20_000,
                () -> queryLong(url, "SELECT count(*) FROM ringcast_outbox WHERE origin = 'ahead'") == 1,
                () -> "on demand: " + node.metric("relay_partitions_created_on_demand_total"));
            assertTrue(node.metric("relay_partitions_created_on_demand_total") >= 1.0);
            assertEquals(0.0, node.metric("relay_dropped_writes_total"));
        }
    }

    @Test
    void shouldInsertNothingTwiceOnTheDeduplicatingPathWithoutAUniqueConstraint() throws Exception
    {
        final String url = PostgresServer.shared().freshDatabase("relay_partition_dedupe");
        final RelayConfig config = new RelayConfig().url(url).nodeId("d");
        try (Connection c = DriverManager.getConnection(url))
        {
            Schema.migrate(c);
            OutboxPartitions.ensureAhead(c, config);
            assertEquals(10, insertBatch(c, 1, 10), "first batch");
            assertEquals(5, insertBatch(c, 6, 15), "a retried batch overlapping the committed one adds only the rest");
            assertEquals(0, insertBatch(c, 1, 15), "a batch entirely committed adds nothing");
            assertEquals(15, queryLong(url, "SELECT count(DISTINCT origin_seq) FROM ringcast_outbox"));
            assertEquals(15, queryLong(url, "SELECT count(*) FROM ringcast_outbox"));
            assertEquals(15, queryLong(url, "SELECT max_seq FROM ringcast_outbox_head WHERE origin = 'd'"));

            c.setAutoCommit(false);
            assertEquals(0, headAndNotify(c, 15, 20), "a COPY batch starting at or below the head is turned away");
            c.rollback();
            assertEquals(1, headAndNotify(c, 16, 20), "the next batch raises the head");
            c.rollback();
            c.setAutoCommit(true);
        }
        // rows whose partition was dropped are not written again by a late retry: the head remembers them
        Checks.execute(url, "DELETE FROM ringcast_outbox");
        try (Connection c = DriverManager.getConnection(url))
        {
            assertEquals(0, insertBatch(c, 1, 15));
        }
    }

    @Test
    void shouldMigrateAVersionOneOutboxWithRowsInPlaceWhileAWriterKeepsInserting() throws Exception
    {
        final String url = PostgresServer.shared().freshDatabase("relay_partition_migrate");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement())
        {
            s.execute("CREATE TABLE ringcast_schema (version int PRIMARY KEY, applied_at timestamptz NOT NULL " +
                "DEFAULT now())");
            for (final String ddl : Schema.MIGRATIONS[0])
            {
                s.execute(ddl);
            }
            s.execute("INSERT INTO ringcast_schema (version) VALUES (1)");
            for (int batch = 0; batch < 20; batch++)
            {
                s.execute("INSERT INTO ringcast_outbox (origin, origin_seq, event_id, topic, payload, ts_ms)" +
                    " SELECT CASE WHEN g % 2 = 0 THEN 'a' ELSE 'b' END, " + batch * 5_000 + " + g, g, 't', '\\x01', 0" +
                    " FROM generate_series(1, 5000) g");
            }
            s.execute("INSERT INTO ringcast_outbox_pruned VALUES (true, '5', 7)");
        }
        final List<String> before = page(url, 0, 0, 100_000);
        final long oldMaxId = queryLong(url, "SELECT max(id) FROM ringcast_outbox");

        final AtomicBoolean inserting = new AtomicBoolean(true);
        final AtomicLong liveRows = new AtomicLong();
        final AtomicLong liveErrors = new AtomicLong();
        final Thread live = new Thread(() ->
        {
            try (Connection c = DriverManager.getConnection(url);
                PreparedStatement ps = c.prepareStatement("INSERT INTO ringcast_outbox (origin, origin_seq, " +
                    "event_id, topic, payload, ts_ms) VALUES ('live', ?, 0, 't', '\\x01', 0)"))
            {
                long seq = 0;
                while (inserting.get())
                {
                    ps.setLong(1, ++seq);
                    try
                    {
                        ps.executeUpdate();
                        liveRows.incrementAndGet();
                    }
                    catch (final SQLException e)
                    {
                        liveErrors.incrementAndGet();
                    }
                }
            }
            catch (final SQLException e)
            {
                liveErrors.incrementAndGet();
            }
        }, "test-live-writer");
        live.start();
        Await.until(Duration.ofSeconds(10), "the live writer to insert", () -> liveRows.get() > 100);
        final long startNs = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url))
        {
            Schema.migrate(c);
        }
        final long migrateMs = (System.nanoTime() - startNs) / 1_000_000;
        final long atMigration = liveRows.get();
        Await.until(Duration.ofSeconds(10), "the live writer to go on", () -> liveRows.get() > atMigration + 100);
        inserting.set(false);
        live.join();

        assertEquals(0, liveErrors.get(), "no insert failed across the migration");
        assertEquals(2, queryLong(url, "SELECT max(version) FROM ringcast_schema"));
        assertEquals(1, queryLong(url, "SELECT count(*) FROM pg_partitioned_table WHERE partrelid = " +
            "'ringcast_outbox'::regclass"), "the outbox is partitioned");
        assertEquals(100_000 + liveRows.get(), queryLong(url, "SELECT count(*) FROM ringcast_outbox"),
            "every row, old and live, is in the outbox (migration took " + migrateMs + " ms)");
        final List<String> after = page(url, 0, 0, 100_000 + (int)liveRows.get());
        assertEquals(before, after.stream().filter(r -> !r.startsWith("live")).toList(),
            "the old rows read in the same (xid, id) order");
        assertTrue(queryLong(url, "SELECT min(id) FROM ringcast_outbox WHERE id > " + oldMaxId + " AND origin = " +
            "'live'") > oldMaxId, "identities continue after the old ones");
        assertEquals(0, queryLong(url, "SELECT count(*) FROM (SELECT id FROM ringcast_outbox GROUP BY id " +
            "HAVING count(*) > 1) d"), "no identity is drawn twice");
        assertEquals(100_000, queryLong(url, "SELECT max_seq FROM ringcast_outbox_head WHERE origin = 'a'"));
        assertEquals(99_999, queryLong(url, "SELECT max_seq FROM ringcast_outbox_head WHERE origin = 'b'"));
        assertEquals("5/7", queryString(url, "SELECT xid::text || '/' || id FROM ringcast_outbox_pruned"),
            "the pruned watermark is kept");
        try (Connection c = DriverManager.getConnection(url);
            PreparedStatement ps = c.prepareStatement(OutboxLog.REPLAY_SQL))
        {
            ps.setString(1, "a");
            ps.setLong(2, 40_000);
            ps.setLong(3, 40_011);
            final List<Long> seqs = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery())
            {
                while (rs.next())
                {
                    seqs.add(rs.getLong(1));
                }
            }
            assertEquals(List.of(40_002L, 40_004L, 40_006L, 40_008L, 40_010L), seqs,
                "a durable-history replay over old rows");
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static void insertUntilStopped(final String url, final ConcurrentLinkedQueue<Row> inserted,
        final AtomicBoolean inserting)
    {
        try (Connection c = DriverManager.getConnection(url); PreparedStatement ps = c.prepareStatement(INSERT_ROW))
        {
            long seq = 0;
            final List<Row> batch = new ArrayList<>();
            while (inserting.get())
            {
                c.setAutoCommit(false);
                batch.clear();
                for (int i = 0; i < 20; i++)
                {
                    ps.setString(1, "w");
                    ps.setLong(2, ++seq);
                    ps.setLong(3, seq);
                    try (ResultSet rs = ps.executeQuery())
                    {
                        rs.next();
                        batch.add(new Row("w", seq, rs.getLong(1), rs.getLong(2), rs.getLong(3)));
                    }
                }
                c.commit();
                inserted.addAll(batch);
                c.setAutoCommit(true);
                OutboxPartitions.ensureAhead(c, new RelayConfig().url(url).nodeId("w").retentionMs(2_000)
                    .partitionMs(1_000).pruneIntervalMs(1_000).pollIntervalMs(500));
                Thread.sleep(10);
            }
        }
        catch (final SQLException | InterruptedException e)
        {
            throw new IllegalStateException(e);
        }
    }

    /** The writer's de-duplicating statement, as the writer binds it, for the batch of sequences from..to. */
    private static long insertBatch(final Connection c, final long from, final long to) throws SQLException
    {
        final int n = (int)(to - from + 1);
        final Long[] seq = new Long[n];
        final String[] text = new String[n];
        final String[] nulls = new String[n];
        final byte[][] payload = new byte[n][];
        final Long[] ts = new Long[n];
        for (int i = 0; i < n; i++)
        {
            seq[i] = from + i;
            text[i] = "t";
            payload[i] = new byte[] {1};
            ts[i] = 0L;
        }
        try (PreparedStatement ps = c.prepareStatement(OutboxWriter.INSERT_SQL))
        {
            ps.setString(1, "d");
            ps.setString(2, "d");
            final Array[] arrays = {c.createArrayOf("bigint", seq), c.createArrayOf("text", text),
                c.createArrayOf("text", nulls), c.createArrayOf("text", nulls), c.createArrayOf("text", nulls),
                c.createArrayOf("bytea", payload), c.createArrayOf("bigint", ts)};
            for (int i = 0; i < arrays.length; i++)
            {
                ps.setArray(i + 3, arrays[i]);
            }
            ps.setString(10, "d");
            ps.setLong(11, to);
            ps.setString(12, "ringcast_outbox");
            ps.setString(13, "d " + to);
            try (ResultSet rs = ps.executeQuery())
            {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long headAndNotify(final Connection c, final long first, final long last) throws SQLException
    {
        try (PreparedStatement ps = c.prepareStatement(OutboxWriter.HEAD_AND_NOTIFY_SQL))
        {
            ps.setString(1, "d");
            ps.setLong(2, last);
            ps.setLong(3, first);
            ps.setString(4, "ringcast_outbox");
            ps.setString(5, "d " + last);
            try (ResultSet rs = ps.executeQuery())
            {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** @return rows as {@code origin:seq} in the reader's page order from the cursor, read with its page query. */
    private static List<String> page(final String url, final long xid, final long id, final int limit)
        throws SQLException
    {
        final List<String> rows = new ArrayList<>();
        long cx = xid;
        long ci = id;
        try (Connection c = DriverManager.getConnection(url); PreparedStatement ps = c.prepareStatement(
            OutboxReader.READ_SQL))
        {
            while (rows.size() < limit)
            {
                ps.setString(1, "nobody");
                ps.setString(2, "nobody");
                ps.setString(3, Long.toString(cx));
                ps.setLong(4, ci);
                int n = 0;
                try (ResultSet rs = ps.executeQuery())
                {
                    while (rs.next())
                    {
                        n++;
                        cx = rs.getLong(1);
                        ci = rs.getLong(2);
                        rows.add(rs.getString(3) + ":" + rs.getLong(4));
                    }
                }
                if (n == 0)
                {
                    break;
                }
            }
        }
        return rows;
    }

    private static void dropAllButTheFirstPartition(final String url) throws SQLException
    {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement())
        {
            for (final OutboxPartitions.Partition p : OutboxPartitions.attached(s))
            {
                if (p.fromMs() > 0)
                {
                    s.execute("ALTER TABLE ringcast_outbox DETACH PARTITION " + p.name());
                    s.execute("DROP TABLE " + p.name());
                }
            }
        }
    }

    private static long maxPartitionTo(final String url)
    {
        return queryLong(url, "SELECT max(split_part(c.relname, '_', 5)::bigint) FROM pg_inherits i" +
            " JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'ringcast_outbox'::regclass" +
            " AND split_part(c.relname, '_', 4) <> '0'");
    }

    private static Set<Long> presentSeqs(final String url) throws SQLException
    {
        final Set<Long> seqs = new HashSet<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT origin_seq FROM ringcast_outbox WHERE origin = 'w'"))
        {
            while (rs.next())
            {
                seqs.add(rs.getLong(1));
            }
        }
        return seqs;
    }

    private static long dbNowMs(final String url)
    {
        return queryLong(url, "SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint");
    }

    private static long queryLong(final String url, final String sql)
    {
        return Long.parseLong(queryString(url, sql));
    }

    private static String queryString(final String url, final String sql)
    {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery(sql))
        {
            rs.next();
            return rs.getString(1);
        }
        catch (final SQLException e)
        {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static final class Checks
    {
        static void execute(final String url, final String sql)
        {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement())
            {
                s.execute(sql);
            }
            catch (final SQLException e)
            {
                throw new IllegalStateException(sql + ": " + e.getMessage(), e);
            }
        }
    }
}
