package io.ringcast.relay.pg;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Versioned, idempotent DDL for the outbox. {@link #migrate} applies every migration newer than the version recorded
 * in {@code ringcast_schema}, inside one transaction holding an advisory lock, so nodes starting together apply each
 * migration exactly once. Migrations are append-only: never edit a released one, add the next. Version 2 partitions
 * the outbox ({@link OutboxPartitions}); a database at version 1 with rows is migrated in place.
 *
 * <p>Stateless; call from any thread with a connection that thread owns.
 */
final class Schema
{
    static final int VERSION = 2;
    private static final long LOCK_KEY = 0x52696e6763617374L; // "Ringcast"

    /** The DDL of each version; version 2 is {@link #partitionOutbox}. */
    static final String[][] MIGRATIONS = {
        {
            // v1: the outbox. (xid, id) is the commit-order cursor; see OutboxReader for why it never skips a row.
            """
            CREATE TABLE ringcast_outbox (
                id          bigint GENERATED ALWAYS AS IDENTITY,
                xid         xid8 NOT NULL DEFAULT pg_current_xact_id(),
                origin      text NOT NULL,
                origin_seq  bigint NOT NULL,
                event_id    bigint NOT NULL,
                topic       text NOT NULL,
                type        text,
                audience    text,
                attributes  text,
                payload     bytea NOT NULL,
                ts_ms       bigint NOT NULL,
                created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (xid, id),
                UNIQUE (origin, origin_seq)
            )""",
            // Highest (xid, id) the pruner deleted: a reader whose cursor is below it may have missed rows.
            """
            CREATE TABLE ringcast_outbox_pruned (
                singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                xid         xid8 NOT NULL,
                id          bigint NOT NULL
            )""",
            // Highest origin_seq pruned per origin: a durable-history replay from before it is incomplete.
            """
            CREATE TABLE ringcast_outbox_pruned_origin (
                origin      text PRIMARY KEY,
                max_seq     bigint NOT NULL
            )"""
        }
    };

    /** v2: the columns of v1's outbox, partitioned by {@code created_at} without a primary key (see below). */
    private static final String PARTITIONED_OUTBOX = """
        CREATE TABLE ringcast_outbox (
            id          bigint GENERATED ALWAYS AS IDENTITY (START WITH %d),
            xid         xid8 NOT NULL DEFAULT pg_current_xact_id(),
            origin      text NOT NULL,
            origin_seq  bigint NOT NULL,
            event_id    bigint NOT NULL,
            topic       text NOT NULL,
            type        text,
            audience    text,
            attributes  text,
            payload     bytea NOT NULL,
            ts_ms       bigint NOT NULL,
            created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
        ) PARTITION BY RANGE (created_at)""";
    /** v2 makes the partition after the old rows' up to the second full 10 s; the relay makes the next ones. */
    private static final long FIRST_SPAN_MS = 10_000;
    /** v2: per origin, the highest origin_seq committed; the writer's de-duplication (and a cheap per-origin head). */
    private static final String HEAD = """
        CREATE TABLE ringcast_outbox_head (
            origin      text PRIMARY KEY,
            max_seq     bigint NOT NULL
        )""";

    private Schema()
    {
    }

    /**
     * v1 to v2, in the migration's transaction: the unpartitioned outbox becomes the first partition,
     * {@code [MINVALUE, now)}, of a new partitioned {@code ringcast_outbox} with the same columns, followed by a
     * partition up to the second full 10 seconds (so writers of either version go on at once; the relay makes the next
     * ones), and
     * {@code ringcast_outbox_head} is filled from it. Its rows stay where they are, readable and resumable as before,
     * and are dropped together once {@code now} is the retention behind. The attach checks every row's
     * {@code created_at} once (a sequential scan, no index is built: the old table keeps its primary key and unique
     * index, which serve the same queries as the partitions' indexes); readers and writers wait for the migration's
     * commit. Identity values continue after the old ones, so {@code (xid, id)} cursors stay valid.
     *
     * <p>A partitioned table's unique constraints must contain the partition key, so the new table has none: a
     * partition's {@code (xid, id)} index orders the reader's pages (one ordered scan per partition, merged), and the
     * head table replaces {@code UNIQUE (origin, origin_seq)} for the writer's de-duplicating retry.
     */
    private static void partitionOutbox(final Statement s) throws SQLException
    {
        s.execute("LOCK TABLE ringcast_outbox IN ACCESS EXCLUSIVE MODE");
        final long nextId;
        final long toMs;
        try (ResultSet rs = s.executeQuery("SELECT coalesce(pg_sequence_last_value(" +
            "pg_get_serial_sequence('ringcast_outbox', 'id')), 0) + 1," +
            " (extract(epoch FROM clock_timestamp()) * 1000)::bigint + 1"))
        {
            rs.next();
            nextId = rs.getLong(1);
            toMs = rs.getLong(2);
        }
        final String first = OutboxPartitions.name(0, toMs);
        s.execute("ALTER TABLE ringcast_outbox ALTER COLUMN id DROP IDENTITY");
        s.execute("ALTER TABLE ringcast_outbox RENAME TO " + first);
        s.execute("ALTER TABLE " + first + " RENAME CONSTRAINT ringcast_outbox_pkey TO " + first + "_pkey");
        s.execute("ALTER TABLE " + first + " RENAME CONSTRAINT ringcast_outbox_origin_origin_seq_key TO " + first +
            "_origin_key");
        s.execute(String.format(PARTITIONED_OUTBOX, nextId));
        s.execute("ALTER TABLE ringcast_outbox ATTACH PARTITION " + first + " FOR VALUES FROM (MINVALUE) TO ('" +
            java.time.Instant.ofEpochMilli(toMs) + "')");
        OutboxPartitions.create(s, toMs, (toMs / FIRST_SPAN_MS + 2) * FIRST_SPAN_MS);
        s.execute(HEAD);
        s.execute("INSERT INTO ringcast_outbox_head (origin, max_seq) SELECT origin, max(origin_seq) FROM " + first +
            " GROUP BY origin");
    }

    /**
     * Brings the schema to {@link #VERSION}. Idempotent and safe to run concurrently from many nodes.
     *
     * @param connection a connection in auto-commit mode; left in auto-commit mode.
     * @throws SQLException when PostgreSQL refuses, or the database holds a newer schema than this code knows.
     */
    static void migrate(final Connection connection) throws SQLException
    {
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement())
        {
            s.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
            s.execute("CREATE TABLE IF NOT EXISTS ringcast_schema (" +
                "version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
            int current = 0;
            try (ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM ringcast_schema"))
            {
                rs.next();
                current = rs.getInt(1);
            }
            if (current > VERSION)
            {
                throw new SQLException("the database holds outbox schema version " + current +
                    " but this relay knows only up to " + VERSION + ": upgrade the relay");
            }
            for (int v = current + 1; v <= VERSION; v++)
            {
                if (v == 2)
                {
                    partitionOutbox(s);
                }
                else
                {
                    for (final String ddl : MIGRATIONS[v - 1])
                    {
                        s.execute(ddl);
                    }
                }
                s.execute("INSERT INTO ringcast_schema (version) VALUES (" + v + ")");
            }
            connection.commit();
        }
        catch (final SQLException e)
        {
            connection.rollback();
            throw e;
        }
        finally
        {
            connection.setAutoCommit(true);
        }
    }
}
