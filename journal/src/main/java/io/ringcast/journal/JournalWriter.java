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
 * <p>Thread-safety: {@link #run} on the writer thread only. {@link #enqueued} and {@link #wakeIfParked} on the
 * dispatcher thread; {@link #requestSync}, the id getters, {@link #isWritable} and {@link #close} on any thread.
 * Ids published to other threads ({@code writtenId}, {@code durableId}) are release stores.
 */
final class JournalWriter implements Runnable, ControlledMessageHandler
{
    private static final VarHandle REQUESTED_SYNC;
    private static final VarHandle ENQUEUED;
    private static final long IDLE_PARK_NS = 100_000_000L;
    /** Empty reads spent spinning, then yielding, before parking: a busy dispatcher then rarely pays an unpark. */
    private static final int SPIN_ROUNDS = 50;
    private static final int YIELD_ROUNDS = 50;

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

    private SegmentFile active;
    private FileChannel channel;
    /** File position after the last byte written to {@link #channel}. */
    private long position;
    private long bufferedLastId = -1;
    /** The position the next record gets. */
    private long nextPosition;
    private long bufferedNewestTs;
    private long lastSyncNs = System.nanoTime();
    private long lastRetentionMs;
    private boolean writeFailedThisRead;
    private int idleRounds;

    private volatile Thread thread;
    private volatile boolean parked;
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

    /** Dispatcher thread (after a full fence): unparks the writer if it is idle. */
    void wakeIfParked()
    {
        if (parked)
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
                read = ring.controlledRead(this, 4096);
                if (!flush() || writeFailedThisRead)
                {
                    if (closing)
                    {
                        break;
                    }
                    park(retryIntervalNs);
                    continue;
                }
                sync(closing, read == 0);
                applyRetention(false);
            }
            if (closing && (ring.size() == 0 || !writable))
            {
                break;
            }
            if (read == 0)
            {
                if (++idleRounds <= SPIN_ROUNDS)
                {
                    Thread.onSpinWait();
                }
                else if (idleRounds <= SPIN_ROUNDS + YIELD_ROUNDS)
                {
                    Thread.yield();
                }
                else
                {
                    idle();
                }
            }
            else
            {
                idleRounds = 0;
            }
        }
        sync(true, true);
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
        counters.appended.increment();
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
        applyRetention(true);
        return true;
    }

    /**
     * Syncs when forced, when the interval has passed, or when a requested id is written. A sync requested for an id
     * still on its way from the dispatcher waits for it (one sync per group instead of one for its first half and
     * another for the rest), unless the ring stayed empty for {@link #SPIN_ROUNDS} reads: then what is written is
     * synced, so an id that never reaches the journal cannot hold a waiter.
     */
    private void sync(final boolean force, final boolean drained)
    {
        final long written = writtenId;
        if (written <= durableId || channel == null)
        {
            return;
        }
        final long now = System.nanoTime();
        final long requested = (long)REQUESTED_SYNC.getVolatile(this);
        final boolean requestedWritten = requested > durableId &&
            (written >= requested || (drained && idleRounds >= SPIN_ROUNDS));
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
    private void applyRetention(final boolean now)
    {
        final long nowMs = System.currentTimeMillis();
        if (!now && nowMs - lastRetentionMs < 1_000)
        {
            return;
        }
        lastRetentionMs = nowMs;
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

    private void idle()
    {
        parked = true;
        final boolean syncDue = (long)REQUESTED_SYNC.getVolatile(this) > durableId && writtenId > durableId;
        if (ring.size() == 0 && !syncDue && !closed)
        {
            long parkNs = IDLE_PARK_NS;
            if (writtenId > durableId)
            {
                parkNs = Math.max(0, Math.min(parkNs, syncIntervalNs - (System.nanoTime() - lastSyncNs)));
            }
            if (parkNs > 0)
            {
                LockSupport.parkNanos(this, parkNs);
            }
        }
        parked = false;
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
