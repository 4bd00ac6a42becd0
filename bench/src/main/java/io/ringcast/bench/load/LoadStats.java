package io.ringcast.bench.load;

import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Per-thread counters and latency histograms: each event-loop thread records into its own {@link Slot} with plain
 * writes; the main thread reads them only after the event loops have terminated (which orders the writes before the
 * reads), except {@link #deliveredSnapshot()} which is an approximate, racy progress read.
 *
 * <p>Every delivery is recorded, in the warm-up and after the window too, each phase into its own histogram: the
 * recording code is then compiled and hot when the window opens. (Recording only inside the window left that path
 * cold, and its first second was slower for the tool itself, for every server measured.)
 */
final class LoadStats
{
    /** One thread's share. Written only by its owning event-loop thread. */
    static final class Slot
    {
        /** By phase: {@link #WARMUP}, {@link #WINDOW}, {@link #AFTER}. */
        final Histogram[] latencyUs = {
            new Histogram(60_000_000L, 3), new Histogram(60_000_000L, 3), new Histogram(60_000_000L, 3)};
        /** By phase, the longest latency recorded in each second of it. */
        final long[][] maxUsBySecond = new long[3][MAX_SECONDS];
        /** By phase, the deliveries recorded. */
        final long[] recorded = new long[3];
        volatile long delivered;
        long duplicated;
    }

    static final int WARMUP = 0;
    static final int WINDOW = 1;
    static final int AFTER = 2;

    /** Seconds of the measured window that get their own maximum; later seconds count in the last. */
    static final int MAX_SECONDS = 3_600;

    private final List<Slot> slots = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Slot> local = ThreadLocal.withInitial(() ->
    {
        final Slot s = new Slot();
        slots.add(s);
        return s;
    });
    private volatile int phase = WARMUP;
    private volatile long phaseSinceNs = System.nanoTime();

    Slot slot()
    {
        return local.get();
    }

    /** The warm-up starts now (its seconds count from here); the main thread calls it before publishing. */
    void warmupStarts()
    {
        phaseSinceNs = System.nanoTime();
    }

    /** Opens ({@code true}) or closes the measured window; the main thread calls it once each way. */
    void measuring(final boolean on)
    {
        phaseSinceNs = System.nanoTime();
        phase = on ? WINDOW : AFTER;
    }

    /** Records one latency into the current phase: the thread's histogram and its maximum for the current second. */
    void record(final Slot slot, final long nowNs, final long latencyUs)
    {
        final int p = phase;
        slot.recorded[p]++;
        slot.latencyUs[p].recordValue(latencyUs);
        final int second = (int)Math.min(MAX_SECONDS - 1, Math.max(0, (nowNs - phaseSinceNs) / 1_000_000_000L));
        final long[] max = slot.maxUsBySecond[p];
        if (latencyUs > max[second])
        {
            max[second] = latencyUs;
        }
    }

    /**
     * @param seconds how many seconds the window lasted.
     * @return the longest latency of each second, in ms, over every thread. Call after the event loops terminated.
     */
    double[] maxMsBySecond(final int seconds)
    {
        return maxMsBySecond(WINDOW, seconds);
    }

    /**
     * @param phase   {@link #WARMUP}, {@link #WINDOW} or {@link #AFTER}.
     * @param seconds how many seconds of it to report.
     * @return the longest latency of each second of the phase, in ms, over every thread. Call after the event loops
     * terminated.
     */
    double[] maxMsBySecond(final int phase, final int seconds)
    {
        final double[] max = new double[Math.min(seconds, MAX_SECONDS)];
        for (final Slot s : slots)
        {
            for (int i = 0; i < max.length; i++)
            {
                max[i] = Math.max(max[i], s.maxUsBySecond[phase][i] / 1000.0);
            }
        }
        return max;
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
        slots.forEach(s -> all.add(s.latencyUs[WINDOW]));
        return all;
    }

    long deliveredMeasured()
    {
        return slots.stream().mapToLong(s -> s.recorded[WINDOW]).sum();
    }

    long duplicated()
    {
        return slots.stream().mapToLong(s -> s.duplicated).sum();
    }
}
