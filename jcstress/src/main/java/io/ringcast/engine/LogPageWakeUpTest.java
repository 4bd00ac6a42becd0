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

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The next page of a durable log's replay arriving while the consumer, having found the page not there yet, arms its
 * wake-up: the replay thread stores the page (a volatile store of {@code logPending = false}) and wakes an armed
 * consumer; the consumer arms and re-checks {@code logPending}. Exactly one side must take the page: the listener is
 * called once, or the consumer takes the wake-up back and drains on.
 */
@JCStressTest
@Description("ReplayCursor.logPage + Subscriber.wake vs Subscriber.rearmForLogPage: one wake-up, never none, never two")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the replay thread called onAvailable")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the consumer saw the page while arming and drains on")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "lost wake-up: the page is there, nobody drains")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "double wake-up")
@State
public class LogPageWakeUpTest
{
    private final AtomicInteger wakeUps = new AtomicInteger();
    private final Subscriber subscriber;
    private final ReplayCursor cursor;

    public LogPageWakeUpTest()
    {
        final SubscriptionListener listener = new SubscriptionListener()
        {
            @Override
            public void onAvailable()
            {
                wakeUps.incrementAndGet();
            }
        };
        subscriber = new Subscriber(null, 1, Filter.all(), SubscribeOptions.defaults().listener(listener), 16);
        subscriber.wake(); // a drain is under way: the consumer is not armed
        wakeUps.set(0);
        cursor = new ReplayCursor(subscriber, new ResumePlan(0, -1, ResumeOutcome.PENDING, true), reader -> { });
    }

    @Actor
    public void replayThread()
    {
        cursor.logPage(List.of(), true, null); // as Subscriber.logPageRead
        subscriber.wake();
    }

    @Actor
    public void consumer(final II_Result r)
    {
        r.r2 = subscriber.rearmForLogPage(cursor) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(final II_Result r)
    {
        r.r1 = wakeUps.get();
    }
}
