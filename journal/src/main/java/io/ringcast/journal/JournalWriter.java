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
 * <p>Pacing: it never spins or yields (on a small machine that takes the cores the engine's threads need). After each
 * write, and when a read finds the ring empty, it parks <em>lingering</em> for at most the write interval
 * ({@link JournalConfig#writeInterval()}) unless the ring is an eighth full; the dispatcher wakes it early only when
 * the ring passes that mark or a durable wait needs an id it has just handed over. So a busy engine costs one
 * {@code write} per interval, however fast events come, instead of one wake-up (a system call on each side) or one
 * small write per dispatcher batch. After {@link #LINGERS_BEFORE_IDLE} empty lingers it parks <em>idle</em> and the
 * dispatcher wakes it at the end of its next batch.
 *
 * <p>Thread-safety: {@link #run} on the writer thread only. {@link #enqueued} and {@link #wakeIfParked} on the
 * dispatcher thread; {@link #requestSync}, the id getters, {@link #isWritable} and {@link #close} on any thread.
 * Ids published to other threads ({@code writtenId}, {@code durableId}) are release stores.
 */
final class JournalWriter implements Runnable, ControlledMessageHandler
{
    private static final VarHandle REQUESTED_SYNC;
    private static final VarHandle ENQUEUED;
    private static final VarHandle REQUESTED_WRITE;
    private static final VarHandle STAGED;
    private static final long IDLE_PARK_NS = 100_000_000L;
    private static final long RETENTION_CHECK_NS = 1_000_000_000L;
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
            REQUESTED_WRITE = lookup.findVarHandle(JournalWriter.class, "requestedWriteId", long.class);
            STAGED = lookup.findVarHandle(JournalWriter.class, "stagedId", long.class);
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
    private final WriterParking parking;

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
    /** The ring message a failed write interrupted (-1: none), and the offset of its first record not yet buffered. */
    private int partialMessageIndex = -1;
    private int partialMessageOffset;
    /** Reads in a row that found the ring empty. */
    private int emptyReads;
    /** Records framed since the counter was last updated (one counter update per read, not per record). */
    private long appendedSinceCount;

    private volatile Thread thread;
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
    @SuppressWarnings("unused") // accessed through REQUESTED_WRITE
    private volatile long requestedWriteId = -1;
    /** The newest id the dispatcher's stage has taken (handed over or still in its batch buffer). */
    private volatile long stagedId = -1;
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
        this.parking = new WriterParking(ring, ring.capacity() / 8, this::writePending, () -> LockSupport.unpark(thread));
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

    /** Dispatcher thread: the ids {@code firstId..lastId} are in the ring (a release store: no fence per batch). */
    void enqueued(final long firstId, final long lastId)
    {
        if (!enqueuedAny)
        {
            enqueuedAny = true;
            firstEnqueuedId = firstId;
        }
        ENQUEUED.setRelease(this, lastId);
    }

    /** @return the first id handed to this writer since the journal opened, or -1. */
    long firstEnqueuedId()
    {
        return firstEnqueuedId;
    }

    /** Any thread (after a full fence following its own store): unparks the writer if it is parked. */
    void wakeIfParked()
    {
        parking.wakeIfParked();
    }

    /**
     * Dispatcher thread, at the end of a batch: unparks the writer if it is idle, or lingering while the ring is past
     * the wake threshold or a durable wait needs what the batch handed over ({@link WriterParking#afterCommit}).
     * Allocates nothing; a fence, a volatile read and, at most, an unpark.
     */
    void afterBatch()
    {
        parking.afterCommit();
    }

    /**
     * Dispatcher thread: whether a durable wait or a reader asks for an id at or after {@code firstId} (then the batch
     * holding it is handed over at once). Two volatile reads.
     */
    boolean requestedBeyond(final long firstId)
    {
        return (long)REQUESTED_SYNC.getVolatile(this) >= firstId || (long)REQUESTED_WRITE.getVolatile(this) >= firstId;
    }

    /** Dispatcher thread, at the end of a batch: {@code id} is the newest id its stage has taken (a release store). */
    void staged(final long id)
    {
        STAGED.setRelease(this, id);
    }

    /** @return the newest id the dispatcher's stage has taken, written or not. */
    long stagedId()
    {
        return stagedId;
    }

    /**
     * Any thread: asks for {@code id} to be written (not synced) soon, for a reader that needs it; the dispatcher hands
     * its batch over and the writer is woken. Allocates nothing.
     */
    void requestWrite(final long id)
    {
        long current;
        do
        {
            current = (long)REQUESTED_WRITE.getVolatile(this);
            if (current >= id)
            {
                break;
            }
        }
        while (!REQUESTED_WRITE.compareAndSet(this, current, id));
        VarHandle.fullFence();
        wakeIfParked();
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
            emptyReads = read == 0 ? emptyReads + 1 : 0;
            idle(); // after a write too: one write per interval, not one per record the dispatcher adds meanwhile
        }
        sync(true, true, System.nanoTime());
        closeChannel();
    }

    /**
     * One ring message: a dispatcher batch of records, each {@code int bodyLength | int 0 | body}. Checksums and
     * buffers them one by one; when a write fails part-way, the records buffered so far stay buffered for the retry and
     * the message is read again from the first record not yet buffered.
     */
    @Override
    public Action onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final int end = index + length;
        int offset = index == partialMessageIndex ? partialMessageOffset : index;
        if (active != null && writeBuffer.remaining() >= end - offset &&
            position + writeBuffer.position() + (end - offset) <= config.segmentBytes())
        {
            return bufferWhole(buffer, offset, end);
        }
        while (offset < end)
        {
            final int bodyLength = buffer.getInt(offset, ByteOrder.LITTLE_ENDIAN);
            final int recordBytes = SegmentFormat.FRAME_BYTES + bodyLength;
            final int body = offset + SegmentFormat.FRAME_BYTES;
            final long id = buffer.getLong(body + RecordCodec.ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
            if (!makeRoom(recordBytes, id))
            {
                partialMessageIndex = index;
                partialMessageOffset = offset;
                writeFailedThisRead = true;
                return Action.ABORT;
            }
            ringView.limit(body + bodyLength).position(body);
            crc.reset();
            crc.update(ringView);
            ringView.position(body);
            writeBuffer.putInt(bodyLength).putInt((int)crc.getValue()).put(ringView);
            bufferedLastId = id;
            bufferedNewestTs = buffer.getLong(body + 8, ByteOrder.LITTLE_ENDIAN);
            nextPosition++;
            appendedSinceCount++;
            offset += recordBytes;
        }
        partialMessageIndex = -1;
        return Action.CONTINUE;
    }

    /**
     * The common case: the rest of the message fits in the write buffer and the segment. Checksums each record in
     * place (the frame's second int, left 0 by the dispatcher) and copies the frames in one piece.
     */
    private Action bufferWhole(final MutableDirectBuffer buffer, final int start, final int end)
    {
        int offset = start;
        int lastBody = -1;
        int records = 0;
        while (offset < end)
        {
            final int bodyLength = buffer.getInt(offset, ByteOrder.LITTLE_ENDIAN);
            final int body = offset + SegmentFormat.FRAME_BYTES;
            ringView.limit(body + bodyLength).position(body);
            crc.reset();
            crc.update(ringView);
            buffer.putInt(offset + 4, (int)crc.getValue(), ByteOrder.LITTLE_ENDIAN);
            lastBody = body;
            records++;
            offset = body + bodyLength;
        }
        ringView.limit(end).position(start);
        writeBuffer.put(ringView);
        bufferedLastId = buffer.getLong(lastBody + RecordCodec.ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
        bufferedNewestTs = buffer.getLong(lastBody + 8, ByteOrder.LITTLE_ENDIAN);
        nextPosition += records;
        appendedSinceCount += records;
        partialMessageIndex = -1;
        return Action.CONTINUE;
    }

    /** Makes room for a record: writes the buffer when it is full, rolls the segment when the record would not fit. */
    private boolean makeRoom(final int recordBytes, final long id)
    {
        if (writeBuffer.remaining() < recordBytes && !flush())
        {
            return false;
        }
        final boolean rollDue = active == null || position + writeBuffer.position() + recordBytes > config.segmentBytes() &&
            position + writeBuffer.position() > SegmentFormat.HEADER_BYTES;
        return !rollDue || flush() && roll(id);
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
