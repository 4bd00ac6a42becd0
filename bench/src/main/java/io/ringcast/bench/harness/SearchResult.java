package io.ringcast.bench.harness;

/**
 * Outcome of {@link Rig#searchLossless}.
 *
 * @param saturated                the saturated step.
 * @param losslessEventsPerSec     highest sustained offered rate found (0 when none was).
 * @param losslessDeliveriesPerSec the same times the fan-out.
 * @param steps                    steps run, the saturated one included.
 * @param allocatedBytes           bytes allocated by all threads during the search.
 * @param deliveries               deliveries during the search.
 */
public record SearchResult(
    StepResult saturated,
    double losslessEventsPerSec,
    double losslessDeliveriesPerSec,
    int steps,
    long allocatedBytes,
    long deliveries)
{
    /** @return bytes allocated per delivery over the whole search (all threads: publisher, peer, consumer). */
    public double bytesPerDelivery()
    {
        return deliveries == 0 ? Double.NaN : (double)allocatedBytes / deliveries;
    }
}
