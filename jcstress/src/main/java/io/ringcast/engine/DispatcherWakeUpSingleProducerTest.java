package io.ringcast.engine;

import com.lmax.disruptor.RingBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The dispatcher wake-up with a single-producer ring: the publisher claims and publishes with plain and release
 * stores, so its signal fences before it reads the idle flag; the dispatcher marks itself idle, fences and re-checks
 * the cursor. Exactly one side keeps the wake-up (driven runner, compare-and-set signal).
 */
@JCStressTest
@Description("single producer: publish + fenced signal vs mark idle + re-check: one wake-up, never none, never two")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the publisher woke the driver")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the dispatcher saw the event and dispatches again")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "lost wake-up: an event sits in the ring, the dispatcher sleeps")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "two runs of the dispatcher at once")
@State
public class DispatcherWakeUpSingleProducerTest
{
    private final AtomicInteger wakeUps = new AtomicInteger();
    private final DispatcherWaitStrategy strategy =
        new DispatcherWaitStrategy(WaitStrategyKind.BLOCKING, 1_000, wakeUps::incrementAndGet, false);
    private final RingBuffer<Event> ring = RingBuffer.createSingleProducer(Event::new, 8, strategy);

    public DispatcherWakeUpSingleProducerTest()
    {
        strategy.driverBusy(); // a dispatch pass is running
    }

    @Actor
    public void publisher()
    {
        ring.publish(ring.next());
    }

    @Actor
    public void dispatcher(final II_Result r)
    {
        r.r2 = strategy.driverIdle(0, ring) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(final II_Result r)
    {
        r.r1 = wakeUps.get();
    }
}
