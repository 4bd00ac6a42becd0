package io.ringcast.sse;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The coalesced wake-up of {@link ReadyStreams}: the engine's thread queues a stream and schedules the drain task
 * unless one is scheduled; the loop's drain task, scheduled before, starts meanwhile. The woken stream must either be
 * drained by that task or find a new task scheduled for it: never neither.
 */
@JCStressTest
@Description("ReadyStreams.wake vs a starting drain task: the stream is drained now or a task is scheduled for it")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the running task drained the stream")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "a new task was scheduled, which will drain it")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "drained now, and a spare task that finds nothing")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "lost wake-up: the stream waits in the queue with no task to drain it")
@State
public class ReadyStreamsWakeUpTest
{
    private final AtomicInteger tasks = new AtomicInteger();
    private final AtomicInteger drained = new AtomicInteger();
    private final ReadyStreams ready = new ReadyStreams(task -> tasks.incrementAndGet());
    private final Runnable stream = drained::incrementAndGet;

    public ReadyStreamsWakeUpTest()
    {
        ready.wake(() -> { }); // another stream woke first: the drain task is scheduled, not yet started
        tasks.set(0);
    }

    @Actor
    public void engine()
    {
        ready.wake(stream);
    }

    @Actor
    public void loop()
    {
        ready.run();
    }

    @Arbiter
    public void arbiter(final II_Result r)
    {
        r.r1 = drained.get();
        r.r2 = tasks.get();
    }
}
