package io.ringcast.engine;

import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
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
 * Command application vs the dispatcher's wait: a thread queues a subscription command and raises the pending flag
 * while the dispatcher, between batches, clears the flag and drains the commands. The command is either applied now
 * or left with the flag still raised (the dispatcher leaves its next wait for it); never stranded silently.
 */
@JCStressTest
@Description("offer command + raise flag vs clear flag + drain: the command is applied or still flagged")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "applied in this pass")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "applied, flag raised again: one spare pass")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "not yet applied, still flagged: the next pass applies it")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "stranded: queued, not applied, not flagged")
@State
public class CommandPendingTest
{
    private final ManyToOneConcurrentArrayQueue<Command> commands = new ManyToOneConcurrentArrayQueue<>(16);
    private final DispatcherWaitStrategy strategy =
        new DispatcherWaitStrategy(WaitStrategyKind.BUSY_SPIN, 1_000, null, true);
    private final Command command = Command.closeTopic("t");

    @Actor
    public void subscriber()
    {
        commands.offer(command); // as Engine.enqueueWaiting
        strategy.commandPending();
    }

    @Actor
    public void dispatcher(final II_Result r)
    {
        strategy.clearCommandPending(); // as Dispatcher.processCommands
        r.r1 = commands.drain(c -> { }, 16);
    }

    @Arbiter
    public void arbiter(final II_Result r)
    {
        r.r2 = strategy.isCommandPending() ? 1 : 0;
    }
}
