package io.ringcast.engine;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.YieldingWaitStrategy;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link OverwrittenBeforeReadTest} for an event published by reference: the consumer copies the stored event at
 * position 0 (its message, the content, by reference; its stamps by value) while the dispatcher appends the event that
 * evicts it and a publisher rewrites slot 0 for position 8, once by reference (another message) and once as a written
 * event (which clears the reference, then writes its own fields). A copy the history validates must be the old event
 * whole: the old message and the old id.
 */
@JCStressTest
@Description("history copy of an event held by reference vs evict + rewrite: a validated copy is never torn")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "copied the old event, whole")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "saw the eviction: counted as a drop")
@Outcome(id = {"1, 0, 0", "1, 0, 1", "1, 1, 0"}, expect = FORBIDDEN, desc = "validated a torn or new event")
@State
public class OverwrittenByReferenceTest
{
    private static final int RING_SIZE = 4; // storage: 8 slots, 4 retained behind the dispatcher
    private static final Topic OLD_TOPIC = new Topic("old", OverwrittenByReferenceTest.class);
    private static final Topic NEW_TOPIC = new Topic("new", OverwrittenByReferenceTest.class);
    private static final Message OLD = Message.of(OLD_TOPIC, new byte[] {1, 1, 1, 1, 1, 1, 1, 1});
    private static final Message NEW = Message.of(NEW_TOPIC, new byte[] {2, 2});

    private final RingBuffer<Event> ring = RingBuffer.createMultiProducer(
        Event::new, History.storageSlots(RING_SIZE, 0), new YieldingWaitStrategy());
    private final History history = new History(ring, RING_SIZE, new Sequence(), 0, Long.MAX_VALUE, 1024);
    private final Event view = new Event();
    private final EventWriter written = Dispatching.writer(NEW_TOPIC, (byte)2);

    public OverwrittenByReferenceTest()
    {
        Dispatching.dispatch(ring, history, OLD, 0);
        for (long p = 1; p < 4; p++)
        {
            Dispatching.dispatch(ring, history, NEW, p);
        }
    }

    @Actor
    public void consumer(final III_Result r)
    {
        final boolean valid = history.copy(0, view);
        r.r1 = valid ? 1 : 0;
        r.r2 = valid && view.id == 100 ? 1 : 0;
        r.r3 = valid && view.source == OLD && "old".equals(view.topic()) && view.payloadLength() == 8 ? 1 : 0;
    }

    @Actor
    public void dispatcherThenPublishers()
    {
        Dispatching.dispatch(ring, history, NEW, 4); // evicts position 0: the tail moves to 1
        history.endBatch();                          // gating release: slot 0 may now be claimed for position 8
        final Event slot = ring.get(8);
        slot.setSource(NEW);                         // a publisher by reference
        slot.stamp(108, 2, "n", 108); // as a relayed event: every stamp rewritten
        slot.setWritten(written);                    // and one that writes (as the next claim of a slot might)
        slot.stamp(108, 2, "n", 108); // as a relayed event: every stamp rewritten
    }
}
