package io.ringcast.bench;

import org.HdrHistogram.Histogram;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Secondary results of the latency benchmark, microseconds from intended send time to consumer hand-off. One instance
 * per benchmark thread.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class LatencyCounters
{
    public double p50Us;
    public double p99Us;
    public double p999Us;
    public double maxUs;
    /** Deliveries lost during the measurement, percent. */
    public double lossPct;
    /** Deliveries recorded in the histogram. */
    public double recorded;
    /** The host's memory speed when the fork started, ms ({@code RigBenchmark#memWalkMs}). */
    public double memWalkMs;

    void record(final Histogram h, final double lossPct, final double memWalkMs)
    {
        this.memWalkMs = memWalkMs;
        p50Us = h.getValueAtPercentile(50) / 1e3;
        p99Us = h.getValueAtPercentile(99) / 1e3;
        p999Us = h.getValueAtPercentile(99.9) / 1e3;
        maxUs = h.getMaxValue() / 1e3;
        recorded = h.getTotalCount();
        this.lossPct = lossPct;
    }
}
