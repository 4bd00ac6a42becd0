package io.ringcast.relay.pg;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Versioned, idempotent DDL for the outbox. {@link #migrate} applies every migration newer than the version recorded
 * in {@code ringcast_schema}, inside one transaction holding an advisory lock, so nodes starting together apply each
 * migration exactly once. Migrations are append-only: never edit a released one, add the next.
 *
 * <p>Stateless; call from any thread with a connection that thread owns.
 */
final class Schema
{
    static final int VERSION = 1;
    private static final long LOCK_KEY = 0x52696e6763617374L; // "Ringcast"

    private static final String[][] MIGRATIONS = {
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

    private Schema()
    {
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
                for (final String ddl : MIGRATIONS[v - 1])
                {
                    s.execute(ddl);
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
