package io.ringcast.engine;

import com.lmax.disruptor.InsufficientCapacityException;
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
 * The dispatcher wake-up with a multi-producer ring: a publisher claims a slot (the sequencer's atomic update of the
 * cursor, its only StoreLoad barrier), publishes it and signals (a plain volatile read of the idle flag, no fence)
 * while the dispatcher finishes a pass, marks itself idle, fences and re-checks the cursor. Exactly one side keeps
 * the wake-up. Run with a driver (the driven runner), where the signal is a compare-and-set; the parking runner uses
 * the same flag protocol. {@link DispatcherWakeUpSingleProducerTest} covers the single-producer ring, whose signal
 * fences.
 */
@JCStressTest
@Description("publish + signal vs mark idle + re-check: one wake-up, never none, never two")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the publisher woke the driver")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the dispatcher saw the event and dispatches again")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "lost wake-up: an event sits in the ring, the dispatcher sleeps")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "two runs of the dispatcher at once")
@State
public class DispatcherWakeUpTest
{
    private final AtomicInteger wakeUps = new AtomicInteger();
    private final DispatcherWaitStrategy strategy =
        new DispatcherWaitStrategy(WaitStrategyKind.BLOCKING, 1_000, wakeUps::incrementAndGet, true);
    private final RingBuffer<Event> ring = RingBuffer.createMultiProducer(Event::new, 8, strategy);

    public DispatcherWakeUpTest()
    {
        strategy.driverBusy(); // a dispatch pass is running
    }

    @Actor
    public void publisher()
    {
        try
        {
            ring.publish(ring.tryNext()); // as Engine.tryPublish: the claim is a compare-and-set
        }
        catch (final InsufficientCapacityException e)
        {
            throw new IllegalStateException(e); // not reached: one claim in a ring of 8
        }
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
