package io.ringcast.relay.pg;

import io.ringcast.engine.Event;
import io.ringcast.engine.EventLog;
import io.ringcast.engine.Message;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The replay's page hand-over: the fetcher publishes the next page, clears {@code fetching} and wakes the consumer,
 * while the consumer, having sent the current page, looks for the next one (and schedules a read if none is under
 * way). The page must reach the consumer exactly once: taken at once, or left for it with a wake-up; never lost,
 * never overwritten by a second read.
 */
@JCStressTest
@Description("PagedReplay: fetcher publish + clear + wake vs consumer poll + schedule: page never lost, one read")
@Outcome(id = "1, 1, 0, 1", expect = ACCEPTABLE, desc = "the consumer took the page the fetcher had published")
@Outcome(id = "0, 1, 0, 1", expect = ACCEPTABLE, desc = "published after the consumer looked: woken, page kept")
@Outcome(expect = FORBIDDEN, desc = "page lost, no wake-up, or a second read scheduled over a pending page")
@State
public class PagedReplayHandOverTest
{
    private final AtomicInteger wakeUps = new AtomicInteger();
    private final AtomicInteger reads = new AtomicInteger();
    private final PagedReplay replay;

    public PagedReplayHandOverTest()
    {
        final List<PagedReplay.Page> pages = List.of(
            new PagedReplay.Page(List.of(event(1)), false, null),
            new PagedReplay.Page(List.of(event(2)), true, null));
        final PagedReplay.PageSource source = new PagedReplay.PageSource()
        {
            private int next;

            @Override
            public PagedReplay.Page read()
            {
                return pages.get(next++);
            }

            @Override
            public void close()
            {
            }
        };
        final Executor scheduled = task -> reads.incrementAndGet(); // the fetcher actor runs the read itself
        try
        {
            replay = new PagedReplay(scheduled, source, wakeUps::incrementAndGet);
        }
        catch (final SQLException e)
        {
            throw new IllegalStateException(e);
        }
        replay.poll(); // the first page is sent; the read of the second is scheduled (reads == 1)
    }

    private static Event event(final long seq)
    {
        return EventLog.restore(seq, seq, Message.builder("t").build(), "o", seq);
    }

    @Actor
    public void fetcher()
    {
        replay.fetch();
    }

    @Actor
    public void consumer(final IIII_Result r)
    {
        r.r1 = replay.poll() != null ? 1 : 0;
    }

    @Arbiter
    public void arbiter(final IIII_Result r)
    {
        r.r2 = wakeUps.get();
        r.r3 = reads.get() - 1;
        r.r4 = r.r1 == 1 || replay.poll() != null ? 1 : 0;
    }
}
