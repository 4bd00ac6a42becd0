package io.ringcast.bench.harness;

import io.ringcast.bench.peer.Workload;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs one peer outside JMH, for profiling (JFR, async-profiler) and quick checks:
 * {@code java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks.jar
 * io.ringcast.bench.harness.Probe <peer> <subscribers> <topics> <eventsPerSec|0> <seconds> [queueCapacity]}; rate 0 =
 * saturated.
 * Prints one line per second-long step, with the CPU time each busy thread used per accepted event (less sensitive
 * to other load on the machine than wall-clock rates).
 */
public final class Probe
{
    /** @return CPU nanoseconds used so far by each live thread, by thread name. */
    static Map<String, Long> cpuByThread()
    {
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        final Map<String, Long> cpu = new TreeMap<>();
        for (final ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds()))
        {
            if (info != null)
            {
                cpu.merge(info.getThreadName(), Math.max(0, mx.getThreadCpuTime(info.getThreadId())), Long::sum);
            }
        }
        return cpu;
    }

    private Probe()
    {
    }

    public static void main(final String[] args)
    {
        if (args.length != 5 && args.length != 6)
        {
            System.err.println("usage: Probe <peer> <subscribers> <topics> <eventsPerSec|0> <seconds> [queueCapacity]");
            System.exit(2);
        }
        final int subscribers = Integer.parseInt(args[1]);
        final int topics = Integer.parseInt(args[2]);
        final double rate = Double.parseDouble(args[3]);
        final int seconds = Integer.parseInt(args[4]);
        final int capacity = args.length == 6 ? Integer.parseInt(args[5]) : Workload.DEFAULT_QUEUE_CAPACITY;
        final Workload w = new Workload(subscribers, topics, capacity,
            topics == 1 ? Workload.LATENCY_STAMP_SLOTS : 1, 1);
        try (Rig rig = new Rig(args[0], w))
        {
            System.out.println(rig.peer().describe());
            for (int i = 0; i < seconds; i++)
            {
                final long before = Rig.allocatedBytes();
                final Map<String, Long> cpuBefore = cpuByThread();
                final StepResult r = rig.step(rate, TimeUnit.SECONDS.toNanos(1));
                final Map<String, Long> cpuAfter = cpuByThread();
                final StringBuilder cpu = new StringBuilder();
                cpuAfter.forEach((name, ns) ->
                {
                    final long used = ns - cpuBefore.getOrDefault(name, 0L);
                    if (used > 50_000_000L)
                    {
                        cpu.append(String.format(" %s=%.1fns/ev", name, (double)used / Math.max(1, r.offered() -
                            (rate > 0 ? r.refused() : 0))));
                    }
                });
                System.out.printf("%s  alloc=%.1f B/delivery cpu:%s%n", r,
                    (double)(Rig.allocatedBytes() - before) / Math.max(1, r.delivered()), cpu);
            }
        }
    }
}
