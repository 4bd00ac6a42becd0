package io.ringcast.journal;

import io.ringcast.engine.Event;
import io.ringcast.engine.EventStage;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.locks.LockSupport;

/**
 * The ring stage that hands every event to the journal's writer thread. It encodes each event's record into a batch
 * buffer of its own ({@code int bodyLength | int 0 | body}: the writer fills in the checksum) and copies the batch into
 * a bounded byte ring (Agrona {@link RingBuffer}) as one message, then wakes the writer if needed
 * ({@link JournalWriter#afterBatch}). Allocates nothing and makes no system call per event.
 *
 * <p>The hand-over (a ring claim, a copy, a commit and a fence) happens at the end of a dispatcher batch once the batch
 * holds {@value #HANDOVER_EVENTS} events or {@value #HANDOVER_BYTES} bytes, or its first event is a millisecond old
 * (by the events' own timestamps: no clock read), or a durable wait or a reader of the journal needs it; and whenever the dispatcher finds the
 * ring drained ({@link #onIdle}). So a busy engine whose batches hold one or two events pays it once per many events,
 * and an event never waits in this buffer longer than the dispatcher stays busy, a millisecond at most.
 *
 * <p>At the bound: while the writer is healthy a full ring makes the dispatcher wait for it (the disk sets the pace,
 * and the engine's ring pushes back on publishers); while the journal cannot write (disk full) the batch is not
 * journaled and its events are counted in {@code journal_dropped_events} instead, so delivery goes on; transports
 * refuse publishes while {@link Journal#isWritable()} is false. An event whose record is larger than the ring's
 * largest message (an eighth of the ring) is counted in {@code journal_oversized_events}.
 *
 * <p>Thread-safety: called only on the dispatcher thread.
 */
final class JournalStage implements EventStage
{
    private static final int MSG_TYPE = 1;
    /** A batch of at least this many events is handed over at the end of the dispatcher batch. */
    static final int HANDOVER_EVENTS = 256;
    /** A batch of at least this many bytes is handed over at the end of the dispatcher batch. */
    static final int HANDOVER_BYTES = 64 * 1024;

    private final RingBuffer ring;
    private final JournalWriter writer;
    private final JournalCounters counters;
    private final RecordCodec codec = new RecordCodec();
    /** Records of the current dispatcher batch; its capacity is the ring's largest message. */
    private final byte[] batch;
    private final UnsafeBuffer batchView;
    private int batchBytes;
    private int batchEvents;
    private long batchFirstId;
    private long batchLastId;
    private long batchFirstTimestampMs;
    private long batchLastTimestampMs;

    JournalStage(final RingBuffer ring, final JournalWriter writer, final JournalCounters counters)
    {
        this.ring = ring;
        this.writer = writer;
        this.counters = counters;
        this.batch = new byte[ring.maxMsgLength()];
        this.batchView = new UnsafeBuffer(batch);
    }

    @Override
    public void onEvent(final Event event, final boolean endOfBatch)
    {
        append(event);
        if (endOfBatch && batchEvents != 0)
        {
            writer.staged(batchLastId);
            if (batchEvents >= HANDOVER_EVENTS || batchBytes >= HANDOVER_BYTES ||
                batchLastTimestampMs != batchFirstTimestampMs || writer.requestedBeyond(batchFirstId))
            {
                handOverAndWake();
            }
        }
    }

    /** The dispatcher found the ring drained: whatever the batch holds goes to the writer now. */
    @Override
    public void onIdle()
    {
        if (batchEvents != 0)
        {
            handOverAndWake();
        }
    }

    private void handOverAndWake()
    {
        handOver();
        writer.afterBatch(); // fences after the ring's commit, then reads the writer's park state
    }

    private void append(final Event event)
    {
        final int bodyLength = codec.length(event);
        final int recordBytes = SegmentFormat.FRAME_BYTES + bodyLength;
        if (recordBytes > batch.length)
        {
            counters.oversized.increment();
            return;
        }
        if (batchBytes + recordBytes > batch.length)
        {
            handOver();
        }
        batchView.putInt(batchBytes, bodyLength, ByteOrder.LITTLE_ENDIAN); // the file's frame: length, checksum
        batchView.putInt(batchBytes + 4, 0, ByteOrder.LITTLE_ENDIAN);
        codec.encode(event, batch, batchBytes + SegmentFormat.FRAME_BYTES);
        if (batchEvents++ == 0)
        {
            batchFirstId = event.id();
            batchFirstTimestampMs = event.timestampMs();
        }
        batchBytes += recordBytes;
        batchLastId = event.id();
        batchLastTimestampMs = event.timestampMs();
    }

    /** Copies the batch into the ring as one message (waiting while the ring is full and the writer healthy). */
    private void handOver()
    {
        if (batchBytes == 0)
        {
            return;
        }
        int index;
        while ((index = ring.tryClaim(MSG_TYPE, batchBytes)) < 0)
        {
            if (!writer.isWritable() || writer.isClosed())
            {
                counters.dropped.add(batchEvents);
                clearBatch();
                return;
            }
            counters.bufferFullWaits.increment();
            VarHandle.fullFence();
            writer.wakeIfParked();
            LockSupport.parkNanos(20_000);
        }
        ring.buffer().putBytes(index, batch, 0, batchBytes);
        ring.commit(index);
        writer.enqueued(batchFirstId, batchLastId);
        clearBatch();
    }

    private void clearBatch()
    {
        batchBytes = 0;
        batchEvents = 0;
    }

    @Override
    public void onShutdown()
    {
        handOver();
        writer.wakeIfParked();
    }
}
