package io.ringcast.bench.harness;

import io.ringcast.bench.peer.Workload;

import java.util.concurrent.TimeUnit;

/**
 * Runs one peer outside JMH, for profiling (JFR, async-profiler) and quick checks:
 * {@code java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks.jar
 * io.ringcast.bench.harness.Probe <peer> <subscribers> <topics> <eventsPerSec|0> <seconds>}; rate 0 = saturated.
 * Prints one line per second-long step.
 */
public final class Probe
{
    private Probe()
    {
    }

    public static void main(final String[] args)
    {
        if (args.length != 5)
        {
            System.err.println("usage: Probe <peer> <subscribers> <topics> <eventsPerSec|0> <seconds>");
            System.exit(2);
        }
        final int subscribers = Integer.parseInt(args[1]);
        final int topics = Integer.parseInt(args[2]);
        final double rate = Double.parseDouble(args[3]);
        final int seconds = Integer.parseInt(args[4]);
        final Workload w = new Workload(subscribers, topics, Workload.DEFAULT_QUEUE_CAPACITY,
            topics == 1 ? Workload.LATENCY_STAMP_SLOTS : 1, 1);
        try (Rig rig = new Rig(args[0], w))
        {
            System.out.println(rig.peer().describe());
            for (int i = 0; i < seconds; i++)
            {
                final long before = Rig.allocatedBytes();
                final StepResult r = rig.step(rate, TimeUnit.SECONDS.toNanos(1));
                System.out.printf("%s  alloc=%.1f B/delivery%n", r,
                    (double)(Rig.allocatedBytes() - before) / Math.max(1, r.delivered()));
            }
        }
    }
}
