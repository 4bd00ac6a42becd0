package io.ringcast.engine;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link WaitStrategyKind#PUBLISHER_ASSISTED}, a publish against the own thread going to park: the publisher claims,
 * publishes and signals (a publish that finds the flag {@code PARKED} takes it and runs the duty cycle inline); the
 * thread raises the flag, fences and re-checks ({@code prepareToPark}), and runs the duty cycle itself when it took
 * the dispatcher back. The event is taken exactly once, by one of them, and the duty cycle never runs on both at once;
 * an event left in the ring with the thread parked and nobody running would be a lost wake-up.
 *
 * <p>Result: events taken inline, events taken by the thread, 1 when the thread parked with the event left behind
 * (or the two runs overlapped).
 */
@JCStressTest
@Description("assisted publish vs the thread going to park: the event taken once, never left behind")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "the publisher found the thread parked and dispatched inline")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "the thread saw the event in its re-check and dispatched it")
@Outcome(id = ".*, .*, 1", expect = FORBIDDEN, desc = "lost wake-up, or the duty cycle ran on two threads at once")
@Outcome(id = "0, 0, 0", expect = FORBIDDEN, desc = "the event was not taken")
@Outcome(id = "1, 1, 0", expect = FORBIDDEN, desc = "the event was taken twice")
@State
public class AssistedPublishTest
{
    private final AssistedDispatch d = new AssistedDispatch(true);
    private int byThread;
    private boolean parked;

    @Actor
    public void publisher()
    {
        d.publishOne();
    }

    @Actor
    public void thread()
    {
        if (d.strategy.prepareToPark(0, d.ring) == DispatcherWaitStrategy.PARK)
        {
            parked = true; // the real thread parks here; only a hand-over or its timeout wakes it
            return;
        }
        while (d.left() > 0) // the runner's loop: a slot claimed and not yet published makes it yield and look again
        {
            byThread += d.doWork();
        }
    }

    @Arbiter
    public void arbiter(final III_Result r)
    {
        r.r1 = (int)(d.taken + 1) - byThread;
        r.r2 = byThread;
        final boolean leftBehind = parked && d.left() > 0 && d.strategy.state() == DispatcherWaitStrategy.PARKED;
        r.r3 = leftBehind || d.overlapped ? 1 : 0;
    }
}
