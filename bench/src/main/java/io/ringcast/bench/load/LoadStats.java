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
        /** The longest latency recorded in each second of the window, by second. */
        final long[] maxUsBySecond = new long[MAX_SECONDS];
        volatile long delivered;
        long deliveredMeasured;
        long duplicated;
    }

    /** Seconds of the measured window that get their own maximum; later seconds count in the last. */
    static final int MAX_SECONDS = 3_600;

    private final List<Slot> slots = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Slot> local = ThreadLocal.withInitial(() ->
    {
        final Slot s = new Slot();
        slots.add(s);
        return s;
    });
    private volatile boolean measuring;
    private volatile long measuringSinceNs;

    Slot slot()
    {
        return local.get();
    }

    void measuring(final boolean on)
    {
        measuringSinceNs = System.nanoTime();
        measuring = on;
    }

    /** Records one measured latency: into the thread's histogram and its maximum for the current second. */
    void record(final Slot slot, final long nowNs, final long latencyUs)
    {
        slot.deliveredMeasured++;
        slot.latencyUs.recordValue(latencyUs);
        final int second = (int)Math.min(MAX_SECONDS - 1, Math.max(0, (nowNs - measuringSinceNs) / 1_000_000_000L));
        if (latencyUs > slot.maxUsBySecond[second])
        {
            slot.maxUsBySecond[second] = latencyUs;
        }
    }

    /**
     * @param seconds how many seconds the window lasted.
     * @return the longest latency of each second, in ms, over every thread. Call after the event loops terminated.
     */
    double[] maxMsBySecond(final int seconds)
    {
        final double[] max = new double[Math.min(seconds, MAX_SECONDS)];
        for (final Slot s : slots)
        {
            for (int i = 0; i < max.length; i++)
            {
                max[i] = Math.max(max[i], s.maxUsBySecond[i] / 1000.0);
            }
        }
        return max;
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
