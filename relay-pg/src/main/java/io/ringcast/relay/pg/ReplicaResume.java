package io.ringcast.relay.pg;

import io.ringcast.engine.Engine;
import io.ringcast.engine.Event;
import io.ringcast.engine.EventHandler;
import io.ringcast.engine.EventLog;
import io.ringcast.engine.Filter;
import io.ringcast.engine.Message;
import io.ringcast.engine.SubscribeOptions;
import io.ringcast.engine.Subscription;
import io.ringcast.engine.spi.ResumedStream;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A subscription that resumes from a {@link ResumeVector} on any replica and delivers every event the client has not
 * seen exactly once: the replay from the outbox first, then the live stream, each event stamped with the vector that
 * includes it ({@link #position()}, the SSE {@code id}).
 *
 * <p><b>Why exactly once.</b> {@link #open} first registers a live subscription, then waits until this node's writer
 * has committed every local event dispatched before the registration, then reads, per origin O, the outbox rows
 * with {@code origin_seq > seen(O)} (for origins absent from the vector: rows published since
 * {@link ResumeVector#sinceMs()}). Every event of O lies in one of: (1) delivered on this node before registration —
 * then it was committed before the read (other origins: this node's reader only reads committed rows; this node's
 * own events: the wait), so the replay has it; (2) delivered after registration — the live queue has it. Replay and
 * live may overlap; both are in O's order (the outbox by {@code origin_seq}, the live stream by the relay's
 * per-origin order), so dropping every event with {@code originSequence <= position(O)} removes exactly the
 * overlap and the events the client had seen. Replay is bounded ({@value #MAX_REPLAY_EVENTS} events); a resume
 * that needs more, or reaches behind retention, or finds this node's writer behind, is not {@link #exact()} and the
 * caller should tell the client to reset.
 *
 * <p><b>Back to shared ids.</b> The client's position after the move is the per-origin maximum of what it saw
 * elsewhere and what it got here, which can be ahead of this node's stamp for some origin (this node may not have
 * relayed that origin as far yet). While that is so, the id to send is {@link #position()}. Once a live event's own
 * stamp ({@link Event#idString()}, from this node's {@link VectorStamper}) has every origin of the position at or
 * beyond it, the stamp is the exact position of the client ({@link #caughtUp()}), and stays so for every later event
 * (stamps only grow, and every later event is newer than the stamp in its origin); from then on {@link #drain} hands
 * the live events straight through, with no per-event work, and {@link #position()} is the last event's stamp.
 *
 * <p>Threads: {@link #open} blocks on PostgreSQL (call it off any event loop); {@link #drain} and {@link #position}
 * from one consumer thread at a time, like {@link Subscription#drain}.
 *
 * <pre>{@code
 * ReplicaResume r = ReplicaResume.open(relay, engine, Filter.all(), SubscribeOptions.defaults(),
 *     ResumeVector.parse(lastEventId));
 * if (!r.exact()) { sendReset(); }
 * r.drain(e -> send(r.position(), e), 256);
 * }</pre>
 */
public final class ReplicaResume implements ResumedStream
{
    static final int MAX_REPLAY_EVENTS = 100_000;
    private static final long WRITER_WAIT_NS = TimeUnit.SECONDS.toNanos(5);
    private static final String ORIGINS_SQL =
        "WITH RECURSIVE o AS (SELECT min(origin) AS origin FROM ringcast_outbox" +
        " UNION ALL SELECT (SELECT min(origin) FROM ringcast_outbox WHERE origin > o.origin) FROM o" +
        " WHERE o.origin IS NOT NULL) SELECT origin FROM o WHERE origin IS NOT NULL";
    private static final String ROWS_SQL =
        "SELECT origin_seq, topic, type, audience, attributes, payload, ts_ms FROM ringcast_outbox" +
        " WHERE origin = ? AND origin_seq > ? AND ts_ms >= ? ORDER BY origin_seq LIMIT ?";
    private static final String PRUNED_SQL = "SELECT max_seq FROM ringcast_outbox_pruned_origin WHERE origin = ?";
    /** The oldest retained row of an origin (ids and publish times grow together on one node). */
    private static final String OLDEST_SQL =
        "SELECT ts_ms FROM ringcast_outbox WHERE origin = ? ORDER BY origin_seq LIMIT 1";

    private final Subscription live;
    private final List<Event> replay;
    private final TreeMap<String, Long> position;
    private final long sinceMs;
    private final boolean exact;
    private final EventHandler deliverer = this::deliver;
    private final EventHandler passThrough = this::passThrough;
    private EventHandler handler;
    /** The last delivered event's id and formatted id (events are views, valid only while handed over). */
    private long lastId = -1;
    private String lastFormattedId;
    private int replayIndex;
    private boolean caughtUp;

    private ReplicaResume(
        final Subscription live, final List<Event> replay, final ResumeVector from, final boolean exact)
    {
        this.live = live;
        this.replay = replay;
        this.position = new TreeMap<>(from.positions());
        this.sinceMs = from.sinceMs();
        this.exact = exact;
    }

    /**
     * Subscribes on {@code engine} and loads what the client missed from the outbox.
     *
     * @param relay   this node's relay.
     * @param engine  this node's engine.
     * @param filter  which events.
     * @param options subscription options, without {@code resumeAfter}.
     * @param from    what the client has seen, possibly on another replica.
     * @return the resumed stream.
     * @throws SQLException when PostgreSQL cannot be read; nothing stays subscribed.
     */
    public static ReplicaResume open(
        final PgRelay relay, final Engine engine, final Filter filter, final SubscribeOptions options,
        final ResumeVector from) throws SQLException, InterruptedException
    {
        if (options.resumeAfter() != SubscribeOptions.NO_RESUME)
        {
            throw new IllegalArgumentException("a replica resume takes its position from the vector; " +
                "do not also set resumeAfter");
        }
        final Subscription live = engine.subscribe(filter, options);
        try
        {
            boolean exact = awaitOwnEvents(relay, from.seen(engine.nodeId()));
            final List<Event> replay = new ArrayList<>();
            exact &= load(relay.config(), from, filter, options.actingFor(), replay);
            return new ReplicaResume(live, replay, from, exact);
        }
        catch (final SQLException | InterruptedException | RuntimeException e)
        {
            live.close();
            throw e;
        }
    }

    /** @return {@code false} when this node's writer dropped or has not committed events the client may need. */
    private static boolean awaitOwnEvents(final PgRelay relay, final long seen) throws InterruptedException
    {
        final OutboxWriter writer = relay.writer();
        final long target = writer.lastLocalId();
        if (target <= seen)
        {
            return true;
        }
        final long deadline = System.nanoTime() + WRITER_WAIT_NS;
        while (writer.committedId() < target && !writer.droppedWithin(target, target))
        {
            if (System.nanoTime() > deadline)
            {
                return false;
            }
            Thread.sleep(2);
        }
        return !writer.droppedWithin(seen + 1, target);
    }

    private static boolean load(
        final RelayConfig config, final ResumeVector from, final Filter filter, final String actingFor,
        final List<Event> out) throws SQLException
    {
        boolean exact = true;
        try (Connection c = Connections.open(config, "resume", 60, true))
        {
            final Set<String> origins = new HashSet<>(from.positions().keySet());
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ORIGINS_SQL))
            {
                while (rs.next())
                {
                    origins.add(rs.getString(1));
                }
            }
            for (final String origin : origins)
            {
                final long seen = from.seen(origin);
                exact &= !prunedPast(c, origin, seen, from.sinceMs(), config.retentionMs());
                if (seen < 0 && !from.byLogPosition())
                {
                    exact &= !retainsRowsBefore(c, origin, from.sinceMs());
                }
                exact &= loadOrigin(c, origin, seen, seen >= 0 ? 0 : from.sinceMs(), filter, actingFor, out);
            }
        }
        return exact;
    }

    private static boolean prunedPast(
        final Connection c, final String origin, final long seen, final long sinceMs, final long retentionMs)
        throws SQLException
    {
        try (PreparedStatement ps = c.prepareStatement(PRUNED_SQL))
        {
            ps.setString(1, origin);
            try (ResultSet rs = ps.executeQuery())
            {
                if (!rs.next())
                {
                    return false;
                }
                if (seen >= 0)
                {
                    return rs.getLong(1) > seen;
                }
                // an origin the vector lacks is owed all its rows (t=0), or those since t
                return sinceMs == 0 || sinceMs < System.currentTimeMillis() - retentionMs;
            }
        }
    }

    /**
     * For a vector by time ({@code t > 0}) that lacks {@code origin}: rows of it published before {@code t} may have
     * been owed (a node relays every row after its start position, whatever its publish time), or not; the resume
     * cannot tell, so it is not exact when such rows exist.
     */
    private static boolean retainsRowsBefore(final Connection c, final String origin, final long sinceMs)
        throws SQLException
    {
        try (PreparedStatement ps = c.prepareStatement(OLDEST_SQL))
        {
            ps.setString(1, origin);
            try (ResultSet rs = ps.executeQuery())
            {
                return rs.next() && rs.getLong(1) < sinceMs;
            }
        }
    }

    private static boolean loadOrigin(
        final Connection c, final String origin, final long afterSeq, final long sinceMs, final Filter filter,
        final String actingFor, final List<Event> out) throws SQLException
    {
        final int room = MAX_REPLAY_EVENTS - out.size();
        try (PreparedStatement ps = c.prepareStatement(ROWS_SQL))
        {
            ps.setString(1, origin);
            ps.setLong(2, afterSeq);
            ps.setLong(3, sinceMs);
            ps.setInt(4, room + 1);
            int rows = 0;
            try (ResultSet rs = ps.executeQuery())
            {
                while (rs.next())
                {
                    if (++rows > room)
                    {
                        return false;
                    }
                    final long seq = rs.getLong(1);
                    final Message m = Message.builder(rs.getString(2)).type(rs.getString(3))
                        .audience(rs.getString(4)).attributes(AttributeCodec.decode(rs.getString(5)))
                        .payload(rs.getBytes(6)).build();
                    final Event e = EventLog.restore(seq, rs.getLong(7), m, origin, seq);
                    if (filter.matches(e) && (e.audience() == null || e.audience().equals(actingFor)))
                    {
                        out.add(e);
                    }
                }
            }
        }
        return true;
    }

    /**
     * Delivers up to {@code limit} events the client has not seen: the replay first, then live events. When it
     * returns less than {@code limit} the live subscription is re-armed (its listener fires on new events).
     *
     * @return events consumed (delivered or skipped as already seen).
     */
    @Override
    public int drain(final EventHandler handler, final int limit)
    {
        this.handler = handler;
        try
        {
            if (caughtUp)
            {
                return live.drain(passThrough, limit);
            }
            int n = 0;
            while (replayIndex < replay.size() && n < limit)
            {
                deliver(replay.get(replayIndex++));
                n++;
            }
            if (replayIndex == replay.size() && n < limit)
            {
                n += live.drain(deliverer, limit - n);
            }
            return n;
        }
        finally
        {
            this.handler = null;
        }
    }

    private void deliver(final Event e)
    {
        if (!caughtUp)
        {
            final Long seen = position.get(e.origin());
            if (seen != null && e.originSequence() <= seen)
            {
                return;
            }
            position.put(e.origin(), e.originSequence());
            if (e.hasFormattedId() && replayIndex == replay.size() && ResumeVector.covers(e.idString(), position))
            {
                caughtUp = true;
            }
        }
        lastId = e.id();
        lastFormattedId = e.hasFormattedId() ? e.idString() : null;
        handler.onEvent(e);
    }

    private void passThrough(final Event e)
    {
        lastId = e.id();
        lastFormattedId = e.hasFormattedId() ? e.idString() : null;
        handler.onEvent(e);
    }

    /** @return {@code true} once delivered events' own ids include everything this client has seen. */
    @Override
    public boolean caughtUp()
    {
        return caughtUp;
    }

    /**
     * @return the printable vector including every event delivered so far; use it as the SSE id. Once
     *         {@link #caughtUp()} it is the last delivered event's own stamp, built by no one per event.
     */
    @Override
    public String position()
    {
        if (caughtUp)
        {
            return lastIdString();
        }
        final StringBuilder b = new StringBuilder("t=").append(sinceMs);
        for (final Map.Entry<String, Long> p : position.entrySet())
        {
            b.append(',').append(p.getKey()).append('=').append(p.getValue());
        }
        return b.toString();
    }

    /** @return {@code true} when the replay provably covers everything the client missed. */
    @Override
    public boolean exact()
    {
        return exact;
    }

    /** @return events still to replay before the live stream. */
    public int pendingReplay()
    {
        return replay.size() - replayIndex;
    }

    @Override
    public void close()
    {
        live.close();
    }

    private String lastIdString()
    {
        return lastFormattedId != null ? lastFormattedId : io.ringcast.engine.EventIds.format(lastId);
    }
}
