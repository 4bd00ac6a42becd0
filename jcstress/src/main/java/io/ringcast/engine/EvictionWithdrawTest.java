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
 * An early eviction that clears the slot: the history's bytes bound evicts the large event at position 0 when the
 * dispatcher appends position 1, long before the gating sequence lets a publisher reuse the slot, and frees its payload.
 * The dispatcher withdraws the slot's sequence word before it clears anything, so a consumer copying position 0 at the
 * same time either gets the event whole or fails the check (a counted drop), never a validated cleared event.
 */
@JCStressTest
@Description("history copy vs early eviction that releases the payload: a validated copy is never cleared or torn")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "copied the event before the eviction, whole")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "saw the withdrawal: counted as a drop")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "validated a cleared or torn event")
@State
public class EvictionWithdrawTest
{
    private static final int RING_SIZE = 4; // storage: 8 slots, 4 retained by count, far fewer by bytes
    private static final Topic TOPIC = new Topic("old", EvictionWithdrawTest.class);

    private final RingBuffer<Event> ring = RingBuffer.createMultiProducer(
        Event::new, History.storageSlots(RING_SIZE, 0), new YieldingWaitStrategy());
    /** Bytes bound of one event, and a retained buffer of 0 bytes: every eviction is early and releases. */
    private final History history = new History(ring, RING_SIZE, new Sequence(), 0, 200, 0);
    private final Event view = new Event();
    private final EventWriter writer = Dispatching.writer(TOPIC, (byte)1);

    public EvictionWithdrawTest()
    {
        dispatch(0);
    }

    private void dispatch(final long p)
    {
        Dispatching.dispatch(ring, history, writer, p);
    }

    @Actor
    public void consumer(final II_Result r)
    {
        final boolean valid = history.copy(0, view);
        r.r1 = valid ? 1 : 0;
        r.r2 = valid && isWhole() ? 1 : 0;
    }

    private boolean isWhole()
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
    public void dispatcher()
    {
        dispatch(1); // the bytes bound evicts position 0: withdrawn, then its payload released
    }
}
