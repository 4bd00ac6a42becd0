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
 * The overwritten-before-read check: a consumer copies the stored event at position 5 while the dispatcher evicts it
 * and a publisher rewrites the same slot for position 5 + storage size (here in one actor, in the order the gating
 * release imposes across the two threads). A copy that passes the sequence-word check must be the old event whole.
 */
@JCStressTest
@Description("slot copy + sequence re-check vs evict + rewrite: a validated copy is never torn")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "copied the old event, whole")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "saw the eviction: counted as a drop")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "validated a torn or new event")
@State
public class OverwrittenBeforeReadTest
{
    private static final long POSITION = 5;
    private static final long STORAGE = 64;
    private static final Topic OLD_TOPIC = new Topic("old", OverwrittenBeforeReadTest.class);
    private static final Topic NEW_TOPIC = new Topic("new", OverwrittenBeforeReadTest.class);

    private final Event slot = new Event();
    private final Event view = new Event();
    private final EventWriter rewrite = new EventWriter(null);

    public OverwrittenBeforeReadTest()
    {
        final EventWriter first = new EventWriter(null);
        first.topic = OLD_TOPIC;
        first.payload(new byte[] {1, 1, 1, 1, 1, 1, 1, 1});
        slot.setWritten(first);
        slot.stamp(100 + POSITION, 1, "n", 100 + POSITION, true);
        slot.publishAs(POSITION);
        rewrite.topic = NEW_TOPIC;
        rewrite.payload(new byte[] {2, 2, 2, 2, 2, 2, 2, 2});
    }

    @Actor
    public void consumer(final II_Result r)
    {
        final boolean valid = slot.copyTo(POSITION, view);
        r.r1 = valid ? 1 : 0;
        r.r2 = valid && isOldEventWhole() ? 1 : 0;
    }

    private boolean isOldEventWhole()
    {
        if (view.id != 100 + POSITION || !"old".equals(view.topic) || view.payloadLength != 8)
        {
            return false;
        }
        for (int i = 0; i < 8; i++)
        {
            if (view.payload[i] != 1)
            {
                return false;
            }
        }
        return true;
    }

    @Actor
    public void dispatcherThenPublisher()
    {
        slot.evict(1024);
        slot.setWritten(rewrite);
        slot.stamp(100 + POSITION + STORAGE, 2, "n", 100 + POSITION + STORAGE, true);
        slot.publishAs(POSITION + STORAGE);
    }
}
