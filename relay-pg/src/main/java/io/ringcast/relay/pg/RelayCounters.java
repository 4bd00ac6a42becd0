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
    /** Writer thread. */
    final AtomicLong writeFailures = new AtomicLong();
    /** Reader thread: other nodes' rows re-injected. */
    final AtomicLong rowsRead = new AtomicLong();
    /** Reader thread: tries that found the ring full. */
    final AtomicLong ringFullRetries = new AtomicLong();
    /** Reader thread. */
    final AtomicLong lagMs = new AtomicLong();
    /** Reader and writer threads. */
    final AtomicLong reconnects = new AtomicLong();
    /** Reader thread: NOTIFYs of this node's own batches that did not make the reader read. */
    final AtomicLong ownNotifiesSkipped = new AtomicLong();
    /** Reader thread: times the reader found the pruner ahead of its cursor. */
    final AtomicLong gaps = new AtomicLong();
    /** Pruner thread. */
    final AtomicLong rowsPruned = new AtomicLong();

    void report(final MetricSink sink, final long buffered)
    {
        sink.counter("relay_batches_written_total", "outbox batches (rows + NOTIFY) committed", batchesWritten.get());
        sink.counter("relay_rows_written_total", "local events written to the outbox", rowsWritten.get());
        sink.counter("relay_dropped_writes_total",
            "local events not relayed because the writer buffer was full", droppedWrites.get());
        sink.counter("relay_write_failures_total", "outbox batches that failed and were retried",
            writeFailures.get());
        sink.counter("relay_rows_read_total", "other nodes' events re-injected from the outbox", rowsRead.get());
        sink.counter("relay_ring_full_retries_total", "re-injections retried because the ring was full",
            ringFullRetries.get());
        sink.gauge("relay_lag_ms", "origin publish to local re-injection, last relayed event", lagMs.get());
        sink.counter("relay_own_notifies_skipped_total",
            "NOTIFYs of this node's own batches that needed no outbox read", ownNotifiesSkipped.get());
        sink.counter("relay_reconnects_total", "PostgreSQL reconnections by the writer and the reader",
            reconnects.get());
        sink.counter("relay_gaps_total", "times the reader fell behind retention", gaps.get());
        sink.counter("relay_rows_pruned_total", "outbox rows deleted by retention", rowsPruned.get());
        sink.gauge("relay_buffered_events", "local events not yet in the outbox (queued or in the batch being written)",
            buffered);
    }
}
