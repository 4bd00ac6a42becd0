package io.ringcast.bench;

import io.ringcast.bench.harness.PublisherWait;
import io.ringcast.bench.harness.StepResult;
import io.ringcast.bench.peer.Workload;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Workload 3, latency: 16 subscribers, a fixed offered rate (default 100,000 events/s), each event stamped with its
 * intended send time (coordinated omission corrected); the consumer records {@code now - intended} per delivery into
 * an HdrHistogram. The first invocation of a fork is the warm-up ({@code warmupMs}, not recorded); every later one
 * records {@code measureMs}. Each peer runs in its own JVM (one fork per parameter set). {@code ringcast-yielding} is
 * Ringcast with the {@code YIELDING} dispatcher wait strategy instead of the shipped {@code BLOCKING} default;
 * {@code ringcast-inline} runs the dispatcher on the publishing thread (no thread of its own).
 * {@code publisher} is how the publisher waits between events ({@link PublisherWait}): parking sends them in small
 * bursts, yielding one by one; the engine issue's goal asks for the lowest tail with both.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 1)
@Measurement(iterations = 1)
public class LatencyBenchmark extends RigBenchmark
{
    @Param({"ringcast", "ringcast-yielding", "ringcast-inline", "ringcast-no-history", "submission-publisher",
        "sharing-bus", "reactor", "disruptor-minimal-blocking", "disruptor-minimal"})
    public String peer;

    @Param({"16"})
    public int subscribers;

    @Param({"100000"})
    public int eventsPerSec;

    @Param({"5000"})
    public int warmupMs;

    @Param({"10000"})
    public int measureMs;

    /** How the publisher waits between events: {@code park} (the harness's default) or {@code yield}. */
    @Param({"park", "yield"})
    public String publisher;

    private int invocations;

    @Override
    protected String peerName()
    {
        return peer;
    }

    @Override
    protected Workload workload()
    {
        return Workload.broadcast(subscribers, 1);
    }

    @Benchmark
    public void latency(final LatencyCounters counters)
    {
        final boolean warmup = invocations++ == 0;
        rig.sink().takeHistogram();
        rig.sink().recording(!warmup);
        final StepResult r = rig.step(eventsPerSec, TimeUnit.MILLISECONDS.toNanos(warmup ? warmupMs : measureMs),
            PublisherWait.valueOf(publisher.toUpperCase(Locale.ROOT)));
        rig.sink().recording(false);
        final Histogram h = rig.sink().takeHistogram();
        if (verbose)
        {
            System.out.println("  " + r);
            h.outputPercentileDistribution(System.out, 5, 1000.0);
        }
        counters.record(h, 100 * r.loss(), memWalkMs);
    }
}
