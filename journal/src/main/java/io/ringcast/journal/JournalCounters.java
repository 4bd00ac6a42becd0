package io.ringcast.journal;

import java.util.concurrent.atomic.LongAdder;

/** The journal's counters; each is written by one thread and read by any. Thread-safe. */
final class JournalCounters
{
    final LongAdder appended = new LongAdder();
    final LongAdder writtenBytes = new LongAdder();
    final LongAdder syncs = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder oversized = new LongAdder();
    final LongAdder bufferFullWaits = new LongAdder();
    final LongAdder writeFailures = new LongAdder();
    final LongAdder segmentsDeleted = new LongAdder();
    final LongAdder corruptSegmentReads = new LongAdder();
    volatile long recoveredTruncatedBytes;
}
