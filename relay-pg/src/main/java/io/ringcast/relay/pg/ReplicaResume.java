package io.ringcast.relay.pg;

import io.ringcast.engine.Engine;
import io.ringcast.engine.Event;
import io.ringcast.engine.EventHandler;
import io.ringcast.engine.Filter;
import io.ringcast.engine.SubscribeOptions;
import io.ringcast.engine.Subscription;
import io.ringcast.engine.SubscriptionListener;
import io.ringcast.engine.spi.ResumedStream;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * A subscription that resumes from a {@link ResumeVector} on any replica and delivers every event the client has not
 * seen exactly once: the replay from the outbox first, then the live stream, each event stamped with the vector that
 * includes it ({@link #position()}, the SSE {@code id}).
 *
 * <p><b>Why exactly once.</b> {@link #open} first registers a live subscription, then waits until this node's writer
 * has committed every local event dispatched before the registration, then reads, per origin O, the outbox rows
 * with {@code origin_seq > seen(O)} (for an origin absent from a vector by log position: all its rows; from a vector
 * by time: its rows published since {@link ResumeVector#sinceMs()}). Every event of O the client has not seen is
 * (1) delivered on this node before the registration: then it was committed before the read (other origins: this
 * node's reader only relays committed rows; this node's own events: the wait), so the replay has it; or (2) delivered
 * after the registration: the live queue has it; or (3) never delivered on this node because it lies at or below the
 * reader's start position ({@link StartPosition}): then it was committed before this node relayed anything, so before
 * the read, and the replay has it. The reader relays every row after its start position, so there is no fourth case.
 * Replay and live may overlap; both are in O's order (the outbox by {@code origin_seq}, the live stream by the relay's
 * per-origin order), so dropping every event with {@code originSequence <= position(O)} ({@link ClientPosition})
 * removes exactly the overlap and the events the client had seen. A resume that reaches behind retention, or finds
 * this node's writer behind, is not {@link #exact()} and the caller should tell the client to reset.
 *
 * <p><b>Bounded memory.</b> The replay is read page by page ({@link PagedReplay} of {@link OutboxPages}: at most two pages per resume), so a
 * replay of any length streams from PostgreSQL; while it is sent, live events wait in the subscription's queue (its
 * capacity and slow-consumer policy apply as to any subscriber).
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
 * from one consumer thread at a time, like {@link Subscription#drain}: it never blocks, the next pages are read on
 * the relay's replay threads, whose arrival calls the subscription listener's {@code onAvailable}.
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
    private static final System.Logger LOG = System.getLogger(ReplicaResume.class.getName());
    private static final long WRITER_WAIT_NS = TimeUnit.SECONDS.toNanos(5);
    private static final String ORIGINS_SQL =
        "WITH RECURSIVE o AS (SELECT min(origin) AS origin FROM ringcast_outbox" +
        " UNION ALL SELECT (SELECT min(origin) FROM ringcast_outbox WHERE origin > o.origin) FROM o" +
        " WHERE o.origin IS NOT NULL) SELECT origin FROM o WHERE origin IS NOT NULL";
    private static final String PRUNED_SQL = "SELECT max_seq FROM ringcast_outbox_pruned_origin WHERE origin = ?";
    /** The oldest retained row of an origin (ids and publish times grow together on one node). */
    private static final String OLDEST_SQL =
        "SELECT ts_ms FROM ringcast_outbox WHERE origin = ? ORDER BY origin_seq LIMIT 1";

    private final Subscription live;
    private final PagedReplay replay;
    private final ClientPosition position;
    private final boolean exact;
    private final EventHandler deliverer = this::deliver;
    private final EventHandler passThrough = this::passThrough;
    private EventHandler handler;
    /** The last delivered event's id and formatted id (events are views, valid only while handed over). */
    private final LastDelivered last = new LastDelivered();
    private boolean replayDone;

    private ReplicaResume(
        final Subscription live, final PagedReplay replay, final ResumeVector from, final boolean exact)
    {
        this.live = live;
        this.replay = replay;
        this.position = new ClientPosition(from);
        this.exact = exact;
    }

    /**
     * Subscribes on {@code engine}, checks what the outbox still holds of what the client missed and reads the first
     * page of it; the rest is read page by page while the stream is sent.
     *
     * @param relay   this node's relay.
     * @param engine  this node's engine.
     * @param filter  which events.
     * @param options subscription options, without {@code resumeAfter}.
     * @param from    what the client has seen, possibly on another replica.
     * @return the resumed stream.
     * @throws SQLException when PostgreSQL cannot be read, or this node's writer is disconnected while the client
     *                      may need events it has not committed yet; nothing stays subscribed.
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
            final boolean ownExact = awaitOwnEvents(relay, from.seen(engine.nodeId()));
            final Connection c = Connections.open(relay.config(), "resume", 60, true);
            final List<OutboxPages.Range> ranges = new ArrayList<>();
            final boolean exact;
            try
            {
                exact = ownExact & plan(c, relay.config(), from, ranges);
            }
            catch (final SQLException | RuntimeException e)
            {
                Connections.closeQuietly(c);
                throw e;
            }
            final SubscriptionListener listener = options.listener();
            final OutboxPages pages;
            try
            {
                pages = new OutboxPages(relay.config().nodeId(), c, ranges, filter, options.actingFor());
            }
            catch (final SQLException | RuntimeException e)
            {
                Connections.closeQuietly(c);
                throw e;
            }
            final PagedReplay replay = new PagedReplay(relay.replayExecutor(), pages,
                listener == null ? () -> { } : listener::onAvailable);
            return new ReplicaResume(live, replay, from, exact);
        }
        catch (final SQLException | InterruptedException | RuntimeException e)
        {
            live.close();
            throw e;
        }
    }

    /**
     * @return {@code false} when this node's writer dropped or has not committed (within 5 s) events the client may
     *         need.
     * @throws SQLException at once when the writer is disconnected: it will not commit them while PostgreSQL is
     *                      away (the caller may serve the client from memory instead).
     */
    private static boolean awaitOwnEvents(final PgRelay relay, final long seen)
        throws InterruptedException, SQLException
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
            if (!writer.connected())
            {
                throw new SQLException("this node's outbox writer is disconnected (" + writer.lastError() +
                    ") with events the client needs not yet committed");
            }
            if (System.nanoTime() > deadline)
            {
                return false;
            }
            Thread.sleep(2);
        }
        return !writer.droppedWithin(seen + 1, target);
    }

    /**
     * Lists, per origin, what the client is owed, and checks the outbox still holds it.
     *
     * @return {@code false} when rows the client is owed were pruned, or (for a vector by time) may have been owed.
     */
    private static boolean plan(
        final Connection c, final RelayConfig config, final ResumeVector from, final List<OutboxPages.Range> out)
        throws SQLException
    {
        boolean exact = true;
        final Set<String> origins = new TreeSet<>(from.positions().keySet());
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
            final long pruned = prunedSeq(c, origin);
            if (seen >= 0)
            {
                exact &= pruned <= seen;
            }
            else if (from.byLogPosition())
            {
                // an origin the vector lacks is owed all its rows
                exact &= pruned < 0;
            }
            else
            {
                exact &= (pruned < 0 || from.sinceMs() >= System.currentTimeMillis() - config.retentionMs()) &&
                    !retainsRowsBefore(c, origin, from.sinceMs());
            }
            out.add(new OutboxPages.Range(origin, seen, seen >= 0 ? 0 : from.sinceMs(), pruned));
        }
        return exact;
    }

    private static long prunedSeq(final Connection c, final String origin) throws SQLException
    {
        try (PreparedStatement ps = c.prepareStatement(PRUNED_SQL))
        {
            ps.setString(1, origin);
            try (ResultSet rs = ps.executeQuery())
            {
                return rs.next() ? rs.getLong(1) : -1;
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

    /**
     * Delivers up to {@code limit} events the client has not seen: the replay first, then live events. When it
     * returns less than {@code limit} the live subscription is re-armed (its listener fires on new events), or a
     * page of the replay is being read and its arrival calls the listener.
     *
     * @return events consumed (delivered or skipped as already seen).
     */
    @Override
    public int drain(final EventHandler handler, final int limit)
    {
        this.handler = handler;
        try
        {
            if (position.caughtUp())
            {
                return live.drain(passThrough, limit);
            }
            int n = 0;
            if (!replayDone)
            {
                Event e;
                while (n < limit && (e = replay.poll()) != null)
                {
                    n++;
                    deliver(e);
                }
                final String failure = replay.failure();
                if (failure != null)
                {
                    LOG.log(System.Logger.Level.WARNING, "relay: ending a resumed stream: {0}; the client " +
                        "resumes again from its last id and is told what it missed", failure);
                    live.close();
                    return n;
                }
                replayDone = replay.finished();
                if (!replayDone)
                {
                    return n;
                }
            }
            if (n < limit)
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
        if (position.admit(e, replayDone))
        {
            last.record(e);
            handler.onEvent(e);
        }
    }

    private void passThrough(final Event e)
    {
        last.record(e);
        handler.onEvent(e);
    }

    /** @return {@code true} once delivered events' own ids include everything this client has seen. */
    @Override
    public boolean caughtUp()
    {
        return position.caughtUp();
    }

    /**
     * @return the printable vector including every event delivered so far; use it as the SSE id. Once
     *         {@link #caughtUp()} it is the last delivered event's own stamp, built by no one per event.
     */
    @Override
    public String position()
    {
        return position.print(last);
    }

    /** @return {@code true} when the replay provably covers everything the client missed. */
    @Override
    public boolean exact()
    {
        return exact;
    }

    /** @return replayed events read from the outbox and not delivered yet (at most two pages). */
    public int pendingReplay()
    {
        return replay.loaded();
    }

    @Override
    public void close()
    {
        replay.close();
        live.close();
    }
}
