package io.ringcast.relay.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a node's reader starts in the outbox, by log position: a cursor {@code (xid, id)} and, per origin, the
 * highest {@code origin_seq} at or below it (the <em>baseline</em>). The reader relays every row after the cursor;
 * the node's {@link VectorStamper} claims the baseline, which covers exactly the rows the reader will never relay.
 *
 * <p><b>Why the baseline is exact.</b> All of it is read in one {@code REPEATABLE READ} transaction, so every
 * statement sees one snapshot S. The cursor is the last row with {@code xid < xmin(S)} (or the pruning watermark, if
 * that is further), so by the reader's argument (see {@link OutboxReader}) the set of rows at or below it is fixed:
 * every row that commits later sorts after it. An origin's rows come from its single writer in commit order, so its
 * {@code origin_seq} grows with {@code (xid, id)}: its rows at or below the cursor are exactly those with
 * {@code origin_seq <= baseline}, and every row after the cursor has a larger {@code origin_seq}. Pruned rows all lie
 * at or below the watermark, hence at or below the cursor; the baseline takes {@code ringcast_outbox_pruned_origin}
 * into account so an origin pruned entirely is still known.
 *
 * <p>Cost: one backward step on the primary key, one index probe per distinct origin (a skip scan of
 * {@code UNIQUE (origin, origin_seq)}), and per origin one backward walk of that index over the origin's rows
 * after the cursor (the rows committed while the snapshot was taken: few), never a scan of the outbox.
 *
 * <p>Immutable and thread-safe once read.
 */
final class StartPosition
{
    private static final String CURSOR_SQL =
        "SELECT xid::text::bigint AS x, id FROM ringcast_outbox WHERE xid < pg_snapshot_xmin(pg_current_snapshot())" +
        " ORDER BY xid DESC, id DESC LIMIT 1";
    private static final String PRUNED_SQL = "SELECT xid::text::bigint, id FROM ringcast_outbox_pruned";
    private static final String ORIGINS_SQL =
        "WITH RECURSIVE o AS (SELECT min(origin) AS origin FROM ringcast_outbox" +
        " UNION ALL SELECT (SELECT min(origin) FROM ringcast_outbox WHERE origin > o.origin) FROM o" +
        " WHERE o.origin IS NOT NULL) SELECT origin FROM o WHERE origin IS NOT NULL";
    private static final String PRUNED_ORIGINS_SQL = "SELECT origin, max_seq FROM ringcast_outbox_pruned_origin";
    private static final String BASELINE_SQL =
        "SELECT origin_seq FROM ringcast_outbox WHERE origin = ? AND (xid, id) <= (?::text::xid8, ?)" +
        " ORDER BY origin_seq DESC LIMIT 1";

    private final long cursorXid;
    private final long cursorId;
    private final Map<String, Long> baseline;

    StartPosition(final long cursorXid, final long cursorId, final Map<String, Long> baseline)
    {
        this.cursorXid = cursorXid;
        this.cursorId = cursorId;
        this.baseline = Collections.unmodifiableMap(new TreeMap<>(baseline));
    }

    /**
     * Reads the start position in one {@code REPEATABLE READ, READ ONLY} transaction.
     *
     * @param c a connection in auto-commit mode, opened with {@code pagesByIndex} ({@link Connections#open}); left
     *          in auto-commit mode at the default isolation.
     * @return the position.
     * @throws SQLException when PostgreSQL cannot be read.
     */
    static StartPosition read(final Connection c) throws SQLException
    {
        final int isolation = c.getTransactionIsolation();
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        c.setReadOnly(true);
        try
        {
            final StartPosition p = readInSnapshot(c);
            c.commit();
            return p;
        }
        catch (final SQLException e)
        {
            c.rollback();
            throw e;
        }
        finally
        {
            c.setAutoCommit(true);
            c.setReadOnly(false);
            c.setTransactionIsolation(isolation);
        }
    }

    private static StartPosition readInSnapshot(final Connection c) throws SQLException
    {
        long xid = 0;
        long id = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(CURSOR_SQL))
        {
            if (rs.next())
            {
                xid = rs.getLong(1);
                id = rs.getLong(2);
            }
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(PRUNED_SQL))
        {
            if (rs.next() && (rs.getLong(1) > xid || rs.getLong(1) == xid && rs.getLong(2) > id))
            {
                xid = rs.getLong(1);
                id = rs.getLong(2);
            }
        }
        final Map<String, Long> baseline = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(PRUNED_ORIGINS_SQL))
        {
            while (rs.next())
            {
                baseline.put(rs.getString(1), rs.getLong(2));
            }
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ORIGINS_SQL);
            PreparedStatement ps = c.prepareStatement(BASELINE_SQL))
        {
            while (rs.next())
            {
                final String origin = rs.getString(1);
                ps.setString(1, origin);
                ps.setString(2, Long.toString(xid));
                ps.setLong(3, id);
                try (ResultSet b = ps.executeQuery())
                {
                    if (b.next())
                    {
                        baseline.merge(origin, b.getLong(1), Math::max);
                    }
                }
            }
        }
        return new StartPosition(xid, id, baseline);
    }

    long cursorXid()
    {
        return cursorXid;
    }

    long cursorId()
    {
        return cursorId;
    }

    /** @return per origin, the highest {@code origin_seq} at or below the cursor; sorted, unmodifiable. */
    Map<String, Long> baseline()
    {
        return baseline;
    }

    @Override
    public String toString()
    {
        return "(" + cursorXid + ", " + cursorId + ") " + baseline;
    }
}
