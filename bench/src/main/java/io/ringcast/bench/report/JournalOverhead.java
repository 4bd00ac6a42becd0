package io.ringcast.bench.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the journal costs the engine, from paired runs: in each round {@code ringcast} and {@code ringcast-journal}
 * (and any other peer, such as the stand-ins {@code ringcast-follower} and {@code ringcast-chronicle}) ran a workload
 * in one JMH invocation (files named {@code round-<n>-<workload>.json} belong to round n; any other file is a round of
 * its own). For every workload and peer it prints each round's ratio (peer ÷ memory only, {@code ringcast}) of the
 * saturated and of the lossless deliveries/s, and their median over the rounds: pairing within a round cancels most
 * of what other load on the machine does to both.
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar io.ringcast.bench.report.JournalOverhead bench/results/journal-overhead-X/round-*.json
 * </pre>
 *
 * <p>Thread-safety: a command-line program.
 */
public final class JournalOverhead
{
    private static final Pattern ROUND_FILE = Pattern.compile("round-(\\d+)-.*\\.json");
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
        // workload + peer -> metric -> ratios, one per round
        final Map<String, Map<String, List<Double>>> ratios = new TreeMap<>();
        final Map<String, Map<String, List<String>>> pairs = new TreeMap<>();
        final Map<String, Summary> rounds = new TreeMap<>();
        for (final String file : args)
        {
            final Matcher m = ROUND_FILE.matcher(Path.of(file).getFileName().toString());
            rounds.computeIfAbsent(m.matches() ? "round " + m.group(1) : file, k -> new Summary(out)).load(Path.of(file));
        }
        for (final Summary round : rounds.values())
        {
            final Map<String, Summary.Row> memory = new TreeMap<>();
            final Map<String, Map<String, Summary.Row>> others = new TreeMap<>();
            for (final Summary.Row row : round.rows())
            {
                final String workload = row.benchmark().replace("Benchmark.", " ").replaceAll("^(\\w+) \\w+$", "$1") +
                    " subscribers=" + row.param("subscribers");
                final String peer = row.param("peer");
                if ("ringcast".equals(peer))
                {
                    memory.put(workload, row);
                }
                else
                {
                    others.computeIfAbsent(peer, k -> new TreeMap<>()).put(workload, row);
                }
            }
            for (final Map.Entry<String, Summary.Row> e : memory.entrySet())
            {
                for (final Map.Entry<String, Map<String, Summary.Row>> peer : others.entrySet())
                {
                    final Summary.Row other = peer.getValue().get(e.getKey());
                    if (other == null)
                    {
                        continue;
                    }
                    final String key = e.getKey() + " | " + peer.getKey();
                    for (final String metric : METRICS)
                    {
                        final double[] m = e.getValue().values(metric);
                        final double[] j = other.values(metric);
                        if (m == null || j == null)
                        {
                            continue;
                        }
                        final double mm = Stats.mean(m);
                        final double jm = Stats.mean(j);
                        ratios.computeIfAbsent(key, k -> new TreeMap<>())
                            .computeIfAbsent(metric, k -> new ArrayList<>()).add(jm / mm);
                        pairs.computeIfAbsent(key, k -> new TreeMap<>())
                            .computeIfAbsent(metric, k -> new ArrayList<>())
                            .add(String.format(Locale.ROOT, "%s / %s", human(jm), human(mm)));
                    }
                }
            }
        }
        out.println("| workload | peer | figure | each round: peer / memory only (ratio) | median ratio |");
        out.println("|---|---|---|---|---:|");
        for (final Map.Entry<String, Map<String, List<Double>>> w : ratios.entrySet())
        {
            for (final Map.Entry<String, List<Double>> m : w.getValue().entrySet())
            {
                final List<Double> r = m.getValue();
                final List<String> p = pairs.get(w.getKey()).get(m.getKey());
                final StringBuilder each = new StringBuilder();
                for (int i = 0; i < r.size(); i++)
                {
                    each.append(i == 0 ? "" : "; ").append(p.get(i))
                        .append(String.format(Locale.ROOT, " (%.2f)", r.get(i)));
                }
                out.printf(Locale.ROOT, "| %s | %s | %s | **%.2f** |%n", w.getKey(),
                    m.getKey().replace("DeliveriesPerSec", " deliveries/s"), each, median(r));
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
