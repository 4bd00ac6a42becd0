package io.ringcast.bench.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the journal costs the engine, from paired runs: each JSON file holds one round in which {@code ringcast} and
 * {@code ringcast-journal} ran the same workloads in one JMH invocation. For every workload it prints each round's
 * ratio (journal ÷ memory only) of the saturated and of the lossless deliveries/s, and their median over the rounds:
 * pairing within a round cancels most of what other load on the machine does to both.
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar io.ringcast.bench.report.JournalOverhead round-*.json
 * </pre>
 *
 * <p>Thread-safety: a command-line program.
 */
public final class JournalOverhead
{
    private static final String[] METRICS = {"saturatedDeliveriesPerSec", "losslessDeliveriesPerSec"};

    private JournalOverhead()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        if (args.length == 0)
        {
            System.err.println("usage: JournalOverhead <round.json>...");
            System.exit(2);
        }
        final PrintStream out = System.out;
        // workload -> metric -> ratios, one per round
        final Map<String, Map<String, List<Double>>> ratios = new TreeMap<>();
        final Map<String, Map<String, List<String>>> pairs = new TreeMap<>();
        for (final String file : args)
        {
            final Summary round = new Summary(out);
            round.load(Path.of(file));
            final Map<String, Summary.Row> memory = new TreeMap<>();
            final Map<String, Summary.Row> journal = new TreeMap<>();
            for (final Summary.Row row : round.rows())
            {
                final String workload = row.benchmark().replace("Benchmark.", " ").replaceAll("^(\\w+) \\w+$", "$1") +
                    " subscribers=" + row.param("subscribers");
                switch (row.param("peer"))
                {
                    case "ringcast" -> memory.put(workload, row);
                    case "ringcast-journal" -> journal.put(workload, row);
                    default ->
                    {
                    }
                }
            }
            for (final Map.Entry<String, Summary.Row> e : memory.entrySet())
            {
                final Summary.Row withJournal = journal.get(e.getKey());
                if (withJournal == null)
                {
                    continue;
                }
                for (final String metric : METRICS)
                {
                    final double[] m = e.getValue().values(metric);
                    final double[] j = withJournal.values(metric);
                    if (m == null || j == null)
                    {
                        continue;
                    }
                    final double mm = Stats.mean(m);
                    final double jm = Stats.mean(j);
                    ratios.computeIfAbsent(e.getKey(), k -> new TreeMap<>())
                        .computeIfAbsent(metric, k -> new ArrayList<>()).add(jm / mm);
                    pairs.computeIfAbsent(e.getKey(), k -> new TreeMap<>())
                        .computeIfAbsent(metric, k -> new ArrayList<>())
                        .add(String.format(Locale.ROOT, "%s / %s", human(jm), human(mm)));
                }
            }
        }
        out.println("| workload | figure | each round: journal / memory only (ratio) | median ratio |");
        out.println("|---|---|---|---:|");
        for (final Map.Entry<String, Map<String, List<Double>>> w : ratios.entrySet())
        {
            for (final Map.Entry<String, List<Double>> m : w.getValue().entrySet())
            {
                final List<Double> r = m.getValue();
                final List<String> p = pairs.get(w.getKey()).get(m.getKey());
                final StringBuilder rounds = new StringBuilder();
                for (int i = 0; i < r.size(); i++)
                {
                    rounds.append(i == 0 ? "" : "; ").append(p.get(i))
                        .append(String.format(Locale.ROOT, " (%.2f)", r.get(i)));
                }
                out.printf(Locale.ROOT, "| %s | %s | %s | **%.2f** |%n", w.getKey(),
                    m.getKey().replace("DeliveriesPerSec", " deliveries/s"), rounds, median(r));
            }
        }
    }

    private static double median(final List<Double> values)
    {
        final double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String human(final double v)
    {
        return v >= 1e6 ? String.format(Locale.ROOT, "%.2fM", v / 1e6) : String.format(Locale.ROOT, "%.0fk", v / 1e3);
    }
}
