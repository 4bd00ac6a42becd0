package io.ringcast.relay.pg;

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
 * The outbox writer's park against the dispatcher's new local event, as {@code OutboxWriter} runs them: the stage
 * stores the newest local id with a lazy set and signals at the end of its batch; the writer announces its park and
 * compares the newest id with the one it last saw. A local event must never wait while the writer parks unwoken.
 */
@JCStressTest
@Description("newest id lazySet + signal vs announcePark + re-check: never a park with a new event and no wake-up")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the writer parks and the stage wakes it")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the writer saw the new id and does not park")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the writer saw the new id; the wake-up is spurious (harmless)")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "lost wake-up: a local event waits while the writer sleeps")
@State
public class OutboxWriterWakeUpTest
{
    private final AtomicLong lastLocalId = new AtomicLong(-1);
    private int wakeUps;
    private final WriterWakeUp wakeUp = new WriterWakeUp(() -> wakeUps++);

    @Actor
    public void stage(final II_Result r)
    {
        lastLocalId.lazySet(7);
        r.r1 = wakeUp.signal() ? 1 : 0;
    }

    @Actor
    public void writer(final II_Result r)
    {
        wakeUp.announcePark();
        r.r2 = lastLocalId.get() == -1 ? 0 : 1; // 0: it parks (and stays announced until woken)
    }
}
