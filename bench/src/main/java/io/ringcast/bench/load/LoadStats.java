package io.ringcast.bench.load;

import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Per-thread counters and latency histogram: each event-loop thread records into its own {@link Slot} with plain
 * writes; the main thread reads them only after the event loops have terminated (which orders the writes before the
 * reads), except {@link #deliveredSnapshot()} which is an approximate, racy progress read.
 */
final class LoadStats
{
    /** One thread's share. Written only by its owning event-loop thread. */
    static final class Slot
    {
        final Histogram latencyUs = new Histogram(60_000_000L, 3);
        volatile long delivered;
        long deliveredMeasured;
        long duplicated;
    }

    private final List<Slot> slots = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Slot> local = ThreadLocal.withInitial(() ->
    {
        final Slot s = new Slot();
        slots.add(s);
        return s;
    });
    private volatile boolean measuring;

    Slot slot()
    {
        return local.get();
    }

    void measuring(final boolean on)
    {
        measuring = on;
    }

    boolean measuring()
    {
        return measuring;
    }

    long deliveredSnapshot()
    {
        long sum = 0;
        for (final Slot s : slots)
        {
            sum += s.delivered;
        }
        return sum;
    }

    Histogram latency()
    {
        final Histogram all = new Histogram(60_000_000L, 3);
        slots.forEach(s -> all.add(s.latencyUs));
        return all;
    }

    long deliveredMeasured()
    {
        return slots.stream().mapToLong(s -> s.deliveredMeasured).sum();
    }

    long duplicated()
    {
        return slots.stream().mapToLong(s -> s.duplicated).sum();
    }
}
