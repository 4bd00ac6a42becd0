package io.ringcast.engine;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link PositionQueueGrowthTest} for the dispatcher's run offer ({@link PositionQueue#offer(long[], int)}): six
 * positions in one call into a queue that starts with four entries (the call grows the array between two stretches),
 * then two more in a second call, while the consumer takes what it finds in two drains. Whatever it sees is a prefix of
 * 10, 11, 12... in order.
 */
@JCStressTest
@Description("run offers across a growth vs a concurrent drain: every available position is there, in order")
@Outcome(id = "[0-8], 1", expect = ACCEPTABLE, desc = "a prefix, in order")
@Outcome(id = ".*, 0", expect = FORBIDDEN, desc = "a missing, stale or reordered position")
@State
public class PositionQueueRunGrowthTest
{
    private final PositionQueue queue = new PositionQueue(64);
    private final long[] first = {10, 11, 12, 13, 14, 15};
    private final long[] second = {16, 17};

    @Actor
    public void dispatcher()
    {
        queue.offer(first, first.length);
        queue.offer(second, second.length);
    }

    @Actor
    public void consumer(final II_Result r)
    {
        PositionQueueGrowthTest.takeInTwoDrains(queue, r);
    }
}
