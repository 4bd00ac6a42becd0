package io.ringcast.bench;

import io.ringcast.bench.harness.Rig;
import io.ringcast.bench.harness.StepResult;
import io.ringcast.bench.peer.Workload;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * CPU time per event, thread by thread, at a fixed offered rate below saturation: what each peer's threads spend on
 * the same events. Unlike a saturated throughput figure it barely moves with other load on the machine, so it shows
 * what a change costs or saves while the machine is shared (the throughput goals are still judged by the JMH suite on
 * a quiet machine). Peers are run alternately, round after round, in one JVM.
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar io.ringcast.bench.CpuPerEvent \
 *       --peers ringcast,ringcast-journal --subscribers 16 --rate 500000 --seconds 5 --rounds 3
 * </pre>
 *
 * Output: one line per peer and round: the loss, then microseconds of CPU per 1,000 events for each thread named by
 * the peer or the rig (dispatcher, journal writer, publisher, consumer) and for the whole process.
 *
 * <p>Thread-safety: a command-line program; one thread drives it.
 */
public final class CpuPerEvent
{
    private CpuPerEvent()
    {
    }

    public static void main(final String[] args)
    {
        String[] peers = {"ringcast", "ringcast-journal"};
        int subscribers = 16;
        boolean routing = false;
        double rate = 500_000;
        int seconds = 5;
        int rounds = 3;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--peers" -> peers = args[++i].split(",");
                case "--subscribers" -> subscribers = Integer.parseInt(args[++i]);
                case "--routing" -> routing = true;
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] +
                    " (--peers a,b --subscribers N --routing --rate EVENTS_PER_S --seconds S --rounds R)");
            }
        }
        final Workload workload = routing ? Workload.routing(subscribers) : Workload.broadcast(subscribers, 1);
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean();
        for (int round = 0; round < rounds; round++)
        {
            for (final String peer : peers)
            {
                try (Rig rig = new Rig(peer, workload))
                {
                    rig.step(rate, TimeUnit.SECONDS.toNanos(Math.max(2, seconds / 2))); // warm-up
                    final Map<String, Long> before = cpuByThread(threads);
                    final long processBefore = os.getProcessCpuTime();
                    final StepResult r = rig.step(rate, TimeUnit.SECONDS.toNanos(seconds));
                    final long process = os.getProcessCpuTime() - processBefore;
                    final Map<String, Long> after = cpuByThread(threads);
                    final double perThousand = 1_000.0 / Math.max(1, r.offered()) / 1_000.0; // ns -> us per 1k
                    final StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                        "round %d %-18s offered %,d loss %.4f%% | CPU us per 1k events:", round, peer, r.offered(),
                        100 * r.loss()));
                    for (final Map.Entry<String, Long> e : new TreeMap<>(after).entrySet())
                    {
                        final long spent = e.getValue() - before.getOrDefault(e.getKey(), 0L);
                        if (spent > 0 && isPipelineThread(e.getKey()))
                        {
                            line.append(String.format(Locale.ROOT, " %s=%.1f", e.getKey(), spent * perThousand));
                        }
                    }
                    line.append(String.format(Locale.ROOT, " | process=%.1f (load %s)", process * perThousand,
                        loadAverage()));
                    System.out.println(line);
                }
            }
        }
    }

    private static boolean isPipelineThread(final String name)
    {
        return name.startsWith("ringcast") || name.startsWith("bench") || name.equals("main") ||
            name.contains("disruptor") || name.contains("Submission") || name.contains("ForkJoin");
    }

    private static Map<String, Long> cpuByThread(final ThreadMXBean threads)
    {
        final Map<String, Long> cpu = new HashMap<>();
        for (final ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds()))
        {
            if (info != null)
            {
                final long ns = threads.getThreadCpuTime(info.getThreadId());
                if (ns > 0)
                {
                    cpu.merge(info.getThreadName().replaceAll("-\\d+$", ""), ns, Long::sum);
                }
            }
        }
        return cpu;
    }

    private static String loadAverage()
    {
        return String.format(Locale.ROOT, "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
