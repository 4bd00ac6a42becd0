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
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The outbox rows a {@link ReplicaResume} owes its client, read page by page, origin after origin, each origin in
 * {@code origin_seq} order (keyset pages on {@code UNIQUE (origin, origin_seq)}), however many there are. At most two
 * pages are in memory per resume: the one being sent and the next, read ahead on the relay's replay executor while
 * the consumer sends; a page holds at most {@value #PAGE_ROWS} rows and stops early after {@value #PAGE_BYTES} bytes
 * of payload, and the driver fetches rows {@value #FETCH_ROWS} at a time.
 *
 * <p>Rows pruned during a long replay are detected before each page (the origin's pruned sequence passed the
 * replay's position): the page then reports a {@linkplain #failure() failure}, as does a failed read; the resume ends
 * the stream and the client, resuming again from its last id, is told what it lost.
 *
 * <p><b>Hand-over.</b> The consumer thread owns {@code current}; the fetcher owns the connection and the read position
 * while {@code fetching} is set, which only one party can set (compare-and-set), so exactly one fetch is under way at
 * a time. The fetcher publishes a page with a volatile write of {@code next}, then clears {@code fetching}, then wakes
 * the consumer. The consumer takes {@code next} and clears it before it schedules the next fetch; a consumer that
 * wins {@code fetching} re-reads {@code next} (it may have just been published, by the fetch whose clearing the
 * compare-and-set observed) and backs off if it is there. So a page is never overwritten and never missed.
 *
 * <p>Threads: {@link #poll}, {@link #finished} and {@link #failure} from the consumer thread only (one at a time, like
 * {@code Subscription.drain}); {@link #close} from any thread.
 */
final class PagedReplay implements AutoCloseable
{
    static final int PAGE_ROWS = 1_000;
    static final long PAGE_BYTES = 4L << 20;
    static final int FETCH_ROWS = 128;
    private static final System.Logger LOG = System.getLogger(PagedReplay.class.getName());
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

    private record Page(List<Event> events, boolean last, String failure)
    {
    }

    private final RelayConfig config;
    private final Executor executor;
    private final Filter filter;
    private final String actingFor;
    private final List<Range> ranges;
    private final Runnable wake;
    private final AtomicBoolean fetching = new AtomicBoolean();
    private volatile Page next;
    private volatile boolean closed;
    private int rangeIndex;
    private Connection connection;
    private Page current;
    private int index;

    /**
     * Reads the first page on the calling thread and starts reading the next one ahead.
     *
     * @param connection a connection opened for the resume ({@code pagesByIndex}); the replay owns it from now on.
     * @param wake       called (from the fetcher thread) when a page has been read.
     * @throws SQLException when the first page cannot be read; the connection is closed.
     */
    PagedReplay(
        final RelayConfig config, final Executor executor, final Connection connection, final List<Range> ranges,
        final Filter filter, final String actingFor, final Runnable wake) throws SQLException
    {
        this.config = config;
        this.executor = executor;
        this.connection = connection;
        this.ranges = ranges;
        this.filter = filter;
        this.actingFor = actingFor;
        this.wake = wake;
        try
        {
            connection.setAutoCommit(false);
            current = readPage();
        }
        catch (final SQLException e)
        {
            closeConnection();
            throw e;
        }
        if (current.last)
        {
            closeConnection();
        }
        else
        {
            schedule();
        }
    }

    /** @return the next owed event, or {@code null} when none is loaded yet (a fetch will wake the consumer) or left. */
    Event poll()
    {
        while (true)
        {
            if (index < current.events.size())
            {
                return current.events.get(index++);
            }
            if (current.last || current.failure != null)
            {
                return null;
            }
            final Page p = next;
            if (p == null)
            {
                schedule();
                return null;
            }
            next = null;
            current = p;
            index = 0;
            if (!p.last && p.failure == null)
            {
                schedule();
            }
        }
    }

    /** @return {@code true} once every owed row has been handed out. */
    boolean finished()
    {
        return current.last && index == current.events.size();
    }

    /** @return why the replay cannot go on (rows pruned during it, or PostgreSQL failed), once reached; else null. */
    String failure()
    {
        return index == current.events.size() ? current.failure : null;
    }

    /** @return events loaded and not handed out yet (at most two pages). */
    int loaded()
    {
        final Page p = next;
        return current.events.size() - index + (p == null ? 0 : p.events.size());
    }

    private void schedule()
    {
        if (closed || !fetching.compareAndSet(false, true))
        {
            return;
        }
        if (next != null)
        {
            fetching.set(false);
            return;
        }
        try
        {
            executor.execute(this::fetch);
        }
        catch (final RejectedExecutionException e)
        {
            next = new Page(List.of(), false, "the relay is closing");
            fetching.set(false);
            wake.run();
        }
    }

    /** Fetcher thread, while {@code fetching} is set. */
    private void fetch()
    {
        Page p;
        try
        {
            p = closed ? null : readPage();
        }
        catch (final SQLException e)
        {
            p = new Page(List.of(), false, "reading the outbox failed: " + e.getMessage());
        }
        if (p != null)
        {
            if (p.last || p.failure != null)
            {
                closeConnection();
            }
            next = p;
        }
        fetching.set(false);
        if (closed && fetching.compareAndSet(false, true))
        {
            closeConnection();
        }
        wake.run();
    }

    private Page readPage() throws SQLException
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
                    "was replaying them", config.nodeId(), r.origin, Long.toString(pruned));
                return new Page(out, false, "rows of origin " + r.origin + " were pruned during the replay");
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
        return new Page(out, rangeIndex == ranges.size(), null);
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

    private void closeConnection()
    {
        Connections.closeQuietly(connection);
        connection = null;
    }

    /** Stops reading ahead and releases the connection (now, or when the fetch under way ends). Idempotent. */
    @Override
    public void close()
    {
        closed = true;
        if (fetching.compareAndSet(false, true))
        {
            closeConnection();
        }
    }
}
