package io.ringcast.bench;

import io.ringcast.bench.harness.SearchResult;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Secondary results of a throughput search, reported by JMH as plain values (not normalised by time): the summariser
 * reads them from the JSON. One instance per benchmark thread.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class ThroughputCounters
{
    /** Highest sustained offered rate with under 0.1 % loss, events/s. */
    public double losslessEventsPerSec;
    /** The same in deliveries/s. */
    public double losslessDeliveriesPerSec;
    /** Saturated run: delivered deliveries/s. */
    public double saturatedDeliveriesPerSec;
    /** Saturated run: delivered events/s (deliveries / fan-out). */
    public double saturatedEventsPerSec;
    /** Saturated run: share of offered deliveries that arrived, percent. */
    public double saturatedDeliveredPct;
    /** Bytes allocated by all threads per delivery over the search. */
    public double allocBytesPerDelivery;
    /** Deliveries during the search (to turn {@code -prof gc}'s bytes per invocation into bytes per delivery). */
    public double deliveries;
    /** The host's memory speed when the fork started, ms ({@code RigBenchmark#memWalkMs}). */
    public double memWalkMs;

    void record(final SearchResult r, final double memWalkMs)
    {
        this.memWalkMs = memWalkMs;
        losslessEventsPerSec = r.losslessEventsPerSec();
        losslessDeliveriesPerSec = r.losslessDeliveriesPerSec();
        saturatedDeliveriesPerSec = r.saturated().deliveriesPerSec();
        saturatedEventsPerSec = r.saturated().deliveredEventsPerSec();
        saturatedDeliveredPct = 100 * r.saturated().deliveredShare();
        allocBytesPerDelivery = r.bytesPerDelivery();
        deliveries = r.deliveries();
    }
}
