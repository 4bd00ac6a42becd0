package io.ringcast.relay.pg;

import io.ringcast.engine.Event;
import io.ringcast.engine.EventLog;
import io.ringcast.engine.Filter;
import io.ringcast.engine.Message;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The outbox rows a {@link ReplicaResume} owes its client, as pages: origin after origin, each origin in
 * {@code origin_seq} order by keyset pages on {@code UNIQUE (origin, origin_seq)}, filtered and audience-checked like
 * the live subscription. A page holds at most {@value #PAGE_ROWS} rows and ends early after {@value #PAGE_BYTES} bytes
 * of payload; the driver fetches {@value #FETCH_ROWS} rows at a time. Before each origin's part of a page it checks
 * that the pruner has not passed the replay's position in that origin (then the page reports a failure).
 *
 * <p>Threads: one at a time, as {@link PagedReplay} hands it over; owns one connection until closed.
 */
final class OutboxPages implements PagedReplay.PageSource
{
    static final int PAGE_ROWS = 1_000;
    static final long PAGE_BYTES = 4L << 20;
    static final int FETCH_ROWS = 128;
    private static final System.Logger LOG = System.getLogger(OutboxPages.class.getName());
    private static final String ROWS_SQL =
        "SELECT origin_seq, topic, type, audience, attributes, payload, ts_ms FROM ringcast_outbox" +
        " WHERE origin = ? AND origin_seq > ? AND ts_ms >= ? ORDER BY origin_seq LIMIT ?";
    private static final String PRUNED_SQL = "SELECT max_seq FROM ringcast_outbox_pruned_origin WHERE origin = ?";

    /** What is owed of one origin: the rows after {@code afterSeq} published since {@code sinceMs}. */
    static final class Range
    {
        final String origin;
        final long sinceMs;
        final long prunedAtOpen;
        long afterSeq;

        Range(final String origin, final long afterSeq, final long sinceMs, final long prunedAtOpen)
        {
            this.origin = origin;
            this.afterSeq = afterSeq;
            this.sinceMs = sinceMs;
            this.prunedAtOpen = prunedAtOpen;
        }
    }

    private final String nodeId;
    private final List<Range> ranges;
    private final Filter filter;
    private final String actingFor;
    private Connection connection;
    private int rangeIndex;

    /**
     * @param connection opened for the resume ({@code pagesByIndex}); owned by the pages from now on, and switched
     *                   out of auto-commit so the driver fetches rows in batches.
     */
    OutboxPages(final String nodeId, final Connection connection, final List<Range> ranges, final Filter filter,
        final String actingFor) throws SQLException
    {
        this.nodeId = nodeId;
        this.connection = connection;
        this.ranges = ranges;
        this.filter = filter;
        this.actingFor = actingFor;
        connection.setAutoCommit(false);
    }

    @Override
    public PagedReplay.Page read() throws SQLException
    {
        final List<Event> out = new ArrayList<>();
        int rows = 0;
        long bytes = 0;
        while (rangeIndex < ranges.size() && rows < PAGE_ROWS && bytes < PAGE_BYTES)
        {
            final Range r = ranges.get(rangeIndex);
            final long pruned = prunedSeq(r.origin);
            if (pruned > Math.max(r.afterSeq, r.prunedAtOpen))
            {
                connection.commit();
                LOG.log(System.Logger.Level.WARNING, "relay {0}: rows of {1} up to {2} were pruned while a resume " +
                    "was replaying them", nodeId, r.origin, Long.toString(pruned));
                return new PagedReplay.Page(out, false, "rows of origin " + r.origin + " were pruned during the replay");
            }
            final int asked = PAGE_ROWS - rows;
            int got = 0;
            boolean full = false;
            try (PreparedStatement ps = connection.prepareStatement(ROWS_SQL))
            {
                ps.setFetchSize(FETCH_ROWS);
                ps.setString(1, r.origin);
                ps.setLong(2, r.afterSeq);
                ps.setLong(3, r.sinceMs);
                ps.setInt(4, asked);
                try (ResultSet rs = ps.executeQuery())
                {
                    while (rs.next())
                    {
                        got++;
                        final long seq = rs.getLong(1);
                        final byte[] payload = rs.getBytes(6);
                        final Message m = Message.builder(rs.getString(2)).type(rs.getString(3))
                            .audience(rs.getString(4)).attributes(AttributeCodec.decode(rs.getString(5)))
                            .payload(payload).build();
                        final Event e = EventLog.restore(seq, rs.getLong(7), m, r.origin, seq);
                        if (filter.matches(e) && (e.audience() == null || e.audience().equals(actingFor)))
                        {
                            out.add(e);
                        }
                        r.afterSeq = seq;
                        bytes += payload.length;
                        if (bytes >= PAGE_BYTES)
                        {
                            full = true;
                            break;
                        }
                    }
                }
            }
            connection.commit();
            rows += got;
            if (got < asked && !full)
            {
                rangeIndex++;
            }
        }
        return new PagedReplay.Page(out, rangeIndex == ranges.size(), null);
    }

    private long prunedSeq(final String origin) throws SQLException
    {
        try (PreparedStatement ps = connection.prepareStatement(PRUNED_SQL))
        {
            ps.setString(1, origin);
            try (ResultSet rs = ps.executeQuery())
            {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    @Override
    public void close()
    {
        Connections.closeQuietly(connection);
        connection = null;
    }
}
