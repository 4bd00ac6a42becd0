package io.ringcast.bench.harness;

/**
 * What one step of offered load produced. {@code targetEventsPerSec <= 0} marks a saturated step: publish as fast as
 * possible; an event the peer refuses at the door (ring full) is retried after the {@code Idle} back-off, as a
 * blocking publish would, so a saturated step's delivered share counts only losses after the door.
 *
 * @param targetEventsPerSec offered rate asked for, events/s; 0 for saturated.
 * @param offered            events the publishers tried to publish.
 * @param refused            fixed rate: events refused at the door (ring full), which are lost; saturated: refused
 *                           attempts, each retried.
 * @param fanout             deliveries each event should produce.
 * @param delivered          deliveries the consumer received.
 * @param publishNs          time from the first to the last offer.
 * @param drainNs            time from the last offer until the consumer had everything (or went quiet).
 * @param peerDrops          drops the peer counted itself (its own unit; a cross-check only).
 */
public record StepResult(
    double targetEventsPerSec,
    long offered,
    long refused,
    int fanout,
    long delivered,
    long publishNs,
    long drainNs,
    long peerDrops)
{
    /** Pass criterion for a lossless step: under 0.1 % of deliveries lost. */
    public static final double MAX_LOSS = 0.001;
    /** Pass criterion: the publishers kept at least 95 % of the asked rate. */
    public static final double MIN_RATE_KEPT = 0.95;
    /** Pass criterion: the backlog left when publishing stopped drained within 10 % of the step. */
    public static final double MAX_DRAIN_SHARE = 0.10;

    public long expected()
    {
        return offered * fanout;
    }

    /** @return delivered / expected. */
    public double deliveredShare()
    {
        return expected() == 0 ? 0 : (double)delivered / expected();
    }

    public double loss()
    {
        return 1 - deliveredShare();
    }

    /** @return events/s the publishers actually offered. */
    public double offeredEventsPerSec()
    {
        return offered * 1e9 / Math.max(1, publishNs);
    }

    /** @return deliveries/s over publishing plus draining. */
    public double deliveriesPerSec()
    {
        return delivered * 1e9 / Math.max(1, publishNs + drainNs);
    }

    /** @return delivered events/s (deliveries / fanout) over publishing plus draining. */
    public double deliveredEventsPerSec()
    {
        return deliveriesPerSec() / fanout;
    }

    /** @return {@code true} for a fixed-rate step that was lossless and sustained (see the constants). */
    public boolean sustained()
    {
        return targetEventsPerSec > 0 &&
            loss() < MAX_LOSS &&
            offeredEventsPerSec() >= MIN_RATE_KEPT * targetEventsPerSec &&
            drainNs <= MAX_DRAIN_SHARE * publishNs;
    }

    @Override
    public String toString()
    {
        return String.format(
            "%s offered=%d (%.0f ev/s) refused=%d delivered=%d share=%.5f drain=%.1fms peerDrops=%d -> %s",
            targetEventsPerSec > 0 ? String.format("rate %.0f ev/s", targetEventsPerSec) : "saturated",
            offered, offeredEventsPerSec(), refused, delivered, deliveredShare(), drainNs / 1e6, peerDrops,
            targetEventsPerSec > 0 ? (sustained() ? "PASS" : "fail") : String.format("%.0f deliveries/s",
                deliveriesPerSec()));
    }
}
