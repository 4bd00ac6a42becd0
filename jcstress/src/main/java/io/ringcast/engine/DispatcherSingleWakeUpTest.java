package io.ringcast.engine;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two publishers signal an idle dispatcher at once: the first signal claims the idle flag by compare-and-set and wakes
 * it, the other sees the flag cleared and makes no wake-up call. The parking runner and the driven runner share this
 * claim (the parking runner's wake-up is {@code unpark}, which a test cannot count; the driven runner's is the
 * driver's {@code wakeup()}, counted here). {@link DispatcherWakeUpTest} covers the signal against the dispatcher
 * going idle.
 */
@JCStressTest
@Description("two signals while idle: exactly one wake-up")
@Outcome(id = "1", expect = ACCEPTABLE, desc = "one publisher woke the dispatcher, the other saw it awake")
@Outcome(id = "0", expect = FORBIDDEN, desc = "lost wake-up")
@Outcome(id = "2", expect = FORBIDDEN, desc = "a wake-up per publish")
@State
public class DispatcherSingleWakeUpTest
{
    private final AtomicInteger wakeUps = new AtomicInteger();
    /** A driven dispatcher starts idle: the flag is set, as after a pass that found nothing to do. */
    private final DispatcherWaitStrategy strategy =
        new DispatcherWaitStrategy(WaitStrategyKind.BLOCKING, 1_000, wakeUps::incrementAndGet, true);

    @Actor
    public void firstPublisher()
    {
        strategy.signalAllWhenBlocking();
    }

    @Actor
    public void secondPublisher()
    {
        strategy.signalAllWhenBlocking();
    }

    @Arbiter
    public void arbiter(final I_Result r)
    {
        r.r1 = wakeUps.get();
    }
}
