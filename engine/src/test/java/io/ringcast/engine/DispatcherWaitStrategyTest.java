package io.ringcast.engine;

import com.lmax.disruptor.RingBuffer;
import org.junit.jupiter.api.Test;

import io.ringcast.test.Await;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The own-thread runner's idle phases ({@link DispatcherWaitStrategy#idle}): spin, yield unless parks have been long,
 * park. {@code idle} returns the cycle count plus one after a spin or a yield and the count unchanged after a park.
 */
class DispatcherWaitStrategyTest
{
    private static final int AFTER_SPINS = DispatcherWaitStrategy.SPIN_TRIES;
    private static final int PARK_STAGE = AFTER_SPINS + DispatcherWaitStrategy.YIELD_TRIES;

    /** Parks last at most the housekeeping interval: 5 ms, far longer than the yields would have waited. */
    private final DispatcherWaitStrategy blocking = new DispatcherWaitStrategy(WaitStrategyKind.BLOCKING, 5, null, true);
    private final RingBuffer<long[]> ring = RingBuffer.createMultiProducer(() -> new long[1], 16, blocking);

    @Test
    void shouldSpinThenYieldBeforeTheFirstPark()
    {
        assertEquals(1, blocking.idle(0, 0, ring), "spin");
        assertEquals(AFTER_SPINS + 1, blocking.idle(AFTER_SPINS, 0, ring), "yield");
    }

    @Test
    void shouldSkipTheYieldsAfterTwoLongParksAndYieldAgainAfterAShortOne()
    {
        assertEquals(PARK_STAGE, blocking.idle(PARK_STAGE, 0, ring), "long park");
        assertEquals(AFTER_SPINS + 1, blocking.idle(AFTER_SPINS, 0, ring), "one long park: still yields");
        assertEquals(PARK_STAGE, blocking.idle(PARK_STAGE, 0, ring), "second long park");
        assertEquals(AFTER_SPINS, blocking.idle(AFTER_SPINS, 0, ring), "parks right after the spins (a long park)");

        LockSupport.unpark(Thread.currentThread()); // a permit: the next park ends at once, as a prompt publish would
        assertEquals(AFTER_SPINS, blocking.idle(AFTER_SPINS, 0, ring), "parked, woken at once");
        assertEquals(AFTER_SPINS + 1, blocking.idle(AFTER_SPINS, 0, ring), "after a short park the yields come back");
    }

    @Test
    void shouldKeepTheYieldsWhenAnIdlePeriodEndedWhileYielding()
    {
        assertEquals(PARK_STAGE, blocking.idle(PARK_STAGE, 0, ring), "long park");
        assertEquals(AFTER_SPINS + 1, blocking.idle(AFTER_SPINS, 0, ring), "yield");
        assertEquals(1, blocking.idle(0, 0, ring), "a new idle period: the last one's yields found work");
        assertEquals(PARK_STAGE, blocking.idle(PARK_STAGE, 0, ring), "long park, the first since");

        assertEquals(AFTER_SPINS + 1, blocking.idle(AFTER_SPINS, 0, ring), "still yields");
    }

    @Test
    void shouldNotParkWhenAnEventIsPublished()
    {
        ring.publish(ring.next());

        assertEquals(PARK_STAGE, blocking.idle(PARK_STAGE, 0, ring), "back to the duty cycle without parking");
        assertEquals(AFTER_SPINS + 1, blocking.idle(AFTER_SPINS, 0, ring), "no park: the yields stay");
    }

    @Test
    void shouldAlwaysYieldWithTheYieldingStrategy()
    {
        final DispatcherWaitStrategy yielding = new DispatcherWaitStrategy(WaitStrategyKind.YIELDING, 5, null, true);
        final RingBuffer<long[]> yieldingRing = RingBuffer.createMultiProducer(() -> new long[1], 16, yielding);

        assertEquals(1_001, yielding.idle(1_000, 0, yieldingRing));
    }

    @Test
    void shouldParkRightAfterTheSpinsWithThePublisherAssistedStrategy()
    {
        final DispatcherWaitStrategy assisted = new DispatcherWaitStrategy(
            WaitStrategyKind.PUBLISHER_ASSISTED, 5, null, true);
        final RingBuffer<long[]> assistedRing = RingBuffer.createMultiProducer(() -> new long[1], 16, assisted);

        assertEquals(AFTER_SPINS, assisted.idle(AFTER_SPINS, 0, assistedRing), "no yield: parked for the interval");
        assertEquals(DispatcherWaitStrategy.RUNNING, assisted.state(), "the timeout gives the thread the flag back");
    }

    @Test
    void shouldStayParkedWhilePublishersRunTheDutyCycleInline() throws Exception
    {
        final DispatcherWaitStrategy assisted = new DispatcherWaitStrategy(
            WaitStrategyKind.PUBLISHER_ASSISTED, 300, null, true);
        final RingBuffer<long[]> assistedRing = RingBuffer.createMultiProducer(() -> new long[1], 1024, assisted);
        final long[] taken = {-1};
        final Set<Thread> runners = ConcurrentHashMap.newKeySet();
        assisted.assistWith(new DispatcherWaitStrategy.DutyCycle()
        {
            @Override
            public int doWork()
            {
                runners.add(Thread.currentThread());
                int n = 0;
                while (assistedRing.isAvailable(taken[0] + 1))
                {
                    taken[0]++;
                    n++;
                }
                return n;
            }

            @Override
            public long nextSequence()
            {
                return taken[0] + 1;
            }

            @Override
            public RingBuffer<?> ring()
            {
                return assistedRing;
            }
        });
        final CountDownLatch returned = new CountDownLatch(1);
        final Thread dispatcher = new Thread(() ->
        {
            assisted.idle(AFTER_SPINS, 0, assistedRing);
            returned.countDown();
        }, "dispatcher");
        dispatcher.start();
        Await.until(() -> assisted.state() == DispatcherWaitStrategy.PARKED, () -> "the thread did not park");

        // publishes every millisecond for two housekeeping intervals: each runs inline, and each time the parked
        // thread's interval ends it finds an inline run within it and parks again
        for (int i = 0; i < 700; i++)
        {
            assistedRing.publish(assistedRing.next());
            LockSupport.parkNanos(1_000_000);
        }
        assertEquals(1, returned.getCount(), "the thread stayed parked");
        assertEquals(Set.of(Thread.currentThread()), runners, "every event dispatched on the publishing thread");
        assertEquals(699, taken[0]);

        // publishers gone quiet: within an interval or two the thread takes the flag back
        assertTrue(returned.await(10, TimeUnit.SECONDS), "the thread took the dispatcher back");
        assertEquals(DispatcherWaitStrategy.RUNNING, assisted.state());
        dispatcher.join();
    }
}
