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
 * A subscription queue growing under its consumer: the dispatcher offers six positions into a queue that starts with
 * four entries (the fifth offer replaces the array) while the consumer takes what it finds in two drains, entry by
 * entry, without reading the producer's tail (an entry is new when it holds more than the last one taken). Whatever it
 * sees is a prefix of 10, 11, 12... in order.
 */
@JCStressTest
@Description("offers across a growth vs a concurrent drain: every available position is there, in order")
@Outcome(id = "[0-6], 1", expect = ACCEPTABLE, desc = "a prefix, in order")
@Outcome(id = ".*, 0", expect = FORBIDDEN, desc = "a missing, stale or reordered position")
@State
public class PositionQueueGrowthTest
{
    private final PositionQueue queue = new PositionQueue(64);

    @Actor
    public void dispatcher()
    {
        for (long p = 10; p < 16; p++)
        {
            queue.offer(p);
        }
    }

    @Actor
    public void consumer(final II_Result r)
    {
        takeInTwoDrains(queue, r);
    }

    /**
     * The consumer of the queue growth tests: two drains, entry by entry; {@code r1} the entries taken, {@code r2} 1
     * when they were 10, 11, 12... in order.
     */
    static void takeInTwoDrains(final PositionQueue queue, final II_Result r)
    {
        int seen = 0;
        int ordered = 1;
        for (int drain = 0; drain < 2; drain++)
        {
            int taken = 0;
            for (long p; (p = queue.peek(taken)) != PositionQueue.NONE; taken++)
            {
                if (p != 10 + seen + taken)
                {
                    ordered = 0;
                }
            }
            queue.advance(taken);
            seen += taken;
        }
        r.r1 = seen;
        r.r2 = ordered;
    }
}
