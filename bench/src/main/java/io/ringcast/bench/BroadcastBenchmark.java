package io.ringcast.bench;

import io.ringcast.bench.peer.Workload;
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

import java.util.concurrent.TimeUnit;

/**
 * Workload 1, broadcast: every subscriber matches every event. Each invocation is one search: a saturated step
 * (reported with its delivered share), then fixed-rate steps down from the saturated rate until one loses under
 * 0.1 %, then one bisection step. The figures are the {@link ThroughputCounters}; the primary score (seconds per
 * search) is not a result.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2)
@Measurement(iterations = 3)
public class BroadcastBenchmark extends RigBenchmark
{
    @Param({"ringcast", "ringcast-no-history", "ringcast-journal", "submission-publisher", "sharing-bus", "reactor",
        "disruptor-minimal-blocking", "disruptor-minimal"})
    public String peer;

    @Param({"16", "1", "256"})
    public int subscribers;

    @Param({"500"})
    public int stepMs;

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
    public void broadcast(final ThroughputCounters counters)
    {
        search(counters, stepMs);
    }
}
