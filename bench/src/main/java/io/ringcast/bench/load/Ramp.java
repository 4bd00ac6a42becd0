package io.ringcast.bench.load;

import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The ceiling search of {@code --ramp FROM,STEP,MAX}: after the warm-up at FROM events/s the publishing rate rises by
 * STEP every {@code --step-seconds} while each step passes, and the highest passed step is the server's ceiling on
 * this machine with this tool. A step passes when, over its seconds, no stream closed, no publish was refused or
 * failed, the publisher ended it at most 5 % of the step's events behind its schedule (a server that answers POSTs
 * slower than the rate fails here) and the deliveries owed but not yet arrived at its end are at most 5 % of the
 * step's (a server, or a load tool, that falls behind in delivering fails here). The 5 % let a pause of up to 150 ms
 * in a 3 s step pass (on a 2-core machine a collection or the scheduler causes those); a rate the server cannot carry
 * builds a backlog that grows with every second and fails. Loss is counted after the run over every event published
 * until the end of the last passed step, exactly (per-stream bitsets).
 *
 * <p>Runs on the main thread; reads the publisher through {@link Publisher#snapshot()} and the delivery counters
 * through {@link LoadStats}'s racy progress reads, which is precise enough for the 2 % margins.
 */
final class Ramp
{
    /** Backlog allowed at a step's end, as a share of the step's events or deliveries: a 150 ms stall in a 3 s step. */
    private static final double BACKLOG_TOLERANCE = 0.05;

    private final LoadOptions options;
    private final LoadStats stats;
    private final Publisher publisher;
    private final List<StreamReader> readers;
    private final Supplier<long[]> cpuNs;
    private final IntSupplier closedEarly;

    /**
     * @param cpuNs       {@code {load tool CPU ns, server CPU ns}} so far.
     * @param closedEarly streams closed so far by the server or the network.
     */
    Ramp(final LoadOptions options, final LoadStats stats, final Publisher publisher, final List<StreamReader> readers,
        final Supplier<long[]> cpuNs, final IntSupplier closedEarly)
    {
        this.options = options;
        this.stats = stats;
        this.publisher = publisher;
        this.readers = readers;
        this.cpuNs = cpuNs;
        this.closedEarly = closedEarly;
    }

    /** The last passed step and what it measured; {@code rate} 0 when not even the first step passed. */
    record Ceiling(int rate, double postsPerS, double deliveredPerS, double toolCpu, double serverCpu, double maxMs,
        long[] publishedUntil, String stoppedBy)
    {
        void report(final List<StreamReader> readers, final int connected, final Publisher publisher)
        {
            long expected = 0;
            long received = 0;
            for (final StreamReader r : readers)
            {
                final long until = publishedUntil == null ? 0 : publishedUntil[r.topic()];
                expected += until;
                received += r.received().get(0, (int)until).cardinality();
            }
            System.out.printf(Locale.ROOT, "RESULT streams=%d/%d published=%d accepted=%d refused503=%d errors=%d " +
                "requests=%d%n", connected, readers.size(), publisher.issued(), publisher.accepted, publisher.refused,
                publisher.errors, publisher.requests);
            System.out.printf(Locale.ROOT, "RESULT ceiling posts/s=%.0f (step %d/s) delivered/s=%.0f lost=%d (over " +
                "the passed steps) tool-cpu=%.0f%% server-cpu=%.0f%% step-max-ms=%.1f; stopped by: %s%n", postsPerS,
                rate, deliveredPerS, expected - received, toolCpu, serverCpu, maxMs, stoppedBy);
            if (publisher.firstError != null)
            {
                System.out.println("first publish error: " + publisher.firstError);
            }
        }
    }

    Ceiling run() throws InterruptedException
    {
        final int[] ramp = options.ramp();
        final long[] streamsPerTopic = new long[options.topics()];
        readers.forEach(r -> streamsPerTopic[r.topic()]++);
        stats.warmupStarts();
        publisher.start();
        Thread.sleep(options.warmupS() * 1000L);
        Publisher.Snapshot before = publisher.snapshot();
        long deliveredBefore = stats.deliveredSnapshot();
        long owedSinceStart = 0;
        final long deliveredAtStart = deliveredBefore;
        long[] cpuBefore = cpuNs.get();
        final int closedAtStart = closedEarly.getAsInt();
        stats.measuring(true);
        Ceiling ceiling = new Ceiling(0, 0, 0, 0, 0, 0, null, "the first step failed");
        int step = 0;
        for (int rate = ramp[0]; rate <= ramp[2]; rate += ramp[1], step++)
        {
            publisher.rate(rate);
            final long start = System.nanoTime();
            Thread.sleep(options.stepSeconds() * 1000L);
            final Publisher.Snapshot after = publisher.snapshot();
            final long delivered = stats.deliveredSnapshot();
            final long[] cpu = cpuNs.get();
            final double wallS = (System.nanoTime() - start) / 1e9;
            long owed = 0;
            for (int t = 0; t < streamsPerTopic.length; t++)
            {
                owed += (after.topicSequence()[t] - before.topicSequence()[t]) * streamsPerTopic[t];
            }
            owedSinceStart += owed;
            final long deliveredStep = delivered - deliveredBefore;
            final long backlog = owedSinceStart - (delivered - deliveredAtStart);
            final double posts = (after.issued() - before.issued()) / (double)options.batch() / wallS;
            final double toolCpu = 100.0 * (cpu[0] - cpuBefore[0]) / 1e9 / wallS;
            final double serverCpu = 100.0 * (cpu[1] - cpuBefore[1]) / 1e9 / wallS;
            final double[] maxBySecond = stats.maxMsBySecond((step + 1) * options.stepSeconds());
            double maxMs = 0;
            for (int s = step * options.stepSeconds(); s < maxBySecond.length; s++)
            {
                maxMs = Math.max(maxMs, maxBySecond[s]);
            }
            final String failure = failure(before, after, owed, backlog, closedAtStart);
            System.out.printf(Locale.ROOT, "step %d/s: %.0f POSTs/s, delivered %.0f/s (%.1f%% of owed), behind %d, " +
                "max %.1f ms, tool CPU %.0f%%, server CPU %.0f%%: %s%n", rate, posts, deliveredStep / wallS,
                owed == 0 ? 100.0 : 100.0 * deliveredStep / owed, after.behind(), maxMs, toolCpu, serverCpu,
                failure == null ? "pass" : "FAIL (" + failure + ")");
            if (failure != null)
            {
                ceiling = new Ceiling(ceiling.rate(), ceiling.postsPerS(), ceiling.deliveredPerS(), ceiling.toolCpu(),
                    ceiling.serverCpu(), ceiling.maxMs(), ceiling.publishedUntil(), "step " + rate + "/s: " + failure);
                break;
            }
            ceiling = new Ceiling(rate, posts, deliveredStep / wallS, toolCpu, serverCpu, maxMs,
                after.topicSequence(), rate + ramp[1] > ramp[2] ? "the ramp's maximum" : "");
            before = after;
            deliveredBefore = delivered;
            cpuBefore = cpu;
        }
        stats.measuring(false);
        publisher.stop();
        Thread.sleep(options.drainMs());
        return ceiling;
    }

    /** @return why the step failed, or {@code null} when it passed. */
    private String failure(final Publisher.Snapshot before, final Publisher.Snapshot after, final long owed,
        final long backlog, final int closedAtStart)
    {
        if (closedEarly.getAsInt() != closedAtStart)
        {
            return (closedEarly.getAsInt() - closedAtStart) + " streams closed";
        }
        if (after.refused() != before.refused() || after.errors() != before.errors())
        {
            return (after.refused() - before.refused()) + " publishes refused, " + (after.errors() - before.errors()) +
                " failed";
        }
        if (after.behind() > BACKLOG_TOLERANCE * (after.issued() - before.issued() + after.behind()))
        {
            return "the publisher is " + after.behind() + " events behind: POSTs are answered slower than the rate";
        }
        if (backlog > BACKLOG_TOLERANCE * owed)
        {
            return backlog + " deliveries owed and not arrived: delivery is slower than the rate";
        }
        return null;
    }
}
