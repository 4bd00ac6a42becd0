package io.ringcast.bench.peer;

import org.HdrHistogram.Histogram;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Where every peer hands the events its consumer drains: counts them and, when latency is recorded, records
 * {@code now - intended send time} into an HdrHistogram.
 *
 * <p>Thread-safety: {@link #accept(int)} and {@link #flush()} belong to the single consumer thread. {@link #stamps()}
 * slots are written by the publisher before the event is offered (the peer's hand-off orders the store before the
 * consumer's read). {@link #delivered()} and the histogram swap are safe from any thread: the count is published
 * with a release store at every {@link #flush()}; {@link #takeHistogram()} must only be called while the consumer is
 * quiet.
 */
public final class Sink
{
    private final long[] stamps;
    private final int stampMask;
    private final AtomicLong published = new AtomicLong();
    private long delivered;
    private volatile boolean recording;
    private Histogram histogram = newHistogram();

    public Sink(final int stampSlots)
    {
        this.stamps = new long[stampSlots];
        this.stampMask = stampSlots - 1;
    }

    /** Consumer thread: one event delivered; {@code stamp} indexes its intended send time. */
    public void accept(final int stamp)
    {
        delivered++;
        if (recording)
        {
            final long latency = System.nanoTime() - stamps[stamp & stampMask];
            histogram.recordValue(Math.max(0, Math.min(latency, histogram.getHighestTrackableValue())));
        }
    }

    /** Consumer thread: make the count visible (release). Call after each drained batch. */
    public void flush()
    {
        published.lazySet(delivered);
    }

    /** @return events delivered so far, as of the last {@link #flush()}. */
    public long delivered()
    {
        return published.get();
    }

    /** Publisher threads write intended send times (System.nanoTime) here, at {@code stamp & mask}. */
    public long[] stamps()
    {
        return stamps;
    }

    public int stampMask()
    {
        return stampMask;
    }

    /** Starts or stops latency recording. */
    public void recording(final boolean on)
    {
        recording = on;
    }

    /** @return the histogram so far, replaced by an empty one. Call while nothing is being delivered. */
    public Histogram takeHistogram()
    {
        final Histogram h = histogram;
        histogram = newHistogram();
        return h;
    }

    private static Histogram newHistogram()
    {
        return new Histogram(60_000_000_000L, 3);
    }
}
