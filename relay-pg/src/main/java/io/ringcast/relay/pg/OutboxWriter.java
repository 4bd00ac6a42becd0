package io.ringcast.relay.pg;

import io.ringcast.engine.Event;
import io.ringcast.engine.EventStage;
import io.ringcast.engine.spi.Durability;
import io.ringcast.engine.spi.DurableStore;
import io.ringcast.engine.spi.JournalTail;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes this node's events to the outbox: a writer thread that commits batches of at most
 * {@link RelayConfig#batchSize()} events in ONE transaction each: a binary {@code COPY ... FROM STDIN} of the batch
 * (encoded by {@link BinaryCopyBuffer} into one reusable array) plus one {@code pg_notify} whose payload is the origin
 * node id and the batch's last {@code origin_seq} ({@link ReadTrigger}).
 *
 * <p><b>Where the events come from.</b> With the node's journal ({@link #useJournal}, the server's default) the
 * writer reads this node's events from the journal, after the highest {@code origin_seq} of its origin committed to
 * the outbox (its head in {@code ringcast_outbox_head}, asked at the first connection after a start; retention never
 * lowers it),
 * and keeps nothing but the batch in memory: an outage of PostgreSQL plus a restart of the node (graceful or
 * {@code kill -9}) loses nothing the journal wrote; the backlog is bounded by the journal's retention. An event's
 * {@code origin_seq} is its id, and ids only grow on a node across restarts, so "after the highest origin_seq" is
 * exact. When retention deleted events of this node before the writer copied them, the writer counts it
 * ({@code relay_journal_gaps_total}), logs the id range, keeps the health degraded for a minute and remembers the
 * range so no resume claims to be exact across it. The {@link EventStage} then only notes the newest local id and
 * wakes the writer.
 *
 * <p>Without a journal ({@code --data-dir none}) the stage {@code offer}s a copy of each local event into a bounded
 * single-producer queue the writer drains: the backlog lives in memory and is lost with the process.
 *
 * <p><b>Buffering policy without a journal.</b> While PostgreSQL is slow or down the writer keeps its current batch
 * and retries it with backoff; new events wait in the queue ({@link RelayConfig#bufferEvents()} events). When the queue is full the
 * stage drops the newest event, counts it ({@code relay_dropped_writes_total}), keeps the health degraded for a
 * minute, and remembers the id range so {@link OutboxLog} never claims a complete replay across it. Local delivery
 * is never affected: the stage never blocks. Memory is bounded by queue capacity plus one batch.
 *
 * <p><b>Exactly once in the outbox.</b> Every batch raises its origin's head ({@code ringcast_outbox_head}: the
 * highest {@code origin_seq} committed) in its own transaction. A batch whose commit outcome is unknown (connection
 * lost during commit) is retried with a multi-row {@code INSERT ... SELECT FROM unnest(arrays)} of only the rows
 * above the head, which inserts nothing twice; so is a COPY batch whose first sequence the head has passed already.
 * An insert that finds no partition for its rows makes the missing partitions ({@link OutboxPartitions}) and is
 * written again. Batches commit
 * one after another from this single thread, so their {@code xid8}s increase in publish order: readers that order
 * by {@code (xid, id)} see this origin's events in publish order.
 *
 * <p>Threads: {@link #onEvent} on the dispatcher thread only; {@link #run} on the writer thread only; the getters
 * from any thread.
 */
final class OutboxWriter implements EventStage, Runnable, Durability
{
    private static final System.Logger LOG = System.getLogger(OutboxWriter.class.getName());
    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long DROP_DEGRADES_MS = 60_000;
    private static final long IDLE_CHECK_NS = TimeUnit.SECONDS.toNanos(1);
    /**
     * The de-duplicating path: inserts the rows of the batch above the origin's committed head
     * ({@code ringcast_outbox_head}, locked for the statement) and raises the head, in one statement. Exact because
     * one writer per origin commits its batches in order, each raising the head in its own transaction.
     */
    static final String INSERT_SQL =
        "WITH prev AS (SELECT max_seq FROM ringcast_outbox_head WHERE origin = ? FOR UPDATE)," +
        " ins AS (" +
        " INSERT INTO ringcast_outbox (origin, origin_seq, event_id, topic, type, audience, attributes, payload, ts_ms)" +
        " SELECT ?, u.seq, u.seq, u.topic, u.type, u.audience, u.attrs, u.payload, u.ts" +
        " FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bytea[], ?::bigint[])" +
        "   WITH ORDINALITY AS u(seq, topic, type, audience, attrs, payload, ts, ord)" +
        " WHERE u.seq > coalesce((SELECT max_seq FROM prev), -9223372036854775808)" +
        " ORDER BY u.ord RETURNING 1)," +
        " head AS (INSERT INTO ringcast_outbox_head AS h (origin, max_seq) VALUES (?, ?)" +
        "   ON CONFLICT (origin) DO UPDATE SET max_seq = GREATEST(h.max_seq, EXCLUDED.max_seq))" +
        " SELECT (SELECT count(*) FROM ins), pg_notify(?, ?)";
    static final String COPY_SQL =
        "COPY ringcast_outbox (origin, origin_seq, event_id, topic, type, audience, attributes, payload, ts_ms)" +
        " FROM STDIN (FORMAT binary)";
    /**
     * The first statement of a COPY batch: raises the origin's head to the batch's last sequence unless the head is
     * already at or past its first (then some rows are in the outbox already: 0 is returned and the batch goes the
     * de-duplicating way), and queues the NOTIFY.
     */
    static final String HEAD_AND_NOTIFY_SQL =
        "WITH head AS (INSERT INTO ringcast_outbox_head AS h (origin, max_seq) VALUES (?, ?)" +
        "   ON CONFLICT (origin) DO UPDATE SET max_seq = EXCLUDED.max_seq WHERE h.max_seq < ? RETURNING 1)" +
        " SELECT (SELECT count(*) FROM head), pg_notify(?, ?)";
    /**
     * Where this origin's rows end in the outbox: its head, raised by every batch in the batch's own transaction and
     * never lowered by retention.
     */
    private static final String COMMITTED_SQL = "SELECT max_seq FROM ringcast_outbox_head WHERE origin = ?";
    /** How long the writer parks while the journal has not yet written a local event the stage saw. */
    private static final long JOURNAL_CATCH_UP_PARK_NS = TimeUnit.MICROSECONDS.toNanos(100);
    /**
     * For this long after it last read something the writer polls the journal every
     * {@link #JOURNAL_CATCH_UP_PARK_NS}; then it parks as when idle (an event the journal did not write, oversized or
     * refused while the disk was full, must not keep it polling).
     */
    private static final long JOURNAL_CATCH_UP_NS = TimeUnit.MILLISECONDS.toNanos(200);
    /** How long {@link #close} waits past its deadline for a thread it has interrupted. */
    static final long CLOSE_GRACE_MS = 100;
    /** Encoded rows are handed to the driver whenever this much is buffered. */
    private static final int COPY_FLUSH_BYTES = 64 * 1024;
    /** Payloads at least this large go to the driver directly instead of through the buffer. */
    private static final int COPY_DIRECT_BYTES = 16 * 1024;
    /** A buffer grown beyond this (one huge attribute string) is not kept for the next batch. */
    private static final int COPY_KEEP_BYTES = 1024 * 1024;

    private final RelayConfig config;
    private final RelayCounters counters;
    private final OneToOneConcurrentArrayQueue<Event> queue;
    private final List<Event> batch;
    /** Events of the batch being written (or retried), for {@link #buffered()} on other threads. */
    private volatile int batchInWrite;
    private final Backoff backoff;
    private final AtomicLong committedId = new AtomicLong(-1);
    private final AtomicLong firstDroppedId = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastDroppedId = new AtomicLong(-1);
    private final AtomicLong lastLocalId = new AtomicLong(-1);
    /** The node's journal, the writer's source when set; {@code null}: the in-memory queue. */
    private volatile DurableStore journal;
    /** Writer thread: the reader of the journal, opened at the first connection after the committed position. */
    private JournalTail tail;
    /** Writer thread: the id of the last event read from the journal (any origin). */
    private long lastReadId = -1;
    /** Writer thread: the id of the last local event read from the journal. */
    private volatile long lastReadLocalId = -1;
    private volatile long lastGapMs;
    /** The publish time of the newest local event committed to the outbox; the writer's start before any. */
    private volatile long lastCommittedTimestampMs = System.currentTimeMillis();
    /** Writer thread: when the last poll of the journal delivered something (or the stage's wake-up came). */
    private long lastJournalReadNs = System.nanoTime();
    /** Writer thread: the stage's newest local id when the writer last went idle. */
    private long newestSeenByPark = -1;
    private volatile long lastDropMs;
    private final WriterWakeUp wakeUp = new WriterWakeUp(() -> LockSupport.unpark(this.thread));
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile String lastError = "not connected yet";
    private volatile Thread thread;
    private final long lingerNs;
    private final byte[] originUtf8;
    private BinaryCopyBuffer copyBuffer = new BinaryCopyBuffer(COPY_FLUSH_BYTES);
    private Connection connection;
    /** The last write failed: its commit outcome may be unknown, so the next one must skip rows already there. */
    private boolean retrying;
    private boolean everConnected;
    private long lastWriteStartNs;

    OutboxWriter(final RelayConfig config, final RelayCounters counters)
    {
        this.config = config;
        this.counters = counters;
        this.queue = new OneToOneConcurrentArrayQueue<>(config.bufferEvents());
        this.batch = new ArrayList<>(config.batchSize());
        this.backoff = new Backoff(config.reconnectMinMs(), config.reconnectMaxMs());
        this.lingerNs = TimeUnit.MICROSECONDS.toNanos(config.writerLingerUs());
        this.lastWriteStartNs = System.nanoTime() - lingerNs;
        this.originUtf8 = config.nodeId().getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------------- dispatcher thread

    @Override
    public void onEvent(final Event event, final boolean endOfBatch)
    {
        if (!event.isLocal())
        {
            signalIfEndOfBatch(endOfBatch);
            return;
        }
        lastLocalId.lazySet(event.id());
        if (journal != null)
        {
            signalIfEndOfBatch(endOfBatch); // the writer reads the event from the journal
            return;
        }
        if (!queue.offer(event.copy())) // the stage sees the stored event only during this call
        {
            counters.droppedWrites.incrementAndGet();
            firstDroppedId.compareAndSet(Long.MAX_VALUE, event.id());
            lastDroppedId.lazySet(event.id());
            lastDropMs = System.currentTimeMillis();
        }
        signalIfEndOfBatch(endOfBatch);
    }

    private void signalIfEndOfBatch(final boolean endOfBatch)
    {
        if (endOfBatch)
        {
            wakeUp.signal(); // the offer and the newest id before the writer's announcement
        }
    }

    // ------------------------------------------------------------------------------------------- writer thread

    /** Before {@link #start}: read this node's events from {@code store} instead of holding them in a queue. */
    void useJournal(final DurableStore store)
    {
        this.journal = store;
    }

    void start()
    {
        final Thread t = new Thread(this, "ringcast-relay-writer-" + config.nodeId());
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    @Override
    public void run()
    {
        long idleSinceNs = System.nanoTime();
        while (running || (!batch.isEmpty() || !queue.isEmpty() || journalBehind()) && connected)
        {
            if (!ensureConnected())
            {
                continue;
            }
            if (batch.isEmpty() && fill(config.batchSize()) == 0)
            {
                if (!running)
                {
                    break;
                }
                parkUntilWork();
                if (System.nanoTime() - idleSinceNs > IDLE_CHECK_NS)
                {
                    checkIdleConnection();
                    idleSinceNs = System.nanoTime();
                }
                continue;
            }
            linger();
            try
            {
                lastWriteStartNs = System.nanoTime();
                batchInWrite = batch.size();
                write(batch);
                committedId.lazySet(batch.get(batch.size() - 1).id());
                lastCommittedTimestampMs = batch.get(batch.size() - 1).timestampMs();
                batch.clear();
                batchInWrite = 0;
                backoff.reset();
                idleSinceNs = System.nanoTime();
            }
            catch (final SQLException e)
            {
                counters.writeFailures.incrementAndGet();
                retrying = true;
                disconnect("outbox write failed: " + e.getMessage());
                if (running)
                {
                    backoff.pause();
                }
            }
        }
        Connections.closeQuietly(connection);
        connected = false;
        if (tail != null)
        {
            tail.close();
        }
        final int lost = journal == null ? batch.size() + queue.size() : 0;
        if (lost > 0)
        {
            counters.lostAtClose.addAndGet(lost);
            LOG.log(System.Logger.Level.WARNING, "relay writer {0} stopped with {1} local events not in the outbox " +
                "({2}); without a journal (--data-dir) they are lost to the other replicas", config.nodeId(),
                Integer.toString(lost), lastError.isEmpty() ? "close deadline passed" : lastError);
        }
    }

    /**
     * When the previous batch started less than {@link RelayConfig#writerLingerUs()} ago, waits for the rest of that
     * interval (or a full batch) before writing: at most one commit and one NOTIFY per interval under a steady stream,
     * none added after an idle period.
     */
    private void linger()
    {
        final long until = lastWriteStartNs + lingerNs;
        long now;
        while (batch.size() < config.batchSize() && (now = System.nanoTime()) < until && running)
        {
            LockSupport.parkNanos(this, until - now);
            fill(config.batchSize() - batch.size());
        }
    }

    /** Adds up to {@code max} events to the batch from the source; returns how many. Writer thread. */
    private int fill(final int max)
    {
        if (journal == null)
        {
            return queue.drain(batch::add, max);
        }
        if (tail == null || max <= 0)
        {
            return 0;
        }
        final int before = batch.size();
        final long gapsBefore = tail.gaps();
        final long readBefore = lastReadId;
        try
        {
            tail.poll(this::fromJournal, max);
        }
        catch (final java.io.IOException e)
        {
            lastError = "cannot read the journal: " + e.getMessage();
            LOG.log(System.Logger.Level.WARNING, "relay writer {0}: {1}", config.nodeId(), lastError);
        }
        if (tail.gaps() != gapsBefore)
        {
            reportGap(readBefore, before);
        }
        if (lastReadId != readBefore)
        {
            lastJournalReadNs = System.nanoTime();
        }
        return batch.size() - before;
    }

    private void fromJournal(final Event event)
    {
        lastReadId = event.id();
        if (isOwn(event.origin()) && event.originSequence() == event.id()) // the tail delivers local events only
        {
            batch.add(event);
            lastReadLocalId = event.id();
        }
    }

    /** @return {@code true} for this node's origin (its own events; relayed ones carry another). */
    private boolean isOwn(final String origin)
    {
        return config.nodeId().equals(origin);
    }

    /**
     * Events after {@code readBefore} were deleted from the journal before the writer copied them; the batch's events
     * from index {@code firstNew} on were read after the skip.
     */
    private void reportGap(final long readBefore, final int firstNew)
    {
        final long from = readBefore + 1;
        final long to = batch.size() > firstNew ? batch.get(firstNew).id() - 1 : Math.max(from, lastLocalId.get());
        firstDroppedId.accumulateAndGet(from, Math::min);
        lastDroppedId.accumulateAndGet(to, Math::max);
        lastGapMs = System.currentTimeMillis();
        counters.journalGaps.incrementAndGet(); // last: whoever sees the count sees the range and the health
        LOG.log(System.Logger.Level.WARNING, "relay writer {0}: the journal's retention deleted events of this node " +
            "with ids in [{1}, {2}] before they reached the outbox (the writer fell behind: PostgreSQL unreachable " +
            "longer than the journal keeps events?); other replicas never receive them and no resume across them " +
            "is exact", config.nodeId(), Long.toString(from), Long.toString(to));
    }

    /** @return {@code true} while the journal holds a local event the stage saw and the writer has not read. */
    private boolean journalBehind()
    {
        return journal != null && tail != null && lastLocalId.get() > lastReadLocalId;
    }

    /**
     * With a journal, at each connection before a batch is in hand: asks PostgreSQL where this origin's rows end and
     * opens the journal after it (the first time), so nothing is written twice or skipped across restarts.
     */
    private void openTail() throws SQLException
    {
        if (journal == null || tail != null)
        {
            return;
        }
        long committed = -1;
        try (PreparedStatement ps = connection.prepareStatement(COMMITTED_SQL))
        {
            ps.setString(1, config.nodeId());
            try (ResultSet rs = ps.executeQuery())
            {
                if (rs.next())
                {
                    committed = rs.getLong(1);
                    if (rs.wasNull())
                    {
                        committed = -1;
                    }
                }
            }
        }
        final long fromMs = System.currentTimeMillis() - config.retentionMs();
        try
        {
            // an origin that never wrote to this outbox (a new database) gets what its retention would keep, not
            // the journal's whole history
            tail = committed >= 0 ? journal.tail(committed, true) : journal.tailFromTime(fromMs, true);
        }
        catch (final java.io.IOException e)
        {
            throw new SQLException("cannot open the journal after id " + committed + ": " + e.getMessage(), e);
        }
        lastReadId = committed;
        lastReadLocalId = Math.max(lastReadLocalId, committed);
        committedId.accumulateAndGet(committed, Math::max);
        if (committed >= 0)
        {
            LOG.log(System.Logger.Level.INFO, "relay writer {0}: the outbox holds this node''s events up to id {1}; " +
                "copying the journal from there", config.nodeId(), Long.toString(committed));
        }
        else
        {
            LOG.log(System.Logger.Level.INFO, "relay writer {0}: the outbox holds no event of this node; copying " +
                "the journal''s events of the last {1} ms (pg-retention-ms)", config.nodeId(),
                Long.toString(config.retentionMs()));
        }
    }

    /** An idle connection can die unnoticed (server restart); find out before the next batch needs it. */
    private void checkIdleConnection()
    {
        try
        {
            if (!connection.isValid(2))
            {
                disconnect("idle connection lost");
            }
        }
        catch (final SQLException e)
        {
            disconnect("idle connection lost: " + e.getMessage());
        }
    }

    private void parkUntilWork()
    {
        final long newest = lastLocalId.get();
        if (newest != newestSeenByPark)
        {
            newestSeenByPark = newest; // a new local event: give the journal time to write it
            lastJournalReadNs = System.nanoTime();
        }
        if (journalBehind() && System.nanoTime() - lastJournalReadNs < JOURNAL_CATCH_UP_NS)
        {
            LockSupport.parkNanos(this, JOURNAL_CATCH_UP_PARK_NS); // the journal's writer is about to write it
            return;
        }
        wakeUp.announcePark(); // either the stage sees the announcement or we see its newest id
        if (queue.isEmpty() && running && lastLocalId.get() == newestSeenByPark)
        {
            LockSupport.parkNanos(this, IDLE_PARK_NS);
        }
        wakeUp.running();
    }

    private boolean ensureConnected()
    {
        if (connection != null)
        {
            return true;
        }
        try
        {
            connection = Connections.open(config, "writer", 30, false);
            Schema.migrate(connection);
            makePartitionsAhead();
            openTail();
            if (everConnected)
            {
                counters.reconnects.incrementAndGet();
            }
            everConnected = true;
            connected = true;
            lastError = "";
            LOG.log(System.Logger.Level.INFO, "relay writer {0} connected to {1}", config.nodeId(),
                RelayConfig.redact(config.url()));
            return true;
        }
        catch (final SQLException e)
        {
            disconnect("cannot connect: " + e.getMessage());
            if (running)
            {
                backoff.pause();
            }
            return false;
        }
    }

    /** Best effort at connect: the pruners make them too, and a write that finds none makes them on demand. */
    private void makePartitionsAhead()
    {
        try
        {
            counters.partitionsCreated.addAndGet(OutboxPartitions.ensureAhead(connection, config));
        }
        catch (final SQLException e)
        {
            LOG.log(System.Logger.Level.WARNING, "relay writer {0}: outbox partitions not made ahead now: {1}",
                config.nodeId(), e.getMessage());
        }
    }

    private void disconnect(final String reason)
    {
        if (connected || !reason.equals(lastError))
        {
            LOG.log(System.Logger.Level.WARNING, "relay writer {0}: {1}; {2}", config.nodeId(), reason,
                journal != null ? "this node's events wait in its journal" :
                queue.size() + batch.size() + " events buffered in memory");
        }
        Connections.closeQuietly(connection);
        connection = null;
        connected = false;
        lastError = reason;
    }

    /**
     * Commits {@code events} in one transaction with one NOTIFY: normally by binary {@code COPY}; by the
     * de-duplicating {@code INSERT} (only the rows above the origin's head) when the previous attempt failed (its
     * commit outcome may be unknown, so some of these rows may be in the outbox already) or when the head says the
     * COPY batch overlaps rows already there. A batch that found no partition for its rows is written again after
     * the missing partitions are made.
     */
    private void write(final List<Event> events) throws SQLException
    {
        try
        {
            writeOnce(events);
        }
        catch (final SQLException e)
        {
            if (!OutboxPartitions.NO_PARTITION.equals(e.getSQLState()))
            {
                throw e;
            }
            // rolled back, so nothing of the batch is in: make the partition the pruners did not, and write again
            final int created = OutboxPartitions.ensureAhead(connection, config);
            counters.partitionsCreated.addAndGet(created);
            counters.partitionsCreatedOnDemand.addAndGet(created);
            LOG.log(System.Logger.Level.WARNING, "relay writer {0}: no outbox partition for the rows of this batch " +
                "({1}); created {2} partitions on demand", config.nodeId(), e.getMessage(), created);
            writeOnce(events);
        }
    }

    private void writeOnce(final List<Event> events) throws SQLException
    {
        if (retrying)
        {
            writeInsert(events);
            retrying = false;
            return;
        }
        if (!writeCopy(events))
        {
            LOG.log(System.Logger.Level.WARNING, "relay writer {0}: rows of this batch are in the outbox already " +
                "(origin head at or past {1}); writing the batch again without duplicates", config.nodeId(),
                Long.toString(events.get(0).id()));
            writeInsert(events);
        }
    }

    /**
     * The head upsert with {@code pg_notify}, then {@code COPY ringcast_outbox (...) FROM STDIN (FORMAT binary)}, then
     * COMMIT: four round trips. The omitted columns take their defaults per row inside this transaction: {@code id}
     * from the identity, {@code xid} = {@code pg_current_xact_id()} (this transaction's xid, as with INSERT),
     * {@code created_at}.
     *
     * @return {@code false}, rolled back, when the origin's head says rows of the batch are in the outbox already.
     */
    private boolean writeCopy(final List<Event> events) throws SQLException
    {
        final Connection c = connection;
        c.setAutoCommit(false);
        CopyIn copy = null;
        try
        {
            // NOTIFY first: it is delivered at COMMIT wherever it stands in the transaction, and as the first
            // statement it carries the BEGIN with it, where a COPY that opens the transaction waits for its own BEGIN
            final long last = events.get(events.size() - 1).id();
            try (PreparedStatement ps = c.prepareStatement(HEAD_AND_NOTIFY_SQL))
            {
                ps.setString(1, config.nodeId());
                ps.setLong(2, last);
                ps.setLong(3, events.get(0).id());
                ps.setString(4, config.channel());
                ps.setString(5, ReadTrigger.payload(config.nodeId(), last));
                try (ResultSet rs = ps.executeQuery())
                {
                    rs.next();
                    if (rs.getLong(1) == 0)
                    {
                        c.rollback();
                        c.setAutoCommit(true);
                        return false;
                    }
                }
            }
            copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_SQL);
            final BinaryCopyBuffer b = copyBuffer;
            b.clear();
            b.header();
            for (int i = 0, n = events.size(); i < n; i++)
            {
                final Event e = events.get(i);
                b.startTuple(9);
                b.textUtf8(originUtf8);
                b.int8(e.id());
                b.int8(e.id());
                b.text(e.topic());
                b.text(e.type());
                b.text(e.audience());
                b.text(e.attributes().isEmpty() ? null : AttributeCodec.encode(e.attributes()));
                final byte[] payload = e.payload();
                if (payload.length >= COPY_DIRECT_BYTES)
                {
                    b.fieldLength(payload.length);
                    flush(copy, b);
                    copy.writeToCopy(payload, 0, payload.length);
                }
                else
                {
                    b.bytea(payload);
                }
                b.int8(e.timestampMs());
                if (b.length() >= COPY_FLUSH_BYTES)
                {
                    flush(copy, b);
                }
            }
            b.trailer();
            flush(copy, b);
            final long rows = copy.endCopy();
            copy = null;
            c.commit();
            counters.rowsWritten.addAndGet(rows);
        }
        catch (final SQLException | RuntimeException e)
        {
            abort(c, copy, e);
            throw e;
        }
        finally
        {
            if (copyBuffer.array().length > COPY_KEEP_BYTES)
            {
                copyBuffer = new BinaryCopyBuffer(COPY_FLUSH_BYTES);
            }
        }
        c.setAutoCommit(true);
        counters.batchesWritten.incrementAndGet();
        return true;
    }

    private static void flush(final CopyIn copy, final BinaryCopyBuffer b) throws SQLException
    {
        if (b.length() > 0)
        {
            copy.writeToCopy(b.array(), 0, b.length());
            b.clear();
        }
    }

    /** Ends a failed COPY transaction; on a broken connection the caller disconnects anyway. */
    private static void abort(final Connection c, final CopyIn copy, final Exception cause)
    {
        try
        {
            if (copy != null && copy.isActive())
            {
                copy.cancelCopy();
            }
        }
        catch (final SQLException e)
        {
            cause.addSuppressed(e);
        }
        try
        {
            c.rollback();
            c.setAutoCommit(true);
        }
        catch (final SQLException e)
        {
            cause.addSuppressed(e);
        }
    }

    /** The multi-row {@code INSERT ... SELECT FROM unnest(arrays)} of the rows above the head, and NOTIFY, autocommit. */
    private void writeInsert(final List<Event> events) throws SQLException
    {
        final int n = events.size();
        final Long[] seq = new Long[n];
        final String[] topic = new String[n];
        final String[] type = new String[n];
        final String[] audience = new String[n];
        final String[] attrs = new String[n];
        final byte[][] payload = new byte[n][];
        final Long[] ts = new Long[n];
        for (int i = 0; i < n; i++)
        {
            final Event e = events.get(i);
            seq[i] = e.id();
            topic[i] = e.topic();
            type[i] = e.type();
            audience[i] = e.audience();
            attrs[i] = AttributeCodec.encode(e.attributes());
            payload[i] = e.payload();
            ts[i] = e.timestampMs();
        }
        final Connection c = connection;
        try (PreparedStatement ps = c.prepareStatement(INSERT_SQL))
        {
            ps.setString(1, config.nodeId());
            ps.setString(2, config.nodeId());
            final Array[] arrays = {
                c.createArrayOf("bigint", seq), c.createArrayOf("text", topic), c.createArrayOf("text", type),
                c.createArrayOf("text", audience), c.createArrayOf("text", attrs), c.createArrayOf("bytea", payload),
                c.createArrayOf("bigint", ts)};
            for (int i = 0; i < arrays.length; i++)
            {
                ps.setArray(i + 3, arrays[i]);
            }
            ps.setString(10, config.nodeId());
            ps.setLong(11, seq[seq.length - 1]);
            ps.setString(12, config.channel());
            ps.setString(13, ReadTrigger.payload(config.nodeId(), seq[seq.length - 1]));
            try (ResultSet rs = ps.executeQuery())
            {
                rs.next();
                counters.rowsWritten.addAndGet(rs.getLong(1));
            }
        }
        counters.batchesWritten.incrementAndGet();
    }

    // ------------------------------------------------------------------------------------------- any thread

    /**
     * Stops after writing what is queued (or what the journal holds beyond the outbox) while PostgreSQL answers, until
     * {@code deadlineNs} ({@link System#nanoTime}). A writer without a connection (PostgreSQL down) is woken from its
     * backoff and stops at once: with a journal what it had not written stays there and is written after the next
     * start; without one it is not relayed: logged with its count, and counted in
     * {@code relay_lost_at_close_events_total}. Returns by the deadline plus at most {@value #CLOSE_GRACE_MS} ms; the
     * thread is a daemon.
     */
    void close(final long deadlineNs)
    {
        running = false;
        final Thread t = thread;
        if (t != null)
        {
            LockSupport.unpark(t);
            if (!connected)
            {
                t.interrupt();
            }
            try
            {
                t.join(Math.max(1, (deadlineNs - System.nanoTime()) / 1_000_000L));
                if (t.isAlive())
                {
                    t.interrupt();
                    t.join(CLOSE_GRACE_MS);
                }
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return the highest local event id known committed to the outbox, {@code -1} before the first batch. */
    long committedId()
    {
        return committedId.get();
    }

    /** {@link Durability}: every local event with an id up to this is committed to the outbox (or lost, see below). */
    @Override
    public long durableId()
    {
        return committedId.get();
    }

    /** {@link Durability}: the writer writes as soon as it can anyway; wakes it if it is idle. Allocates nothing. */
    @Override
    public void requestDurable(final long id)
    {
        wakeUp.wakeIfParked();
    }

    /**
     * {@link Durability}: {@code null} while connected, else that the outbox cannot be written. Without the driver's
     * message: it is shown to publishers and may name the database host (the health detail, behind the metrics token,
     * has it).
     */
    @Override
    public String unavailableReason()
    {
        return connected ? null : "the PostgreSQL outbox is unreachable";
    }

    /** {@link Durability}: local events in the range were dropped (queue full) or deleted from the journal unwritten. */
    @Override
    public boolean lostWithin(final long firstId, final long lastId)
    {
        return droppedWithin(firstId, lastId);
    }

    /**
     * @return 0 when every local event the stage saw is committed, else how long ago the newest committed local event
     *         was published (or the writer started): an upper bound of the age of the oldest event not yet in the
     *         outbox, which grows through an outage. Any thread.
     */
    long behindMs()
    {
        return lastLocalId.get() > committedId.get() ?
            Math.max(0, System.currentTimeMillis() - lastCommittedTimestampMs) : 0;
    }

    /** @return the id of the last local event the stage saw (queued or dropped), {@code -1} before any. */
    long lastLocalId()
    {
        return lastLocalId.get();
    }

    /** @return {@code true} when a local event with an id in {@code [lo, hi]} may have been dropped. */
    boolean droppedWithin(final long lo, final long hi)
    {
        final long first = firstDroppedId.get();
        return first != Long.MAX_VALUE && first <= hi && lastDroppedId.get() >= lo;
    }

    boolean connected()
    {
        return connected;
    }

    String lastError()
    {
        return lastError;
    }

    boolean droppedRecently()
    {
        return lastDropMs != 0 && System.currentTimeMillis() - lastDropMs < DROP_DEGRADES_MS;
    }

    /** @return {@code true} for a minute after the writer found events deleted from the journal before it wrote them. */
    boolean journalGapRecently()
    {
        return lastGapMs != 0 && System.currentTimeMillis() - lastGapMs < DROP_DEGRADES_MS;
    }

    /** @return {@code true} when the writer reads this node's events from the journal. */
    boolean readsJournal()
    {
        return journal != null;
    }

    /** @return local events not yet in the outbox: the queue plus the batch being written or retried. Any thread. */
    int buffered()
    {
        return queue.size() + batchInWrite;
    }
}
