package io.ringcast.bench.harness;

import io.ringcast.bench.peer.Peers;
import io.ringcast.bench.peer.Workload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every in-memory peer the engine suite compares, through the same {@link Rig} as the benchmarks: at a rate far below
 * any peer's ceiling, every event reaches every subscriber, so a figure in the tables is never a broken adapter's.
 */
class InProcessPeersTest
{
    @ParameterizedTest
    @ValueSource(strings = {Peers.RINGCAST, Peers.RINGCAST_INLINE, Peers.RINGCAST_YIELDING, Peers.RINGCAST_NO_HISTORY,
        Peers.SUBMISSION_PUBLISHER, Peers.SHARING_BUS, Peers.REACTOR, Peers.DISRUPTOR_MINIMAL,
        Peers.DISRUPTOR_MINIMAL_BLOCKING})
    void shouldDeliverEveryEventToEverySubscriberBelowSaturation(final String peer)
    {
        final Workload workload = Workload.broadcast(16, 1);
        try (Rig rig = new Rig(peer, workload))
        {
            final StepResult step = rig.step(20_000, TimeUnit.MILLISECONDS.toNanos(200));

            assertTrue(step.offered() > 0, step.toString());
            assertEquals(0, step.refused(), step.toString());
            assertEquals(step.expected(), step.delivered(), step.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Peers.RINGCAST, Peers.RINGCAST_INLINE})
    void shouldRouteEachEventToTheOneSubscriberOfItsTopic(final String peer)
    {
        final Workload workload = Workload.routing(1_000);
        try (Rig rig = new Rig(peer, workload))
        {
            final StepResult step = rig.step(20_000, TimeUnit.MILLISECONDS.toNanos(200));

            assertEquals(1, step.fanout(), step.toString());
            assertEquals(step.expected(), step.delivered(), step.toString());
        }
    }
}
