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
 * {@link WaitStrategyKind#PUBLISHER_ASSISTED}, a subscription command queued while a publisher may be dispatching
 * inline: the command's signal wakes the thread when it finds the flag {@code PARKED}; when it finds it taken, the
 * holder's put-back sees the raised command flag and hands the dispatcher to the thread, unless its own last cycle
 * applied the command. A command is never left pending with the thread parked and nobody running.
 *
 * <p>Result: commands applied by the inline run, the flag afterwards (0: the thread was woken or handed the dispatcher,
 * 1: parked).
 */
@JCStressTest
@Description("command vs assisted publish: the command applied inline or the thread woken, never stranded")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the inline run applied the command, the thread stays parked")
@Outcome(id = "[0-1], 0", expect = ACCEPTABLE, desc = "the thread was woken or handed the dispatcher")
@Outcome(id = "0, 1", expect = FORBIDDEN, desc = "stranded: a command pending, the thread parked, nobody running")
@Outcome(id = ".*, 2", expect = FORBIDDEN, desc = "a publisher kept the flag")
@State
public class AssistedCommandTest
{
    private final AssistedDispatch d = new AssistedDispatch(true).parked();

    @Actor
    public void publisher()
    {
        d.publishOne();
    }

    @Actor
    public void subscriber()
    {
        d.strategy.commandPending(); // as Engine.subscribeAsync, after queuing the command
    }

    @Arbiter
    public void arbiter(final II_Result r)
    {
        r.r1 = d.commandsApplied;
        r.r2 = d.strategy.state();
    }
}
