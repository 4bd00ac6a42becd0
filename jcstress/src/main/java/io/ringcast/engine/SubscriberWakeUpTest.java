package io.ringcast.engine;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The empty-to-non-empty wake-up: the dispatcher queues a position, fences and wakes an armed consumer; the consumer,
 * having found its queue empty, arms itself and re-checks the queue. Exactly one side must take the event: the
 * listener is called once, or the consumer takes the wake-up back and drains again.
 */
@JCStressTest
@Description("dispatcher offer + fence + wake vs consumer arm + re-check: one wake-up, never none, never two")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the dispatcher called onAvailable")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the consumer saw the event while re-arming and drains again")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "lost wake-up: the event sits in the queue, nobody drains")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "double wake-up")
@State
public class SubscriberWakeUpTest
{
    private final AtomicInteger wakeUps = new AtomicInteger();
    private final Subscriber subscriber;

    public SubscriberWakeUpTest()
    {
        final SubscriptionListener listener = new SubscriptionListener()
        {
            @Override
            public void onAvailable()
            {
                wakeUps.incrementAndGet();
            }
        };
        subscriber = new Subscriber(null, 1, Filter.all(), SubscribeOptions.defaults().listener(listener), 16);
        subscriber.wake(); // a drain is under way: the consumer is not armed
        wakeUps.set(0);
    }

    @Actor
    public void dispatcher()
    {
        subscriber.offer(7);
        VarHandle.fullFence(); // as Dispatcher.endBatch: queue stores before reading armed
        subscriber.wake();
    }

    @Actor
    public void consumer(final II_Result r)
    {
        r.r2 = subscriber.rearm() ? 1 : 0;
    }

    @Arbiter
    public void arbiter(final II_Result r)
    {
        r.r1 = wakeUps.get();
    }
}
