package io.ringcast.relay.pg;

import io.ringcast.test.PostgresServer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Outbox retention and writer commit rate, the unpartitioned outbox (schema version 1) against the partitioned one
 * (version 2), alternated in one run on one database (two PostgreSQL schemas, {@code v1} and {@code v2}, chosen by
 * the connections' {@code currentSchema}):
 * <ul>
 * <li><b>prune</b>: the same number of expired rows in each outbox (same columns, 100-byte payloads), then removed
 *     by the former pruner's statement (the first 10,000 rows in {@code (xid, id)} order deleted if expired, with
 *     the watermarks updated, 100 statements per run, run back to back until nothing is left: the ceiling of that
 *     design; its configured rate is one run per minute, 1,000,000 rows per 60 s) and by {@link OutboxPruner} (whole
 *     partitions counted, watermarks recorded, detached concurrently and dropped). Rows removed per second of
 *     pruning.</li>
 * <li><b>writer</b>: the writer's transaction, batch after batch for a fixed time on one connection, into each
 *     outbox: the former one ({@code pg_notify}, binary {@code COPY}, {@code COMMIT}) into v1, today's
 *     ({@link OutboxWriter#HEAD_AND_NOTIFY_SQL} then {@link OutboxWriter#COPY_SQL}, {@code COMMIT}) into v2; rows
 *     encoded by {@link BinaryCopyBuffer} as the writer does. Committed rows per second.</li>
 * </ul>
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.ringcast.relay.pg.PruneBenchmark [--pg-url jdbc:postgresql://...]
 *     [--rows 1000000] [--partitions 10] [--rounds 2] [--writer-seconds 10] [--batch-size 1000]
 * </pre>
 * Without {@code --pg-url} it starts its own PostgreSQL 15 (fsync on; needs root). Single-threaded; prints Markdown.
 */
public final class PruneBenchmark
{
    /** The pruner's statement before partitioning, kept here to measure it against the partition drop. */
    static final String FORMER_PRUNE_SQL =
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
    private static final int FORMER_BATCH_ROWS = 10_000;
    private static final int FORMER_STATEMENTS_PER_RUN = 100;
    private static final long RETENTION_MS = 3_600_000;
    private static final long SPAN_MS = 60_000;
    /** Rows per fill statement (one transaction each, so xids and ids are spread as a writer's would be). */
    private static final int FILL_BATCH = 1_000;
    private static final String FILL_SQL =
        "INSERT INTO ringcast_outbox (origin, origin_seq, event_id, topic, payload, ts_ms, created_at)" +
        " SELECT CASE WHEN g % 3 = 0 THEN 'a' WHEN g % 3 = 1 THEN 'b' ELSE 'c' END, ? + g, ? + g, 'bench/a'," +
        " convert_to(repeat('x', 100), 'UTF8'), 0, ?::timestamptz + g * interval '1 microsecond'" +
        " FROM generate_series(1, " + FILL_BATCH + ") g";

    private PruneBenchmark()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Map<String, String> o = options(args);
        final int rows = Integer.parseInt(o.getOrDefault("rows", "1000000"));
        final int partitions = Integer.parseInt(o.getOrDefault("partitions", "10"));
        final int rounds = Integer.parseInt(o.getOrDefault("rounds", "2"));
        final int writerSeconds = Integer.parseInt(o.getOrDefault("writer-seconds", "10"));
        final int batchSize = Integer.parseInt(o.getOrDefault("batch-size", "1000"));
        PostgresServer pg = null;
        String url = o.get("pg-url");
        if (url == null)
        {
            pg = PostgresServer.launch(PostgresServer.DURABLE);
            url = pg.url();
        }
        final List<String> out = new ArrayList<>();
        try
        {
            final String db = freshDatabase(url, "ringcast_prune_bench");
            final String v1 = db + (db.contains("?") ? "&" : "?") + "currentSchema=v1";
            final String v2 = db + (db.contains("?") ? "&" : "?") + "currentSchema=v2";
            try (Connection c = DriverManager.getConnection(db); Statement s = c.createStatement())
            {
                s.execute("CREATE SCHEMA v1");
                s.execute("CREATE SCHEMA v2");
            }
            try (Connection c = DriverManager.getConnection(v1); Statement s = c.createStatement())
            {
                s.execute("CREATE TABLE ringcast_schema (version int PRIMARY KEY, applied_at timestamptz NOT NULL " +
                    "DEFAULT now())");
                for (final String ddl : Schema.MIGRATIONS[0])
                {
                    s.execute(ddl);
                }
                s.execute("INSERT INTO ringcast_schema (version) VALUES (1)");
            }
            try (Connection c = DriverManager.getConnection(v2))
            {
                Schema.migrate(c);
            }
            final RelayConfig config = new RelayConfig().url(v2).nodeId("bench").retentionMs(RETENTION_MS)
                .partitionMs(SPAN_MS);
            for (int round = 1; round <= rounds; round++)
            {
                out.add(pruneFormer(v1, rows, round));
                out.add(pruneByPartition(v2, config, rows, partitions, round));
            }
            for (int round = 1; round <= rounds; round++)
            {
                out.add(writer(v1, false, batchSize, writerSeconds, round));
                out.add(writer(v2, true, batchSize, writerSeconds, round));
            }
        }
        finally
        {
            if (pg != null)
            {
                pg.close();
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "Outbox prune and writer benchmark (%s PostgreSQL 15), %d cores, Java %s%n",
            o.containsKey("pg-url") ? "external" : "private, fsync on", Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"));
        System.out.println();
        System.out.println("| round | outbox | measurement | rows | time | rate |");
        System.out.println("|---|---|---|---|---|---|");
        out.forEach(System.out::println);
    }

    // ------------------------------------------------------------------------------------------------ prune

    private static String pruneFormer(final String url, final int rows, final int round) throws SQLException
    {
        fill(url, rows, 1, System.currentTimeMillis() - 2 * RETENTION_MS);
        long removed = 0;
        int runs = 0;
        final long start = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url))
        {
            try (Statement s = c.createStatement())
            {
                s.execute("SET enable_sort = off; SET jit = off");
            }
            long n;
            do
            {
                runs++;
                n = formerRun(c);
                removed += n;
            }
            while (n > 0);
        }
        final double s = (System.nanoTime() - start) / 1e9;
        return String.format(Locale.ROOT, "| %d | unpartitioned (v1) | DELETE, %d × %,d rows per run, %d runs back " +
            "to back | %,d | %.2f s | **%,.0f rows/s** |", round, FORMER_STATEMENTS_PER_RUN, FORMER_BATCH_ROWS, runs,
            removed, s, removed / s);
    }

    /** One run of the former pruner: up to 100 statements, each in a transaction with the advisory try-lock. */
    private static long formerRun(final Connection c) throws SQLException
    {
        long total = 0;
        for (int i = 0; i < FORMER_STATEMENTS_PER_RUN; i++)
        {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement();
                ResultSet lock = s.executeQuery("SELECT pg_try_advisory_xact_lock(" + 0x52696e6770727565L + ")"))
            {
                lock.next();
            }
            final long n;
            try (PreparedStatement ps = c.prepareStatement(FORMER_PRUNE_SQL))
            {
                ps.setInt(1, FORMER_BATCH_ROWS);
                ps.setLong(2, RETENTION_MS);
                try (ResultSet rs = ps.executeQuery())
                {
                    rs.next();
                    n = rs.getLong(1);
                }
            }
            c.commit();
            c.setAutoCommit(true);
            total += n;
            if (n < FORMER_BATCH_ROWS)
            {
                break;
            }
        }
        return total;
    }

    private static String pruneByPartition(final String url, final RelayConfig config, final int rows,
        final int partitions, final int round) throws SQLException
    {
        // expired partitions of one minute each, two retention periods ago, then the partitions up to now
        final long from = (System.currentTimeMillis() - 2 * RETENTION_MS) / SPAN_MS * SPAN_MS;
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement())
        {
            long lastTo = 0;
            for (final OutboxPartitions.Partition p : OutboxPartitions.attached(s))
            {
                lastTo = Math.max(lastTo, p.toMs());
            }
            if (lastTo > from)
            {
                // only the first round: the migration's partitions end now; empty them out of the way
                for (final OutboxPartitions.Partition p : OutboxPartitions.attached(s))
                {
                    s.execute("ALTER TABLE ringcast_outbox DETACH PARTITION " + p.name());
                    s.execute("DROP TABLE " + p.name());
                }
            }
            for (int k = 0; k < partitions; k++)
            {
                OutboxPartitions.create(s, from + k * SPAN_MS, from + (k + 1) * SPAN_MS);
            }
        }
        fill(url, rows, partitions, from);
        try (Connection c = DriverManager.getConnection(url))
        {
            OutboxPartitions.ensureAhead(c, config);
        }
        final RelayCounters counters = new RelayCounters();
        final OutboxPruner pruner = new OutboxPruner(config, counters);
        final long start = System.nanoTime();
        long removed = 0;
        int runs = 0;
        long n;
        do
        {
            runs++;
            n = pruner.pruneNow();
            removed += n;
        }
        while (n > 0);
        final double s = (System.nanoTime() - start) / 1e9;
        return String.format(Locale.ROOT, "| %d | partitioned (v2) | %d partitions dropped whole, %d runs | %,d | " +
            "%.2f s | **%,.0f rows/s** |", round, counters.partitionsDropped.get(), runs, removed, s, removed / s);
    }

    /** Inserts {@code rows} expired rows spread evenly over {@code spans} minutes from {@code fromMs}. */
    private static void fill(final String url, final int rows, final int spans, final long fromMs) throws SQLException
    {
        final int batches = rows / FILL_BATCH;
        try (Connection c = DriverManager.getConnection(url); PreparedStatement ps = c.prepareStatement(FILL_SQL))
        {
            for (int b = 0; b < batches; b++)
            {
                final long span = (long)b * spans / batches;
                final long within = (long)b * spans % batches * SPAN_MS / batches;
                ps.setLong(1, (long)b * FILL_BATCH + seqBase);
                ps.setLong(2, (long)b * FILL_BATCH);
                ps.setString(3, java.time.Instant.ofEpochMilli(fromMs + span * SPAN_MS + within).toString());
                ps.executeUpdate();
            }
            seqBase += (long)batches * FILL_BATCH + 1;
        }
    }

    private static long seqBase = 1;

    // ------------------------------------------------------------------------------------------------ writer

    private static String writer(final String url, final boolean partitioned, final int batchSize, final int seconds,
        final int round) throws SQLException
    {
        final byte[] origin = "w".getBytes(StandardCharsets.UTF_8);
        final byte[] payload = new byte[100];
        final BinaryCopyBuffer b = new BinaryCopyBuffer(64 * 1024);
        long seq = partitioned ? headOf(url) : maxSeq(url);
        long batches = 0;
        try (Connection c = DriverManager.getConnection(url))
        {
            if (partitioned)
            {
                final RelayConfig config = new RelayConfig().url(url).nodeId("w").retentionMs(RETENTION_MS)
                    .partitionMs(SPAN_MS).pruneIntervalMs(seconds * 1000L);
                OutboxPartitions.ensureAhead(c, config);
            }
            final long endNs = System.nanoTime() + seconds * 1_000_000_000L;
            final long start = System.nanoTime();
            while (System.nanoTime() < endNs)
            {
                c.setAutoCommit(false);
                final long first = seq + 1;
                final long last = seq + batchSize;
                try (PreparedStatement ps = c.prepareStatement(partitioned ? OutboxWriter.HEAD_AND_NOTIFY_SQL :
                    "SELECT pg_notify(?, ?)"))
                {
                    int i = 1;
                    if (partitioned)
                    {
                        ps.setString(i++, "w");
                        ps.setLong(i++, last);
                        ps.setLong(i++, first);
                    }
                    ps.setString(i++, "ringcast_outbox");
                    ps.setString(i, ReadTrigger.payload("w", last));
                    ps.executeQuery().close();
                }
                final CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(OutboxWriter.COPY_SQL);
                b.clear();
                b.header();
                for (long s = first; s <= last; s++)
                {
                    b.startTuple(9);
                    b.textUtf8(origin);
                    b.int8(s);
                    b.int8(s);
                    b.text("bench/a");
                    b.text(null);
                    b.text(null);
                    b.text(null);
                    b.bytea(payload);
                    b.int8(System.currentTimeMillis());
                    if (b.length() >= 64 * 1024)
                    {
                        copy.writeToCopy(b.array(), 0, b.length());
                        b.clear();
                    }
                }
                b.trailer();
                copy.writeToCopy(b.array(), 0, b.length());
                copy.endCopy();
                c.commit();
                c.setAutoCommit(true);
                seq = last;
                batches++;
            }
            final double s = (System.nanoTime() - start) / 1e9;
            return String.format(Locale.ROOT, "| %d | %s | writer commits of %,d rows, %d s | %,d | %.2f s | " +
                "**%,.0f rows/s** (%,.0f commits/s) |", round, partitioned ? "partitioned (v2)" : "unpartitioned (v1)",
                batchSize, seconds, batches * batchSize, s, batches * batchSize / s, batches / s);
        }
    }

    private static long headOf(final String url) throws SQLException
    {
        return queryLong(url, "SELECT coalesce(max(max_seq), 0) FROM ringcast_outbox_head WHERE origin = 'w'");
    }

    private static long maxSeq(final String url) throws SQLException
    {
        return queryLong(url, "SELECT coalesce(max(origin_seq), 0) FROM ringcast_outbox WHERE origin = 'w'");
    }

    private static long queryLong(final String url, final String sql) throws SQLException
    {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery(sql))
        {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String freshDatabase(final String url, final String name) throws SQLException
    {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement())
        {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + name);
        }
        return url.replace("/postgres?", "/" + name + "?").replaceFirst("/postgres$", "/" + name);
    }

    private static Map<String, String> options(final String[] args)
    {
        final Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            if (!args[i].startsWith("--"))
            {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        return o;
    }
}
