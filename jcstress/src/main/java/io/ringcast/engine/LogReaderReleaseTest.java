package io.ringcast.engine;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A page of a durable log's replay arriving while the subscription closes: the replay thread stores the reader for the
 * next page and then checks whether the subscription is closed; the closing thread closes the subscription and then
 * swaps the reader out. The reader must be closed exactly once: never leaked (nobody will ask for the next page of a
 * closed subscription), never closed twice.
 */
@JCStressTest
@Description("ReplayCursor.logPage (store reader, check closed) vs close (CAS state, swap reader): closed exactly once")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "closed once, nothing left behind")
@Outcome(id = "0, 1", expect = FORBIDDEN, desc = "leaked: the reader of a closed subscription is never closed")
@Outcome(id = "2, 0", expect = FORBIDDEN, desc = "closed twice")
@State
public class LogReaderReleaseTest
{
    private final AtomicInteger closes = new AtomicInteger();
    private final Subscriber subscriber = new Subscriber(null, 1, Filter.all(), SubscribeOptions.defaults(), 16);
    private final ReplayCursor cursor = new ReplayCursor(subscriber,
        new ResumePlan(0, -1, ResumeOutcome.PENDING, true), reader -> closes.incrementAndGet());
    private final EventLog.Reader reader = new EventLog.Reader()
    {
        @Override
        public EventLog.Page read(final Predicate<Event> sink)
        {
            return EventLog.Page.END;
        }

        @Override
        public boolean complete()
        {
            return true;
        }
    };

    @Actor
    public void replayThread()
    {
        cursor.logPage(List.of(), true, reader);
    }

    @Actor
    public void closingThread()
    {
        if (subscriber.tryClose(CloseReason.CLOSED_BY_CONSUMER))
        {
            cursor.release(); // as Subscriber.tryClose does for its registered cursor
        }
    }

    @Arbiter
    public void arbiter(final II_Result r)
    {
        final int before = closes.get();
        cursor.release(); // takes and closes a reader still held
        r.r1 = before;
        r.r2 = closes.get() - before;
    }
}
