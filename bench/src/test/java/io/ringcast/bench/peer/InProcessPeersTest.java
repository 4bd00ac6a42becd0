package io.ringcast.bench.peer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every in-memory peer the engine suite compares delivers every event to every matching subscriber, so a figure in the
 * tables is never a broken adapter's. Fewer events than a subscriber queue holds are published before anything is
 * drained, so nothing may be dropped however the threads are scheduled; delivery is awaited with a deadline.
 */
class InProcessPeersTest
{
    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(30);

    @ParameterizedTest
    @ValueSource(strings = {Peers.RINGCAST, Peers.RINGCAST_INLINE, Peers.RINGCAST_YIELDING, Peers.RINGCAST_NO_HISTORY,
        Peers.SUBMISSION_PUBLISHER, Peers.SHARING_BUS, Peers.REACTOR, Peers.DISRUPTOR_MINIMAL,
        Peers.DISRUPTOR_MINIMAL_BLOCKING})
    void shouldDeliverEveryEventToEverySubscriber(final String peer)
    {
        final Workload broadcast = Workload.broadcast(16, 1);

        assertEverythingDelivered(peer, broadcast, Workload.DEFAULT_QUEUE_CAPACITY / 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {Peers.RINGCAST, Peers.RINGCAST_INLINE})
    void shouldRouteEachEventToTheOneSubscriberOfItsTopic(final String peer)
    {
        final Workload routing = Workload.routing(1_000);

        assertEverythingDelivered(peer, routing, 1_000); // one event per topic
    }

    private static void assertEverythingDelivered(final String name, final Workload workload, final int events)
    {
        final Sink sink = new Sink(workload.stampSlots());
        try (Peer peer = Peers.create(name))
        {
            peer.start(workload, sink);
            for (int i = 0; i < events; i++)
            {
                assertTrue(peer.offer(i % workload.topics(), i & (workload.stampSlots() - 1)), "refused event " + i);
            }
            final long expected = (long)events * workload.fanout();
            final long deadline = System.nanoTime() + DEADLINE_NS;
            while (sink.delivered() < expected && System.nanoTime() - deadline < 0)
            {
                if (peer.ownsConsumerThread())
                {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
                else
                {
                    peer.drainRound(64);
                    sink.flush();
                }
            }
            assertEquals(expected, sink.delivered(), peer.describe());
            assertEquals(0, peer.drops(), peer.describe());
        }
    }
}
