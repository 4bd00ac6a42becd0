package io.ringcast.relay.pg;

import io.ringcast.engine.spi.MetricSink;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The relay's figures. Each counter has a single writing thread (named beside it) and is read from any thread;
 * {@link AtomicLong} gives the readers a consistent value without locks.
 */
final class RelayCounters
{
    /** Writer thread. */
    final AtomicLong batchesWritten = new AtomicLong();
    /** Writer thread. */
    final AtomicLong rowsWritten = new AtomicLong();
    /** Dispatcher thread: local events the writer's queue could not take. */
    final AtomicLong droppedWrites = new AtomicLong();
    /** Times the writer found events of this node deleted from the journal before it had copied them. */
    final AtomicLong journalGaps = new AtomicLong();
    /** Local events a writer without a journal still held when it stopped (PostgreSQL down at close). */
    final AtomicLong lostAtClose = new AtomicLong();
    /** Writer thread. */
    final AtomicLong writeFailures = new AtomicLong();
    /** Reader thread: other nodes' rows re-injected. */
    final AtomicLong rowsRead = new AtomicLong();
    /** Reader thread: tries that found the ring full. */
    final AtomicLong ringFullRetries = new AtomicLong();
    /**
     * Reader thread: age of the oldest committed event of another node not yet relayed (0 when caught up), as of
     * {@link #headCheckedAtMs}.
     */
    final AtomicLong lagMs = new AtomicLong();
    /** Reader thread: when the reader last compared its cursor with the outbox's head. */
    final AtomicLong headCheckedAtMs = new AtomicLong(System.currentTimeMillis());
    /** How often the reader compares its cursor with the head; a check older than twice this adds to the lag. */
    static final long HEAD_CHECK_INTERVAL_MS = 500;
    /** Set by the reader from its poll interval: a head check older than this is overdue. */
    volatile long headCheckOverdueMs = 2 * HEAD_CHECK_INTERVAL_MS + 1000;

    /**
     * @return the relay's lag against the head: the measured age of the oldest unrelayed event, growing by the time
     *         since the last measurement once that is overdue (reader disconnected or stuck), so a stall shows.
     */
    long lagAgainstHeadMs()
    {
        final long overdue = System.currentTimeMillis() - headCheckedAtMs.get() - headCheckOverdueMs;
        return lagMs.get() + Math.max(0, overdue);
    }
    /** Reader and writer threads. */
    final AtomicLong reconnects = new AtomicLong();
    /** Reader thread: NOTIFYs of this node's own batches that did not make the reader read. */
    final AtomicLong ownNotifiesSkipped = new AtomicLong();
    /** Reader thread: times the reader found the pruner ahead of its cursor. */
    final AtomicLong gaps = new AtomicLong();
    /** Pruner thread. */
    final AtomicLong rowsPruned = new AtomicLong();
    /** Resume threads: cross-node resumes served from memory while PostgreSQL was unreachable. */
    final AtomicLong memoryResumes = new AtomicLong();
    /** Resume threads: cross-node resumes refused at once while PostgreSQL was unreachable. */
    final AtomicLong resumesRefused = new AtomicLong();
    /** Pruner and writer threads: outbox partitions made ahead of need. */
    final AtomicLong partitionsCreated = new AtomicLong();
    /** Writer thread: partitions made because an insert found none for its rows (the pruners fell behind). */
    final AtomicLong partitionsCreatedOnDemand = new AtomicLong();
    /** Pruner thread: expired partitions dropped whole. */
    final AtomicLong partitionsDropped = new AtomicLong();

    void report(final MetricSink sink, final long buffered)
    {
        sink.counter("relay_batches_written_total", "outbox batches (rows + NOTIFY) committed", batchesWritten.get());
        sink.counter("relay_rows_written_total", "local events written to the outbox", rowsWritten.get());
        sink.counter("relay_dropped_writes_total",
            "local events not relayed because the writer buffer was full", droppedWrites.get());
        sink.counter("relay_journal_gaps_total", "times the writer fell behind the journal's retention: events of " +
            "this node deleted from the journal before they reached the outbox", journalGaps.get());
        sink.counter("relay_lost_at_close_events_total", "local events a writer without a journal still held when " +
            "it stopped", lostAtClose.get());
        sink.counter("relay_write_failures_total", "outbox batches that failed and were retried",
            writeFailures.get());
        sink.counter("relay_rows_read_total", "other nodes' events re-injected from the outbox", rowsRead.get());
        sink.counter("relay_ring_full_retries_total", "re-injections retried because the ring was full",
            ringFullRetries.get());
        sink.gauge("relay_lag_ms", "age of the oldest committed event of another node not yet relayed here (0 when " +
            "caught up; grows while the reader cannot look)", lagAgainstHeadMs());
        sink.counter("relay_own_notifies_skipped_total",
            "NOTIFYs of this node's own batches that needed no outbox read", ownNotifiesSkipped.get());
        sink.counter("relay_reconnects_total", "PostgreSQL reconnections by the writer and the reader",
            reconnects.get());
        sink.counter("relay_gaps_total", "times the reader fell behind retention", gaps.get());
        sink.counter("relay_rows_pruned_total", "outbox rows deleted by retention", rowsPruned.get());
        sink.counter("relay_resumes_from_memory_total", "cross-node resumes served from this node's memory while " +
            "PostgreSQL was unreachable", memoryResumes.get());
        sink.counter("relay_resumes_refused_total", "cross-node resumes refused (retry later) while PostgreSQL was " +
            "unreachable and memory did not provably cover them", resumesRefused.get());
        sink.counter("relay_partitions_created_total", "outbox partitions created ahead of need",
            partitionsCreated.get());
        sink.counter("relay_partitions_created_on_demand_total",
            "outbox partitions created because a write found none for its rows", partitionsCreatedOnDemand.get());
        sink.counter("relay_partitions_dropped_total", "expired outbox partitions dropped whole",
            partitionsDropped.get());
        sink.gauge("relay_buffered_events", "local events not yet in the outbox (queued or in the batch being written)",
            buffered);
    }
}
