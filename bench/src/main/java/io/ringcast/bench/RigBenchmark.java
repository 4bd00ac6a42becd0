package io.ringcast.bench;

import io.ringcast.bench.harness.Rig;
import io.ringcast.bench.load.MemoryWalk;
import io.ringcast.bench.peer.Workload;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * What every rig-driven benchmark shares: one {@link Rig} per trial (one peer, its threads and the common consumer),
 * built from the subclass's {@link #workload()} and closed after the trial, plus the {@code verbose} switch and the
 * lossless-rate search. Subclasses carry the JMH annotations and their own {@code @Param}s, including {@code peer}.
 *
 * <p>Thread-safety: JMH drives one instance from one thread per trial.
 */
@State(Scope.Benchmark)
public abstract class RigBenchmark
{
    @Param({"false"})
    public boolean verbose;

    protected Rig rig;
    /**
     * The host's memory speed when this fork started: {@link MemoryWalk}'s time in milliseconds, before the rig was
     * built (reported with every iteration's figures: a peer whose working set outgrows the cache a busy neighbour
     * leaves it slows down in a slow phase while a smaller one does not, so a figure is read beside its phase).
     */
    protected double memWalkMs;

    /** @return the peer to measure (the subclass's {@code peer} parameter). */
    protected abstract String peerName();

    /** @return the workload of this trial, from the subclass's parameters. */
    protected abstract Workload workload();

    @Setup(Level.Trial)
    public void setUpRig()
    {
        memWalkMs = MemoryWalk.timeMs(MemoryWalk.DEFAULT_STEPS);
        System.gc(); // the walk's 64 MB, before the rig is built and measured
        rig = new Rig(peerName(), workload());
        if (verbose)
        {
            System.out.println(rig.peer().describe());
        }
    }

    @TearDown(Level.Trial)
    public void tearDownRig()
    {
        rig.close();
    }

    /** One lossless-rate search with steps of {@code stepMs}, recorded into {@code counters}. */
    protected void search(final ThroughputCounters counters, final int stepMs)
    {
        counters.record(rig.searchLossless(TimeUnit.MILLISECONDS.toNanos(stepMs), verbose), memWalkMs);
    }
}
