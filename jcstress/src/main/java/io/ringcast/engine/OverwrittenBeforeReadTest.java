package io.ringcast.engine;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.YieldingWaitStrategy;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The overwritten-before-read check: a consumer copies the stored event at position 0 through the history (the slot's
 * sequence word before and after, then the gating sequence) while the dispatcher appends the event that evicts it and
 * a publisher rewrites slot 0 for position 8 (one actor, in the order the gating release imposes across those two
 * threads). A copy the history validates must be the old event whole. {@link EvictionWithdrawTest} covers the
 * dispatcher's own clearing of an evicted slot.
 */
@JCStressTest
@Description("history copy (slot word + gating check) vs evict + rewrite: a validated copy is never torn")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "copied the old event, whole")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "saw the eviction: counted as a drop")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "validated a torn or new event")
@State
public class OverwrittenBeforeReadTest
{
    private static final int RING_SIZE = 4; // storage: 8 slots, 4 retained behind the dispatcher
    private static final Topic OLD_TOPIC = new Topic("old", OverwrittenBeforeReadTest.class);
    private static final Topic NEW_TOPIC = new Topic("new", OverwrittenBeforeReadTest.class);

    private final RingBuffer<Event> ring = RingBuffer.createMultiProducer(
        Event::new, History.storageSlots(RING_SIZE, 0), new YieldingWaitStrategy());
    private final History history = new History(ring, RING_SIZE, new Sequence(), 0, Long.MAX_VALUE, 1024);
    private final Event view = new Event();
    private final EventWriter rewrite = Dispatching.writer(NEW_TOPIC, (byte)2);

    public OverwrittenBeforeReadTest()
    {
        final EventWriter first = Dispatching.writer(OLD_TOPIC, (byte)1);
        for (long p = 0; p < 4; p++)
        {
            first.topic = p == 0 ? OLD_TOPIC : NEW_TOPIC;
            dispatch(p, first);
        }
    }

    private void dispatch(final long p, final EventWriter writer)
    {
        Dispatching.dispatch(ring, history, writer, p);
    }

    @Actor
    public void consumer(final II_Result r)
    {
        final boolean valid = history.copy(0, view);
        r.r1 = valid ? 1 : 0;
        r.r2 = valid && isOldEventWhole() ? 1 : 0;
    }

    private boolean isOldEventWhole()
    {
        if (view.id != 100 || !"old".equals(view.topic) || view.payloadLength != 8)
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
        dispatch(4, rewrite);   // evicts position 0: the tail moves to 1
        history.endBatch();     // gating release: slot 0 may now be claimed for position 8
        final Event slot = ring.get(8);
        slot.setWritten(rewrite);
        slot.stamp(108, 2, "n", 108); // as a relayed event: every stamp rewritten
    }
}
