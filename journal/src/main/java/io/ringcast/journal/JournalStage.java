package io.ringcast.journal;

import io.ringcast.engine.Event;
import io.ringcast.engine.EventStage;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The ring stage that hands every event to the journal's writer thread. It encodes each event's record into a batch
 * buffer of its own ({@code int bodyLength | int 0 | body}: the writer fills in the checksum), and at the end of each
 * dispatcher batch copies the whole batch into a bounded byte ring (Agrona {@link RingBuffer}) as one message and, if
 * needed, wakes the writer ({@link JournalWriter#afterBatch}). Allocates nothing and makes no system call per event;
 * the ring's claim, commit and release store happen once per batch.
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
        if (endOfBatch)
        {
            handOver();
            writer.afterBatch(); // fences after the ring's commit, then reads the writer's park state
        }
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
        batchView.putInt(batchBytes, bodyLength);
        batchView.putInt(batchBytes + 4, 0);
        codec.encode(event, batch, batchBytes + SegmentFormat.FRAME_BYTES);
        if (batchEvents++ == 0)
        {
            batchFirstId = event.id();
        }
        batchBytes += recordBytes;
        batchLastId = event.id();
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
