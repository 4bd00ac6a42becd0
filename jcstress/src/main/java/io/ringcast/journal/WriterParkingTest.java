package io.ringcast.journal;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.atomic.AtomicLong;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The journal writer's idle park against the dispatcher's batch: the writer announces an idle park and reads how many
 * dispatched events wait for it (the dispatcher's head, an acquire read, as {@code FollowerCursor.lag}); the dispatcher
 * stores its new head (a release store, as {@code History.append}), calls {@code afterDispatch} at the end of its batch
 * (no fence) and {@code afterBusy} when it finds its ring drained (a fence, then the announcement read again). An event
 * must never wait while the writer parks and nobody wakes it.
 */
@JCStressTest
@Description("dispatcher head store + afterDispatch + afterBusy vs writer mayPark(idle): never a park with an event waiting and no wake-up")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the writer parks and the dispatcher wakes it")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the writer saw the event and does not park")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the writer saw the event; the wake-up is spurious (harmless)")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "lost wake-up: an event waits while the writer sleeps")
@State
public class WriterParkingTest
{
    private final AtomicLong head = new AtomicLong(-1);
    private final long taken = -1;
    private int wakeUps;
    private final WriterParking parking =
        new WriterParking(() -> head.getAcquire() - taken, () -> false, () -> wakeUps++);

    public WriterParkingTest()
    {
        parking.setWakeThreshold(512);
    }

    @Actor
    public void dispatcher(final II_Result r)
    {
        head.setRelease(0);
        final boolean woken = parking.afterDispatch();
        r.r1 = parking.afterBusy() || woken ? 1 : 0;
    }

    @Actor
    public void writer(final II_Result r)
    {
        r.r2 = parking.mayPark(false) ? 0 : 1;
    }
}
