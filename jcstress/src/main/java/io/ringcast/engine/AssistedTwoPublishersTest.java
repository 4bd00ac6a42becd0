package io.ringcast.engine;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link WaitStrategyKind#PUBLISHER_ASSISTED}, two publishers while the own thread is parked: one takes the flag and
 * dispatches inline; the other, finding it taken, leaves its event to the holder, whose put-back (release store, full
 * fence, re-check of the cursor) sees it and takes the flag again, or hands the dispatcher to the thread when the
 * other's slot is claimed but not yet published. Either every event is taken with the flag back at {@code PARKED}, or
 * the thread was handed the dispatcher ({@code RUNNING}) and takes what is left; the duty cycle never runs on both
 * publishers at once.
 *
 * <p>Result: events taken by the duty cycle, the flag afterwards (0 running, 1 parked, 2 inline), or -1 when the runs
 * overlapped.
 */
@JCStressTest
@Description("two assisted publishes while parked: both events taken, or the thread handed the rest")
@Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "both taken inline, the flag back at parked")
@Outcome(id = "[0-2], 0", expect = ACCEPTABLE, desc = "handed to the thread (a claimed slot was not yet published)")
@Outcome(id = "[0-1], 1", expect = FORBIDDEN, desc = "lost: an event left in the ring with the thread parked")
@Outcome(id = ".*, 2", expect = FORBIDDEN, desc = "a publisher kept the flag")
@Outcome(id = "-1, .*", expect = FORBIDDEN, desc = "the duty cycle ran on two publishers at once")
@State
public class AssistedTwoPublishersTest
{
    private final AssistedDispatch d = new AssistedDispatch(true).parked();

    @Actor
    public void first()
    {
        d.publishOne();
    }

    @Actor
    public void second()
    {
        d.publishOne();
    }

    @Arbiter
    public void arbiter(final II_Result r)
    {
        r.r1 = d.overlapped ? -1 : (int)(d.taken + 1);
        r.r2 = d.strategy.state();
    }
}
