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

import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The history's eviction held back by a follower, against the follower taking the event: the dispatcher appends
 * position 1, whose bytes bound wants position 0 evicted while the follower has not taken it, so it raises its flag and
 * reads the follower's position again; the follower takes position 0, stores its position and reads the flag. Either
 * the dispatcher evicts position 0 at once, or the follower wakes it: publishers waiting for the slot never wait for
 * a dispatcher asleep.
 */
@JCStressTest
@Description("history append held by the follower vs follower poll: evicted at once, or the dispatcher is woken")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the dispatcher saw the follower's new position and evicted")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the dispatcher waits; the follower woke it")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "evicted, and a spare wake-up (harmless)")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "lost wake-up: eviction waits and nobody wakes the dispatcher")
@State
public class FollowerEvictionWakeUpTest
{
    private static final int RING_SIZE = 4; // storage: 8 slots, 4 retained by count, one by bytes
    private static final Topic TOPIC = new Topic("t", FollowerEvictionWakeUpTest.class);

    private final RingBuffer<Event> ring = RingBuffer.createMultiProducer(
        Event::new, History.storageSlots(RING_SIZE, 0), new YieldingWaitStrategy());
    private final History history = new History(ring, RING_SIZE, new Sequence(), 0, 200, 1 << 20);
    private final AtomicInteger wakeUps = new AtomicInteger();
    private final FollowerCursor cursor = new FollowerCursor(ring, history, 0, RING_SIZE, wakeUps::incrementAndGet);
    private final EventWriter writer = Dispatching.writer(TOPIC, (byte)1);

    public FollowerEvictionWakeUpTest()
    {
        history.follow(cursor);
        dispatch(0);
    }

    private void dispatch(final long p)
    {
        Dispatching.dispatch(ring, history, writer, p);
    }

    @Actor
    public void dispatcher(final II_Result r)
    {
        dispatch(1);
        r.r1 = history.tail() == 1 ? 1 : 0;
    }

    @Actor
    public void follower(final II_Result r)
    {
        cursor.poll(event -> true, 1);
        r.r2 = wakeUps.get();
    }
}
