package io.ringcast.relay.pg;

import io.ringcast.engine.Event;
import io.ringcast.engine.EventLog;
import io.ringcast.engine.Message;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The outbox as the engine's durable history: serves a resume older than the in-memory history with this node's own
 * events, in id order. It claims the range complete only when it can prove nothing is missing:
 * <ul>
 * <li>no event of this node in the range was pruned ({@code ringcast_outbox_pruned_origin}) or dropped by a full
 *     writer buffer;</li>
 * <li>no event relayed from another node got a local id in the range: relayed events are stored under their origin's
 *     sequence, not this node's id, so such a range cannot be rebuilt by local id. For the current engine run the
 *     reader knows which local ids it gave relayed events; for an earlier run nobody does, so such a range is
 *     complete only when no other origin has rows in the outbox (a cross-replica resume uses the
 *     origin vector instead, see {@link ReplicaResume});</li>
 * <li>the writer has committed every local event of the range (it waits up to 2 s for a lagging writer).</li>
 * </ul>
 * Otherwise it returns {@code false} and the engine reports {@code GAP} to the subscriber.
 *
 * <p>Threads: called on the engine's replay thread; opens its own connection per call.
 */
final class OutboxLog implements EventLog
{
    private static final long WRITER_WAIT_NS = TimeUnit.SECONDS.toNanos(2);
    static final String REPLAY_SQL =
        "SELECT origin_seq, topic, type, audience, attributes, payload, ts_ms FROM ringcast_outbox" +
        " WHERE origin = ? AND origin_seq > ? AND origin_seq < ? ORDER BY origin_seq";
    private static final String OTHER_ORIGIN_SQL =
        "(SELECT 1 FROM ringcast_outbox WHERE origin < ? LIMIT 1) UNION ALL" +
        " (SELECT 1 FROM ringcast_outbox WHERE origin > ? LIMIT 1) UNION ALL" +
        " (SELECT 1 FROM ringcast_outbox_pruned_origin WHERE origin <> ? LIMIT 1)";
    private static final String PRUNED_SQL = "SELECT max_seq FROM ringcast_outbox_pruned_origin WHERE origin = ?";

    private final RelayConfig config;
    private final OutboxWriter writer;
    private final Supplier<OutboxReader> reader;
    private final LongSupplier engineFirstId;

    OutboxLog(
        final RelayConfig config,
        final OutboxWriter writer,
        final Supplier<OutboxReader> reader,
        final LongSupplier firstId)
    {
        this.config = config;
        this.writer = writer;
        this.reader = reader;
        this.engineFirstId = firstId;
    }

    @Override
    public boolean replay(final long afterId, final long beforeId, final Consumer<Event> sink) throws Exception
    {
        final long lo = afterId + 1;
        final long hi = beforeId - 1;
        if (lo > hi)
        {
            return true;
        }
        boolean complete = !writer.droppedWithin(lo, hi) && notRelayedWithin(lo, hi) &&
            awaitWriter(hi);
        try (Connection c = Connections.open(config, "log", 60, true))
        {
            if (lo < engineFirstId.getAsLong() && otherOriginsPresent(c))
            {
                complete = false;
            }
            try (PreparedStatement ps = c.prepareStatement(PRUNED_SQL))
            {
                ps.setString(1, config.nodeId());
                try (ResultSet rs = ps.executeQuery())
                {
                    if (rs.next() && rs.getLong(1) > afterId)
                    {
                        complete = false;
                    }
                }
            }
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(REPLAY_SQL))
            {
                ps.setFetchSize(1_000);
                ps.setString(1, config.nodeId());
                ps.setLong(2, afterId);
                ps.setLong(3, beforeId);
                try (ResultSet rs = ps.executeQuery())
                {
                    while (rs.next())
                    {
                        sink.accept(toEvent(rs));
                    }
                }
            }
            c.commit();
        }
        return complete;
    }

    private boolean otherOriginsPresent(final Connection c) throws SQLException
    {
        try (PreparedStatement ps = c.prepareStatement(OTHER_ORIGIN_SQL))
        {
            ps.setString(1, config.nodeId());
            ps.setString(2, config.nodeId());
            ps.setString(3, config.nodeId());
            try (ResultSet rs = ps.executeQuery())
            {
                return rs.next();
            }
        }
    }

    private boolean notRelayedWithin(final long lo, final long hi)
    {
        final OutboxReader r = reader.get();
        return r == null || !r.relayedWithin(lo, hi);
    }

    private boolean awaitWriter(final long hi) throws InterruptedException
    {
        if (hi < engineFirstId.getAsLong())
        {
            return true;
        }
        final long deadline = System.nanoTime() + WRITER_WAIT_NS;
        while (writer.committedId() < hi)
        {
            if (System.nanoTime() > deadline)
            {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    private Event toEvent(final ResultSet rs) throws SQLException
    {
        final long seq = rs.getLong(1);
        final Message m = Message.builder(rs.getString(2)).type(rs.getString(3)).audience(rs.getString(4))
            .attributes(AttributeCodec.decode(rs.getString(5))).payload(rs.getBytes(6)).build();
        return EventLog.restore(seq, rs.getLong(7), m, config.nodeId(), seq);
    }
}
