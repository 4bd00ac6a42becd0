package io.ringcast.journal;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.ringbuffer.RingBuffer;

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
 * The journal's one writer thread. It drains record bodies from the byte ring, frames them (length, CRC-32C) into
 * a write buffer, writes each drained batch with one positional {@code write}, rolls segments, syncs (group commit:
 * one {@code fdatasync} covers every record written before it, for every waiter), applies retention, and on a
 * write failure (disk full) cuts the partial write, reports itself unwritable and retries.
 *
 * <p>Pacing: it never spins or yields (on a small machine that takes the cores the engine's threads need). When a
 * read finds the ring empty it parks. While events flow it parks <em>lingering</em>, for at most the write interval
 * ({@link JournalConfig#writeInterval()}), and the dispatcher wakes it early only when the ring is an eighth full or
 * a durable wait needs an id it has just handed over: one {@code write} per interval instead of one wake-up (a
 * system call on each side) per dispatcher batch. After {@link #LINGERS_BEFORE_IDLE} empty lingers it parks
 * <em>idle</em> and the dispatcher wakes it at the end of its next batch.
 *
 * <p>Thread-safety: {@link #run} on the writer thread only. {@link #enqueued} and {@link #wakeIfParked} on the
 * dispatcher thread; {@link #requestSync}, the id getters, {@link #isWritable} and {@link #close} on any thread.
 * Ids published to other threads ({@code writtenId}, {@code durableId}) are release stores.
 */
final class JournalWriter implements Runnable, ControlledMessageHandler
{
    private static final VarHandle REQUESTED_SYNC;
    private static final VarHandle ENQUEUED;
    private static final long IDLE_PARK_NS = 100_000_000L;
    private static final long RETENTION_CHECK_NS = 1_000_000_000L;
    /** Not parked. */
    private static final int RUNNING = 0;
    /** Parked for at most the write interval; woken early past the wake threshold or for a pending sync. */
    private static final int LINGERING = 1;
    /** Parked with nothing to write; woken at the end of the dispatcher's next batch. */
    private static final int IDLE = 2;
    /** Empty reads in a row, each after a linger, before the writer parks idle. */
    private static final int LINGERS_BEFORE_IDLE = 10;
    /** Records read from the ring per {@code controlledRead}; the write buffer is written when full anyway. */
    private static final int READ_LIMIT = 16_384;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            REQUESTED_SYNC = lookup.findVarHandle(JournalWriter.class, "requestedSyncId", long.class);
            ENQUEUED = lookup.findVarHandle(JournalWriter.class, "enqueuedId", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final JournalConfig config;
    private final RingBuffer ring;
    private final ConcurrentSkipListMap<Long, SegmentFile> segments;
    private final JournalCounters counters;
    private final ByteBuffer writeBuffer;
    private final ByteBuffer ringView;
    private final CRC32C crc = new CRC32C();
    private final long syncIntervalNs;
    private final long retryIntervalNs;
    private final long lingerNs;
    private final int wakeBytes;

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
    private boolean writeFailedThisRead;
    /** Reads in a row that found the ring empty. */
    private int emptyReads;
    /** Records framed since the counter was last updated (one counter update per read, not per record). */
    private long appendedSinceCount;

    private volatile Thread thread;
    /** {@link #RUNNING}, {@link #LINGERING} or {@link #IDLE}: written by the writer, read by the threads that wake it. */
    private volatile int parkState;
    private volatile boolean closed;
    private volatile boolean writable = true;
    private volatile String failure;
    private volatile long enqueuedId;
    /** Dispatcher-only flag; {@link #firstEnqueuedId} is written once. */
    private boolean enqueuedAny;
    private volatile long firstEnqueuedId = -1;
    private volatile long writtenId;
    /** Records written: the position after the newest written record. */
    private volatile long writtenPosition;
    private volatile long durableId;
    @SuppressWarnings("unused") // accessed through REQUESTED_SYNC
    private volatile long requestedSyncId = -1;

    JournalWriter(
        final JournalConfig config,
        final RingBuffer ring,
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
        this.ring = ring;
        this.segments = segments;
        this.counters = counters;
        this.writeBuffer = ByteBuffer.allocateDirect(Math.max(1 << 20, ring.maxMsgLength() + SegmentFormat.FRAME_BYTES))
            .order(ByteOrder.LITTLE_ENDIAN);
        this.ringView = ring.buffer().byteBuffer().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.syncIntervalNs = config.syncInterval().toNanos();
        this.retryIntervalNs = config.retryInterval().toNanos();
        this.lingerNs = config.writeInterval().toNanos();
        this.wakeBytes = ring.capacity() / 8;
        this.enqueuedId = lastId;
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

    /** Dispatcher thread: {@code id} is in the ring (a release store: no fence per event). */
    void enqueued(final long id)
    {
        if (!enqueuedAny)
        {
            enqueuedAny = true;
            firstEnqueuedId = id;
        }
        ENQUEUED.setRelease(this, id);
    }

    /** @return the first id handed to this writer since the journal opened, or -1. */
    long firstEnqueuedId()
    {
        return firstEnqueuedId;
    }

    /** Any thread (after a full fence following its own store): unparks the writer if it is parked. */
    void wakeIfParked()
    {
        if (parkState != RUNNING)
        {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Dispatcher thread, at the end of a batch (after a full fence following its ring commits): unparks the writer
     * if it is idle, or lingering while the ring is past the wake threshold or a durable wait needs what the batch
     * handed over. Allocates nothing; a volatile read and, at most, an unpark.
     */
    void afterBatch()
    {
        final int state = parkState;
        if (state == IDLE ||
            state == LINGERING && (ring.size() >= wakeBytes || (long)REQUESTED_SYNC.getVolatile(this) > writtenId))
        {
            LockSupport.unpark(thread);
        }
    }

    /** Any thread: asks for a sync covering {@code id}; allocates nothing. */
    void requestSync(final long id)
    {
        long current;
        do
        {
            current = (long)REQUESTED_SYNC.getVolatile(this);
            if (current >= id)
            {
                break;
            }
        }
        while (!REQUESTED_SYNC.compareAndSet(this, current, id));
        VarHandle.fullFence();
        wakeIfParked();
    }

    long enqueuedId()
    {
        return enqueuedId;
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

    /** Any thread: drains what is in the ring, syncs, closes the file and stops the thread (waits up to 10 s). */
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
    }

    // ------------------------------------------------------------------------------ writer thread

    @Override
    public void run()
    {
        while (true)
        {
            final boolean closing = closed;
            int read = 0;
            if (!writable && !closing)
            {
                final long wait = retryIntervalNs - (System.nanoTime() - lastFailureNs);
                if (wait > 0)
                {
                    LockSupport.parkNanos(this, wait);
                    continue;
                }
            }
            {
                if (!flush())
                {
                    if (closing)
                    {
                        break;
                    }
                    park(retryIntervalNs);
                    continue;
                }
                writeFailedThisRead = false;
                read = ring.controlledRead(this, READ_LIMIT);
                if (appendedSinceCount > 0)
                {
                    counters.appended.add(appendedSinceCount);
                    appendedSinceCount = 0;
                }
                if (!flush() || writeFailedThisRead)
                {
                    if (closing)
                    {
                        break;
                    }
                    park(retryIntervalNs);
                    continue;
                }
                final long now = System.nanoTime(); // the loop's one clock read
                sync(closing, read == 0, now);
                if (now - lastRetentionNs >= RETENTION_CHECK_NS)
                {
                    lastRetentionNs = now;
                    applyRetention();
                }
            }
            if (closing && (ring.size() == 0 || !writable))
            {
                break;
            }
            if (read == 0)
            {
                emptyReads++;
                idle();
            }
            else
            {
                emptyReads = 0;
            }
        }
        sync(true, true, System.nanoTime());
        closeChannel();
    }

    @Override
    public Action onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final int recordBytes = SegmentFormat.FRAME_BYTES + length;
        final long id = buffer.getLong(index + RecordCodec.ID_OFFSET);
        if (writeBuffer.remaining() < recordBytes && !flush())
        {
            writeFailedThisRead = true;
            return Action.ABORT;
        }
        if (active == null || position + writeBuffer.position() + recordBytes > config.segmentBytes() &&
            position + writeBuffer.position() > SegmentFormat.HEADER_BYTES)
        {
            if (!flush() || !roll(id))
            {
                writeFailedThisRead = true;
                return Action.ABORT;
            }
        }
        ringView.limit(index + length).position(index);
        crc.reset();
        crc.update(ringView);
        ringView.position(index);
        writeBuffer.putInt(length).putInt((int)crc.getValue()).put(ringView);
        bufferedLastId = id;
        bufferedNewestTs = buffer.getLong(index + 8);
        nextPosition++;
        appendedSinceCount++;
        return Action.CONTINUE;
    }

    /** Writes the buffered records; on failure cuts any partial write and keeps them for a retry. */
    private boolean flush()
    {
        if (writeBuffer.position() == 0)
        {
            return true;
        }
        writeBuffer.flip();
        long p = position;
        try
        {
            while (writeBuffer.hasRemaining())
            {
                p += channel.write(writeBuffer, p);
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
            writeBuffer.position(writeBuffer.limit()).limit(writeBuffer.capacity());
            return false;
        }
        counters.writtenBytes.add(p - position);
        position = p;
        active.bytes = p;
        active.newestTimestampMs = bufferedNewestTs;
        writeBuffer.clear();
        writtenPosition = nextPosition;
        writtenId = bufferedLastId;
        if (!writable)
        {
            writable = true;
            failure = null;
        }
        return true;
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

    private long lastFailureNs;

    /**
     * Parks lingering or idle (see the class comment). The state is published before the ring and the sync request
     * are read again (volatile store, then volatile loads: a waker either sees the state or the writer sees its
     * data), so a wake-up is never lost; a linger ends by itself anyway.
     */
    private void idle()
    {
        final boolean linger = lingerNs > 0 && emptyReads <= LINGERS_BEFORE_IDLE;
        parkState = linger ? LINGERING : IDLE;
        final long requested = (long)REQUESTED_SYNC.getVolatile(this);
        final boolean syncDue = requested > durableId && writtenId > durableId &&
            (writtenId >= requested || emptyReads >= 2);
        if (ring.size() == 0 && !syncDue && !closed)
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
        parkState = RUNNING;
    }

    private void park(final long ns)
    {
        if (!closed)
        {
            LockSupport.parkNanos(this, ns);
        }
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
