package io.ringcast.journal;

import io.ringcast.engine.Event;
import io.ringcast.engine.EventFollower;
import io.ringcast.engine.FollowerCursor;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

/**
 * The journal's one writer thread, and the engine's {@link EventFollower}: it takes every dispatched event where it
 * lies in the engine's storage ({@link FollowerCursor#poll}), encodes its record into a page of its own (frame:
 * length, CRC-32C; body: {@link RecordCodec}), writes the page with one positional {@code write}, rolls segments,
 * syncs (group commit: one {@code fdatasync} covers every record written before it, for every waiter), applies
 * retention, and on a write failure (disk full) cuts the partial write, reports itself unwritable and retries. The
 * dispatcher does nothing per event for it: the encoding, the checksum and the copy happen here, once.
 *
 * <p>Pacing: it never spins or yields (on a small machine that takes the cores the engine's threads need). After each
 * write, and when a poll finds nothing, it parks <em>lingering</em> for at most the write interval
 * ({@link JournalConfig#writeInterval()}) unless a quarter of the engine's ring waits for it; the dispatcher wakes it
 * early ({@link #onDispatched}) only when that many events wait or a durable wait or a reader needs what it has just
 * dispatched. So a busy engine costs one {@code write} per interval, however fast events come. After
 * {@link #LINGERS_BEFORE_IDLE} empty lingers it parks <em>idle</em> and the dispatcher wakes it at the end of its next
 * batch.
 *
 * <p>At the bounds: the writer's position gates the engine's storage, so a writer a whole ring behind holds publishers
 * back (the disk sets the pace; counted in {@code journal_buffer_full_waits}). While the journal cannot write (disk
 * full) it keeps taking events so the engine never stalls, and counts them in {@code journal_dropped_events} instead
 * of writing them (the records already in its page stay for the retry); transports refuse publishes while
 * {@link #isWritable()} is false. A record larger than {@link JournalConfig#bufferBytes()} is counted in
 * {@code journal_oversized_events}.
 *
 * <p>Thread-safety: {@link #run} and {@link #onEvent} on the writer thread only; {@link #attach} on the thread that
 * starts the engine; {@link #onDispatched} on the dispatcher thread; {@link #requestSync}, {@link #requestWrite}, the
 * id getters, {@link #isWritable} and {@link #close} on any thread. Ids published to other threads
 * ({@code writtenId}, {@code durableId}) are volatile stores.
 */
final class JournalWriter implements Runnable, EventFollower, FollowerCursor.Handler
{
    private static final VarHandle REQUESTED_SYNC;
    private static final VarHandle REQUESTED_WRITE;
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long IDLE_PARK_NS = 100_000_000L;
    private static final long RETENTION_CHECK_NS = 1_000_000_000L;
    /** Empty polls in a row, each after a linger, before the writer parks idle. */
    private static final int LINGERS_BEFORE_IDLE = 10;
    /** Events taken per poll; the page is written when full anyway. */
    private static final int POLL_LIMIT = 16_384;
    /** The page's first size; it grows (never shrinks) only for a record larger than that. */
    private static final int INITIAL_PAGE_BYTES = 1 << 20;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            REQUESTED_SYNC = lookup.findVarHandle(JournalWriter.class, "requestedSyncId", long.class);
            REQUESTED_WRITE = lookup.findVarHandle(JournalWriter.class, "requestedWriteId", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final JournalConfig config;
    private final ConcurrentSkipListMap<Long, SegmentFile> segments;
    private final JournalCounters counters;
    private final RecordCodec codec = new RecordCodec();
    private final CRC32C crc = new CRC32C();
    private final long syncIntervalNs;
    private final long retryIntervalNs;
    private final long lingerNs;
    private final WriterParking parking;
    /** The largest page, and so the largest record. */
    private final int maxPageBytes;

    /** Records encoded and not yet written (writer thread only). */
    private byte[] page;
    private ByteBuffer pageView;
    private int pageBytes;

    private SegmentFile active;
    private FileChannel channel;
    /** File position after the last byte written to {@link #channel}. */
    private long position;
    private long bufferedLastId = -1;
    /** The position the next record gets. */
    private long nextPosition;
    private long bufferedNewestTs;
    private long lastSyncNs = System.nanoTime();
    private long lastRetentionNs = System.nanoTime();
    private long lastFailureNs;
    /** While unwritable: this poll's events are encoded anyway (a retry), not held or dropped. */
    private boolean retrying;
    /** While unwritable: how many of the oldest untaken events this poll drops (the rest stay held in the ring). */
    private long dropBudget;
    /** The last sync failed (the next successful one makes the journal writable again). */
    private boolean syncFailed;
    /** Polls in a row that found nothing. */
    private int emptyReads;
    /** Records encoded, and events dropped, since the counters were last updated (once per poll, not per event). */
    private long appendedSinceCount;
    private long droppedSinceCount;
    private boolean takenAny;
    private long lastTakenId;

    private volatile FollowerCursor cursor;
    private volatile Thread thread;
    private volatile boolean closed;
    private volatile boolean writable = true;
    private volatile String failure;
    private volatile long firstTakenId = -1;
    private volatile long takenId;
    private volatile long writtenId;
    /** Records written: the position after the newest written record. */
    private volatile long writtenPosition;
    private volatile long durableId;
    @SuppressWarnings("unused") // accessed through REQUESTED_WRITE
    private volatile long requestedWriteId = -1;
    @SuppressWarnings("unused") // accessed through REQUESTED_SYNC
    private volatile long requestedSyncId = -1;

    JournalWriter(
        final JournalConfig config,
        final ConcurrentSkipListMap<Long, SegmentFile> segments,
        final JournalCounters counters,
        final long lastId,
        final long nextPosition,
        final SegmentFile active,
        final FileChannel activeChannel)
    {
        this.nextPosition = nextPosition;
        this.writtenPosition = nextPosition;
        this.config = config;
        this.segments = segments;
        this.counters = counters;
        this.maxPageBytes = config.bufferBytes();
        this.page = new byte[Math.min(INITIAL_PAGE_BYTES, maxPageBytes)];
        this.pageView = ByteBuffer.wrap(page);
        this.syncIntervalNs = config.syncInterval().toNanos();
        this.retryIntervalNs = config.retryInterval().toNanos();
        this.lingerNs = config.writeInterval().toNanos();
        this.parking = new WriterParking(this::lag, this::writePending, () -> LockSupport.unpark(thread));
        this.takenId = lastId;
        this.lastTakenId = lastId;
        this.writtenId = lastId;
        this.durableId = lastId;
        this.active = active;
        this.channel = activeChannel;
        this.position = active == null ? 0 : active.bytes;
    }

    void start(final String name)
    {
        final Thread t = new Thread(this, name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    // ------------------------------------------------------------------------------ other threads

    /** The engine starts with this journal: its events are taken from {@code cursor}. One engine at a time. */
    @Override
    public void attach(final FollowerCursor cursor)
    {
        parking.setWakeThreshold(Math.max(1, cursor.capacity() / 4));
        this.cursor = cursor;
        VarHandle.fullFence();
        wakeIfParked();
    }

    /**
     * Dispatcher thread, at the end of each batch: unparks the writer if it is idle, or lingering while a quarter of
     * the ring waits for it or a durable wait or a reader needs what was dispatched ({@link WriterParking#afterDispatch}).
     * Allocates nothing; a volatile read and, at most, an unpark (the fenced check is {@link #onIdle}).
     */
    @Override
    public void onDispatched()
    {
        parking.afterDispatch();
    }

    /** Dispatcher thread, its ring drained: the fenced wake-up check once per busy period. */
    @Override
    public void onIdle()
    {
        parking.afterBusy();
    }

    /** @return events dispatched and not yet taken by this writer. */
    private long lag()
    {
        final FollowerCursor c = cursor;
        return c == null ? 0 : c.lag();
    }

    /** @return the first id taken from the engine since the journal opened, or -1. */
    long firstTakenId()
    {
        return firstTakenId;
    }

    /**
     * @return the newest id the engine has dispatched (every id at or below it reaches this writer, written or
     *         counted as dropped), or the newest id taken when no engine is attached.
     */
    long dispatchedId()
    {
        final FollowerCursor c = cursor;
        return c == null || c.isDetached() ? takenId : c.lastDispatchedId();
    }

    /** Any thread (after a full fence following its own store): unparks the writer if it is parked. */
    void wakeIfParked()
    {
        parking.wakeIfParked();
    }

    /**
     * Any thread: asks for {@code id} to be written (not synced) soon, for a reader that needs it; the writer is woken.
     * Allocates nothing.
     */
    void requestWrite(final long id)
    {
        raise(REQUESTED_WRITE, id);
        VarHandle.fullFence();
        wakeIfParked();
    }

    /** Raises the long field behind {@code field} to {@code id} unless it is already at or above it (lock-free). */
    private void raise(final VarHandle field, final long id)
    {
        long current;
        do
        {
            current = (long)field.getVolatile(this);
            if (current >= id)
            {
                return;
            }
        }
        while (!field.compareAndSet(this, current, id));
    }

    /** Whether a durable wait or a reader asks for an id not written yet. */
    private boolean writePending()
    {
        final long written = writtenId;
        return (long)REQUESTED_SYNC.getVolatile(this) > written || (long)REQUESTED_WRITE.getVolatile(this) > written;
    }

    /** Any thread: asks for a sync covering {@code id}; allocates nothing. */
    void requestSync(final long id)
    {
        raise(REQUESTED_SYNC, id);
        VarHandle.fullFence();
        wakeIfParked();
    }

    long writtenId()
    {
        return writtenId;
    }

    long durableId()
    {
        return durableId;
    }

    long writtenPosition()
    {
        return writtenPosition;
    }

    boolean isWritable()
    {
        return writable;
    }

    boolean isClosed()
    {
        return closed;
    }

    String failure()
    {
        return failure;
    }

    /**
     * Any thread, after the engine closed: takes and writes what the engine dispatched, syncs, closes the file, detaches
     * from the engine and stops the thread (waits up to 10 s).
     */
    void close()
    {
        closed = true;
        final Thread t = thread;
        if (t != null)
        {
            LockSupport.unpark(t);
            try
            {
                t.join(10_000);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
        final FollowerCursor c = cursor;
        if (c != null)
        {
            c.detach(); // an engine still running (closed out of order) must not wait for this writer
        }
    }

    // ------------------------------------------------------------------------------ writer thread

    @Override
    public void run()
    {
        while (true)
        {
            final boolean closing = closed;
            if (!writable && System.nanoTime() - lastFailureNs >= retryIntervalNs)
            {
                retrying = true; // this pass writes (the page, and what it takes) instead of dropping
            }
            final FollowerCursor c = cursor;
            int read = 0;
            if (c != null && !c.isDetached())
            {
                final long lag = c.lag();
                if (lag >= c.capacity())
                {
                    counters.bufferFullWaits.increment();
                }
                if (!writable && !retrying)
                {
                    // hold up to half a ring for the retry, fewer once the history's bounds wait for them
                    dropBudget = c.isHistoryWaiting() ? lag - 1 : lag - c.capacity() / 2;
                }
                read = c.poll(this, POLL_LIMIT);
                afterPoll();
            }
            if (writable || retrying)
            {
                flush();
                retrying = false;
            }
            final long now = System.nanoTime(); // the loop's one clock read
            sync(closing, read == 0, now);
            if (now - lastRetentionNs >= RETENTION_CHECK_NS)
            {
                lastRetentionNs = now;
                applyRetention();
            }
            if (closing && (read == 0 && lag() == 0 || !writable))
            {
                counters.dropped.add(lag()); // unwritable at the close: what it held is not journaled
                break;
            }
            emptyReads = read == 0 ? emptyReads + 1 : 0;
            idle(); // after a write too: one write per interval, not one per dispatcher batch
        }
        sync(true, true, System.nanoTime());
        closeChannel();
    }

    private void afterPoll()
    {
        takenId = lastTakenId;
        if (appendedSinceCount > 0)
        {
            counters.appended.add(appendedSinceCount);
            appendedSinceCount = 0;
        }
        if (droppedSinceCount > 0)
        {
            counters.dropped.add(droppedSinceCount);
            droppedSinceCount = 0;
        }
    }

    /**
     * One dispatched event, in place: encodes its record into the page (writing the page first when it is full), or,
     * while the journal cannot write, counts it as dropped. Always takes it. Allocates nothing.
     */
    @Override
    public boolean onEvent(final Event event)
    {
        final long id = event.id();
        lastTakenId = id; // plain: published once per poll
        if (!takenAny)
        {
            takenAny = true;
            firstTakenId = id;
        }
        if (!writable && !retrying)
        {
            if (dropBudget <= 0)
            {
                return false; // held in the ring for the retry
            }
            dropBudget--;
            droppedSinceCount++;
            return true;
        }
        final int bodyLength = codec.length(event);
        final int recordBytes = SegmentFormat.FRAME_BYTES + bodyLength;
        if (recordBytes > maxPageBytes)
        {
            counters.oversized.increment();
            return true;
        }
        if (!makeRoom(recordBytes, id))
        {
            return false; // the write or the roll failed: held in the ring for the retry
        }
        final int body = pageBytes + SegmentFormat.FRAME_BYTES;
        codec.encode(event, page, body);
        crc.reset();
        crc.update(page, body, bodyLength);
        INT.set(page, pageBytes, bodyLength);
        INT.set(page, pageBytes + 4, (int)crc.getValue());
        pageBytes += recordBytes;
        bufferedLastId = id;
        bufferedNewestTs = event.timestampMs();
        nextPosition++;
        appendedSinceCount++;
        return true;
    }

    /**
     * Makes room for a record: writes the page when the record does not fit (growing it for a record larger than the
     * page), rolls the segment when the record would not fit in it.
     */
    private boolean makeRoom(final int recordBytes, final long id)
    {
        if (pageBytes + recordBytes > page.length)
        {
            if (!flush())
            {
                return false;
            }
            if (recordBytes > page.length)
            {
                page = new byte[Math.min(Math.max(recordBytes, 2 * page.length), maxPageBytes)];
                pageView = ByteBuffer.wrap(page);
            }
        }
        final boolean rollDue = active == null || position + pageBytes + recordBytes > config.segmentBytes() &&
            position + pageBytes > SegmentFormat.HEADER_BYTES;
        return !rollDue || flush() && roll(id);
    }

    /** Writes the page; on failure cuts any partial write and keeps the page for a retry. */
    private boolean flush()
    {
        if (pageBytes == 0)
        {
            return true;
        }
        pageView.limit(pageBytes).position(0);
        long p = position;
        try
        {
            while (pageView.hasRemaining())
            {
                p += channel.write(pageView, p);
            }
        }
        catch (final IOException | RuntimeException e)
        {
            failed(e);
            try
            {
                channel.truncate(position);
            }
            catch (final IOException | RuntimeException ignored)
            {
                // the recovery scan at the next start cuts it at the first invalid record
            }
            return false;
        }
        counters.writtenBytes.add(p - position);
        position = p;
        active.bytes = p;
        active.newestTimestampMs = bufferedNewestTs;
        pageBytes = 0;
        writtenPosition = nextPosition;
        writtenId = bufferedLastId;
        recovered();
        return true;
    }

    private void recovered()
    {
        if (!writable)
        {
            writable = true;
            failure = null;
        }
    }

    /** Closes the active segment (synced) and starts one whose first record is {@code firstId}. */
    private boolean roll(final long firstId)
    {
        final Path path = config.directory().resolve(SegmentFormat.fileName(firstId));
        FileChannel next = null;
        try
        {
            if (channel != null)
            {
                channel.force(false);
                counters.syncs.increment();
                durableId = writtenId;
            }
            next = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
            final ByteBuffer header = SegmentFormat.header(firstId, nextPosition);
            while (header.hasRemaining())
            {
                next.write(header, header.position());
            }
            next.force(true);
            Journal.syncDirectory(config.directory());
        }
        catch (final IOException | RuntimeException e)
        {
            failed(e);
            if (next != null)
            {
                try
                {
                    next.close();
                    Files.deleteIfExists(path);
                }
                catch (final IOException | RuntimeException ignored)
                {
                    // left for the recovery scan: a segment without a valid header is skipped and removed
                }
            }
            return false;
        }
        closeChannel();
        channel = next;
        position = SegmentFormat.HEADER_BYTES;
        active = new SegmentFile(firstId, path, position, System.currentTimeMillis());
        segments.put(firstId, active);
        applyRetention();
        return true;
    }

    /**
     * Syncs when forced, when the interval has passed, or when a requested id is written. A sync requested for an id
     * still on its way from the dispatcher waits for it (one sync per group instead of one for its first half and
     * another for the rest; the dispatcher wakes the writer when it hands the id over), unless the ring stayed empty
     * for two reads in a row, a linger apart: then what is written is synced, so an id that never reaches the journal
     * cannot hold a waiter.
     */
    private void sync(final boolean force, final boolean drained, final long now)
    {
        final long written = writtenId;
        if (written <= durableId || channel == null)
        {
            return;
        }
        final long requested = (long)REQUESTED_SYNC.getVolatile(this);
        final boolean requestedWritten = requested > durableId &&
            (written >= requested || (drained && emptyReads >= 2));
        if (force || requestedWritten || now - lastSyncNs >= syncIntervalNs)
        {
            try
            {
                channel.force(false);
                counters.syncs.increment();
                lastSyncNs = now;
                durableId = written;
            }
            catch (final IOException | RuntimeException e)
            {
                failed(e);
                syncFailed = true;
                return;
            }
            if (syncFailed)
            {
                syncFailed = false;
                if (pageBytes == 0)
                {
                    recovered(); // the sync was what failed, and nothing else waits for a write
                }
            }
        }
    }

    /** Deletes the oldest closed segments beyond the byte bound or older than the age bound. */
    private void applyRetention()
    {
        final long nowMs = System.currentTimeMillis();
        long total = 0;
        for (final SegmentFile s : segments.values())
        {
            total += s.bytes;
        }
        final long oldestAllowedMs = nowMs - config.retention().toMillis();
        for (final Map.Entry<Long, SegmentFile> e : segments.entrySet())
        {
            final SegmentFile s = e.getValue();
            if (s == active || (total <= config.retentionBytes() && s.newestTimestampMs >= oldestAllowedMs))
            {
                break;
            }
            try
            {
                segments.remove(e.getKey());
                Files.deleteIfExists(s.path);
                total -= s.bytes;
                counters.segmentsDeleted.increment();
            }
            catch (final IOException ex)
            {
                segments.put(e.getKey(), s);
                break;
            }
        }
    }

    private void failed(final Throwable e)
    {
        counters.writeFailures.increment();
        failure = e.getClass().getSimpleName() + ": " + e.getMessage();
        writable = false;
        lastFailureNs = System.nanoTime();
    }

    /**
     * Parks lingering or idle (see the class comment). The state is published before the ring and the sync request
     * are read again (volatile store, then volatile loads: a waker either sees the state or the writer sees its
     * data), so a wake-up is never lost; a linger ends by itself anyway.
     */
    private void idle()
    {
        if (!writable && !closed)
        {
            // holding or dropping events until the retry: a linger at a time, never a spin, whatever waits
            parking.mayPark(true);
            final long untilRetry = retryIntervalNs - (System.nanoTime() - lastFailureNs);
            final long parkNs = Math.min(lingerNs > 0 ? lingerNs : 1_000_000L, untilRetry);
            if (parkNs > 0)
            {
                LockSupport.parkNanos(this, parkNs);
            }
            parking.running();
            return;
        }
        final boolean linger = lingerNs > 0 && emptyReads <= LINGERS_BEFORE_IDLE;
        final boolean mayPark = parking.mayPark(linger);
        final long requested = (long)REQUESTED_SYNC.getVolatile(this);
        final boolean syncDue = requested > durableId && writtenId > durableId &&
            (writtenId >= requested || emptyReads >= 2);
        if (mayPark && !syncDue && !closed)
        {
            long parkNs = linger ? lingerNs : IDLE_PARK_NS;
            if (writtenId > durableId)
            {
                parkNs = Math.max(0, Math.min(parkNs, syncIntervalNs - (System.nanoTime() - lastSyncNs)));
            }
            if (parkNs > 0)
            {
                LockSupport.parkNanos(this, parkNs);
            }
        }
        parking.running();
    }

    private void closeChannel()
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
                // nothing left to lose: data was written and synced or the failure was counted
            }
        }
    }
}
