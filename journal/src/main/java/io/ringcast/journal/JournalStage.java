package io.ringcast.journal;

import io.ringcast.engine.Event;
import io.ringcast.engine.EventStage;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The ring stage that hands every event to the journal's writer thread: it encodes the event's record body straight
 * into a bounded byte ring (Agrona {@link RingBuffer}) and, at the end of each batch, wakes the writer if it is idle
 * (or lingering while the ring fills or a durable wait needs the batch: see {@link JournalWriter}). Allocates
 * nothing and makes no system call per event.
 *
 * <p>At the bound: while the writer is healthy a full ring makes the dispatcher wait for it (the disk sets the pace,
 * and the engine's ring pushes back on publishers); while the journal cannot write (disk full) the event is not
 * journaled and counted in {@code journal_dropped_events} instead, so delivery goes on; transports refuse publishes
 * while {@link Journal#isWritable()} is false. An event larger than the ring's largest message is counted in
 * {@code journal_oversized_events}.
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

    JournalStage(final RingBuffer ring, final JournalWriter writer, final JournalCounters counters)
    {
        this.ring = ring;
        this.writer = writer;
        this.counters = counters;
    }

    @Override
    public void onEvent(final Event event, final boolean endOfBatch)
    {
        append(event);
        if (endOfBatch)
        {
            VarHandle.fullFence(); // the ring's commits before reading the writer's park state
            writer.afterBatch();
        }
    }

    private void append(final Event event)
    {
        final int length = codec.length(event);
        if (length > ring.maxMsgLength())
        {
            counters.oversized.increment();
            return;
        }
        int index;
        while ((index = ring.tryClaim(MSG_TYPE, length)) < 0)
        {
            if (!writer.isWritable() || writer.isClosed())
            {
                counters.dropped.increment();
                return;
            }
            counters.bufferFullWaits.increment();
            VarHandle.fullFence();
            writer.wakeIfParked();
            LockSupport.parkNanos(20_000);
        }
        codec.encode(event, ring.buffer(), index);
        ring.commit(index);
        writer.enqueued(event.id());
    }

    @Override
    public void onShutdown()
    {
        writer.wakeIfParked();
    }
}
