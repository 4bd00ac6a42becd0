package io.ringcast.bench.report;

import io.ringcast.bench.peer.Peers;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads JMH JSON result files ({@code -rf json}) written by the Ringcast benchmarks and prints Markdown tables: each
 * peer's figures and Ringcast's ratio to it, then the issue's goals checked against them.
 *
 * <p>Results of the same benchmark with the same parameters in several files (the rounds of {@code bench/run.sh
 * --rounds N}, each running every peer once, so that a peer's searches are spread over the run's phases instead of
 * falling in one) are one row: their iterations are pooled. Every figure is the <b>median</b> of the row's iterations,
 * shown with their range; ratios are ratios of medians. On a host whose speed swings between minutes a mean follows
 * one slow iteration and a ratio of two single runs follows the phase each fell in. Each row's last column is the
 * host's memory speed when its forks started ({@code memWalkMs}, {@code RigBenchmark}), so a figure is read beside
 * the phase it was measured in.
 *
 * <pre>{@code java -cp bench/target/benchmarks.jar io.ringcast.bench.report.Summary results/*.json}</pre>
 *
 * Not thread-safe; a command-line tool.
 */
public final class Summary
{
    static final List<String> PEER_ORDER = List.of(
        "ringcast", "ringcast-single", "ringcast-yielding", "disruptor-minimal-blocking", "disruptor-minimal",
        "disruptor-minimal-yielding", "submission-publisher", "sharing-bus", "reactor");
    /** The minimal design with the wait strategy of Ringcast's default ({@code BLOCKING}): the engine issue's reference. */
    static final String SAME_WAIT_MINIMAL = Peers.DISRUPTOR_MINIMAL_BLOCKING;
    /** The minimal design with the harness's common back-off wait: reported beside the goal. */
    static final String BACKOFF_MINIMAL = Peers.DISRUPTOR_MINIMAL;

    private final List<Row> rows = new ArrayList<>();
    private final PrintStream out;

    Summary(final PrintStream out)
    {
        this.out = out;
    }

    public static void main(final String[] args) throws IOException
    {
        if (args.length == 0)
        {
            System.err.println("usage: Summary <jmh-result.json>...");
            System.exit(2);
        }
        final Summary s = new Summary(System.out);
        for (final String a : args)
        {
            s.load(Path.of(a));
        }
        s.print();
    }

    /**
     * One JMH result: benchmark method, parameters, metric name to its per-iteration values (all forks, all files).
     * Scores are recomputed from the raw values: JMH sums auxiliary "events" counters over iterations, we want their
     * median.
     */
    record Row(String benchmark, Map<String, String> params, Map<String, double[]> metrics)
    {
        /** @return the iterations this row pools. */
        int iterations()
        {
            final double[] primary = metrics.get("primary");
            return primary == null ? 0 : primary.length;
        }

        /** Appends another result's iterations of every metric both have (a metric only one has keeps its own). */
        void pool(final Row other)
        {
            other.metrics.forEach((name, values) -> metrics.merge(name, values, Summary::concat));
        }

        String param(final String name)
        {
            return params.getOrDefault(name, "");
        }

        double[] values(final String metric)
        {
            return metrics.get(metric);
        }

        double score(final String metric)
        {
            return Stats.median(metrics.get(metric));
        }
    }

    @SuppressWarnings("unchecked")
    /** @return the rows loaded so far. */
    List<Row> rows()
    {
        return rows;
    }

    void load(final Path file) throws IOException
    {
        final String text = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (text.isEmpty())
        {
            return;
        }
        for (final Object o : (List<Object>)Json.parse(text))
        {
            final Map<String, Object> r = (Map<String, Object>)o;
            final String bench = (String)r.get("benchmark");
            final String shortName = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1);
            final Map<String, String> params = new LinkedHashMap<>();
            final Object p = r.get("params");
            if (p instanceof Map<?, ?> pm)
            {
                pm.forEach((k, v) -> params.put((String)k, String.valueOf(v)));
            }
            final Map<String, double[]> metrics = new LinkedHashMap<>();
            metrics.put("primary", metric((Map<String, Object>)r.get("primaryMetric")));
            final Object sec = r.get("secondaryMetrics");
            if (sec instanceof Map<?, ?> sm)
            {
                sm.forEach((k, v) -> metrics.put((String)k, metric((Map<String, Object>)v)));
            }
            final Row row = new Row(shortName, params, metrics);
            final Row same = rowOf(shortName, params);
            if (same == null)
            {
                rows.add(row);
            }
            else
            {
                same.pool(row);
            }
        }
    }

    /** @return the row already loaded for this benchmark and these parameters (an earlier round), or null. */
    private Row rowOf(final String benchmark, final Map<String, String> params)
    {
        for (final Row r : rows)
        {
            if (r.benchmark.equals(benchmark) && r.params.equals(params))
            {
                return r;
            }
        }
        return null;
    }

    private static double[] concat(final double[] a, final double[] b)
    {
        final double[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static double[] metric(final Map<String, Object> m)
    {
        final List<Double> values = new ArrayList<>();
        final Object raw = m.get("rawData");
        if (raw instanceof List<?> forks)
        {
            for (final Object fork : forks)
            {
                if (fork instanceof List<?> iterations)
                {
                    for (final Object v : iterations)
                    {
                        values.add(Json.number(v));
                    }
                }
            }
        }
        if (values.isEmpty())
        {
            return new double[] {Json.number(m.get("score"))};
        }
        final double[] a = new double[values.size()];
        for (int i = 0; i < a.length; i++)
        {
            a[i] = values.get(i);
        }
        return a;
    }

    void print()
    {
        throughput("BroadcastBenchmark.broadcast", "subscribers", "Broadcast (workload 1): every subscriber matches");
        throughput("RoutingBenchmark.routing", "subscribers", "Selective routing (workload 2): one match per event");
        throughput("ProducersBenchmark.producers", "producers", "Producers (workload 5): 16 subscribers, N publishers");
        throughput("PublishDrainBenchmark.publishDrain", "subscribers", "Publish to drain, Ringcast alone");
        latency();
        sse();
        goals();
    }

    private List<Row> select(final String benchmark)
    {
        final List<Row> selected = new ArrayList<>();
        for (final Row r : rows)
        {
            if (r.benchmark.equals(benchmark))
            {
                selected.add(r);
            }
        }
        selected.sort((a, b) -> Integer.compare(peerRank(a.param("peer")), peerRank(b.param("peer"))));
        return selected;
    }

    private static int peerRank(final String peer)
    {
        final int i = PEER_ORDER.indexOf(peer);
        return i < 0 ? PEER_ORDER.size() : i;
    }

    private void throughput(final String benchmark, final String groupBy, final String title)
    {
        final List<Row> selected = select(benchmark);
        if (selected.isEmpty())
        {
            return;
        }
        final Set<String> groups = new LinkedHashSet<>();
        selected.forEach(r -> groups.add(r.param(groupBy)));
        for (final String g : groups)
        {
            out.println();
            out.println("### " + title + " — " + groupBy + " = " + g);
            out.println();
            out.println("| peer | lossless events/s | lossless deliveries/s | saturated deliveries/s | saturated delivered " +
                "| B/delivery (all threads) | B/delivery (-prof gc) | Ringcast ÷ peer, lossless | Ringcast ÷ peer, saturated " +
                "| searches | mem-walk ms |");
            out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            final Row rc = find(selected, groupBy, g, "ringcast");
            for (final Row r : selected)
            {
                if (!r.param(groupBy).equals(g))
                {
                    continue;
                }
                out.printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %s |%n",
                    r.param("peer"),
                    withRange(r, "losslessEventsPerSec"),
                    si(r.score("losslessDeliveriesPerSec")),
                    withRange(r, "saturatedDeliveriesPerSec"),
                    pct(r.score("saturatedDeliveredPct")),
                    fixed(r.score("allocBytesPerDelivery")),
                    fixed(Stats.median(Stats.divide(r.values("gc.alloc.rate.norm"), r.values("deliveries")))),
                    ratio(rc, r, "losslessEventsPerSec"),
                    ratio(rc, r, "saturatedDeliveriesPerSec"),
                    r.iterations(),
                    msRange(r, "memWalkMs"));
            }
        }
    }

    private void latency()
    {
        for (final List<Row> selected : latencyByPublisher())
        {
            final Row first = selected.get(0);
            final String publisher = first.param("publisher");
            out.println();
            out.println("### Latency (workload 3): " + first.param("subscribers") + " subscribers at " +
                first.param("eventsPerSec") + " events/s offered, " + first.param("measureMs") +
                " ms measured, µs from intended send time" +
                publisherLabel(publisher));
            out.println();
            out.println("| peer | p50 µs | p99 µs | p99.9 µs | max µs | lost | Ringcast p99 ÷ peer p99 | runs | mem-walk ms |");
            out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            final Row rc = find(selected, "peer", "ringcast", "ringcast");
            for (final Row r : selected)
            {
                out.printf("| %s | %s | %s | %s | %s | %s | %s | %d | %s |%n", r.param("peer"), fixed(r.score("p50Us")),
                    fixed(r.score("p99Us")), fixed(r.score("p999Us")), fixed(r.score("maxUs")), pct(r.score("lossPct")),
                    rc == null ? "" : fixed(rc.score("p99Us") / r.score("p99Us")), r.iterations(),
                    msRange(r, "memWalkMs"));
            }
        }
    }

    /** @return ", parking publisher" or ", yielding publisher"; empty for results from before the parameter. */
    private static String publisherLabel(final String publisher)
    {
        return publisher.isEmpty() ? "" : ", " + ("yield".equals(publisher) ? "yielding" : "parking") + " publisher";
    }

    /** @return the latency rows, one list per publisher wait ({@code park}, {@code yield}; none in older results). */
    private List<List<Row>> latencyByPublisher()
    {
        final Map<String, List<Row>> byPublisher = new LinkedHashMap<>();
        for (final Row r : select("LatencyBenchmark.latency"))
        {
            byPublisher.computeIfAbsent(r.param("publisher"), k -> new ArrayList<>()).add(r);
        }
        return new ArrayList<>(byPublisher.values());
    }

    private void sse()
    {
        final List<Row> selected = new ArrayList<>();
        for (final Row r : rows)
        {
            if (r.benchmark.startsWith("SseFrameBenchmark."))
            {
                selected.add(r);
            }
        }
        if (selected.isEmpty())
        {
            return;
        }
        out.println();
        out.println("### SSE frame (workload 6)");
        out.println();
        out.println("| variant | streams | payload B | ns/event | ns/delivery | B/event (-prof gc) |");
        out.println("|---|---:|---:|---:|---:|---:|");
        for (final Row r : selected)
        {
            final double streams = Double.parseDouble(r.param("streams"));
            out.printf("| %s | %s | %s | %s | %s | %s |%n", r.benchmark.substring(r.benchmark.indexOf('.') + 1),
                r.param("streams"), r.param("payloadBytes"), withRange(r, "primary"),
                fixed(r.score("primary") / streams), si(r.score("gc.alloc.rate.norm")));
        }
    }

    /** Ringcast with the dispatcher on the publishing thread: printed beside the latency goal, for information. */
    private static final String INLINE = Peers.RINGCAST_INLINE;

    private void goals()
    {
        out.println();
        out.println("### Goals, from this run");
        out.println();
        final List<Row> bc = select("BroadcastBenchmark.broadcast");
        final Row rc16 = find(bc, "subscribers", "16", "ringcast");
        for (final String subscribers : List.of("1", "16", "256"))
        {
            minimalGoals(find(bc, "subscribers", subscribers, "ringcast"),
                find(bc, "subscribers", subscribers, SAME_WAIT_MINIMAL),
                find(bc, "subscribers", subscribers, BACKOFF_MINIMAL), "broadcast " + subscribers);
        }
        goal(rc16, find(bc, "subscribers", "16", "submission-publisher"), "losslessEventsPerSec", 1.5,
            "broadcast 16, lossless: >= 1.5x submission-publisher");
        final List<Row> rt = select("RoutingBenchmark.routing");
        final Row rcr = find(rt, "peer", "ringcast", "ringcast");
        minimalGoals(rcr, find(rt, "peer", SAME_WAIT_MINIMAL, SAME_WAIT_MINIMAL),
            find(rt, "peer", BACKOFF_MINIMAL, BACKOFF_MINIMAL), "routing 10,000");
        for (final List<Row> lat : latencyByPublisher())
        {
            final Row rcl = find(lat, "peer", "ringcast", "ringcast");
            if (rcl == null)
            {
                continue;
            }
            final String publisher = publisherLabel(rcl.param("publisher"));
            for (final String metric : List.of("p99Us", "p999Us"))
            {
                Row best = rcl;
                for (final Row r : lat)
                {
                    if (!r.param("peer").startsWith("ringcast") && r.score(metric) < best.score(metric))
                    {
                        best = r;
                    }
                }
                out.printf("- latency %s the lowest of all peers%s: ringcast %s µs, lowest %s (%s µs) -> %s%n",
                    metric.replace("Us", "").replace("p999", "p99.9"), publisher, fixed(rcl.score(metric)),
                    best.param("peer"), fixed(best.score(metric)), best == rcl ? "MET" : "MISSED");
                final Row inline = find(lat, "peer", INLINE, INLINE);
                if (inline != null)
                {
                    out.printf("- (information) latency %s%s, with the dispatcher on the publishing thread: %s %s µs, " +
                        "%s%n", metric.replace("Us", "").replace("p999", "p99.9"), publisher, INLINE,
                        fixed(inline.score(metric)), inline.score(metric) < best.score(metric)
                            ? "lower than every other peer's" : "lowest other peer " + best.param("peer"));
                }
            }
        }
        if (rc16 != null)
        {
            out.printf("- allocation ~0 B per delivery: ringcast broadcast 16 = %s B/delivery (all threads, " +
                "publisher and consumer included)%n", fixed(rc16.score("allocBytesPerDelivery")));
        }
        if (rcr != null)
        {
            out.printf("- allocation, routing: ringcast = %s B/delivery%n", fixed(rcr.score("allocBytesPerDelivery")));
        }
    }

    /**
     * The engine issue's goal against the minimal design: saturated deliveries/s at least 80 % of the minimal design with
     * the same wait strategy ({@link #SAME_WAIT_MINIMAL}), and never a lower delivered share than it; then, for
     * information, the same ratio against the minimal design with the harness's back-off wait.
     */
    private void minimalGoals(final Row ringcast, final Row same, final Row backoff, final String what)
    {
        goal(ringcast, same, "saturatedDeliveriesPerSec", 0.8,
            what + ", saturated: >= 80% of " + SAME_WAIT_MINIMAL + " (the same wait strategy)");
        if (ringcast != null && same != null)
        {
            final double share = ringcast.score("saturatedDeliveredPct");
            final double sameShare = same.score("saturatedDeliveredPct");
            out.printf("- %s, saturated delivered share: never lower than %s's: %s against %s -> %s%n", what,
                SAME_WAIT_MINIMAL, pct(share), pct(sameShare), notLower(share, sameShare) ? "MET" : "MISSED");
        }
        if (ringcast != null && backoff != null)
        {
            out.printf("- (information) %s, saturated, against %s (the harness's back-off wait): %s, delivered share " +
                "%s against %s%n", what, BACKOFF_MINIMAL,
                fixedRatio(ringcast.score("saturatedDeliveriesPerSec") / backoff.score("saturatedDeliveriesPerSec")),
                pct(ringcast.score("saturatedDeliveredPct")), pct(backoff.score("saturatedDeliveredPct")));
        }
    }

    /**
     * @return whether a delivered share (in %) is not lower than another at the precision the tables print (three
     *         decimals): 99.9996 % and 100 % both read 100.000 % and count as equal.
     */
    static boolean notLower(final double sharePct, final double otherPct)
    {
        return Math.round(sharePct * 1000) >= Math.round(otherPct * 1000);
    }

    private void goal(final Row ringcast, final Row peer, final String metric, final double target, final String what)
    {
        if (ringcast == null || peer == null)
        {
            out.println("- " + what + ": not measured in this run");
            return;
        }
        final double r = ringcast.score(metric) / peer.score(metric);
        // three decimals: a ratio of 0.796 against a target of 0.8 must not read "0.80x -> MISSED"
        out.printf("- %s: %s -> %s%n", what, String.format("%.3fx", r), r >= target ? "MET" : "MISSED");
    }

    private static Row find(final List<Row> selected, final String param, final String value, final String peer)
    {
        for (final Row r : selected)
        {
            if (r.param(param).equals(value) && r.param("peer").equals(peer))
            {
                return r;
            }
        }
        return null;
    }

    private static String ratio(final Row ringcast, final Row peer, final String metric)
    {
        if (ringcast == null || ringcast == peer)
        {
            return "";
        }
        return fixedRatio(ringcast.score(metric) / peer.score(metric));
    }

    private static String fixedRatio(final double r)
    {
        return Double.isNaN(r) || Double.isInfinite(r) ? "n/a" : String.format("%.2fx", r);
    }

    /** @return the median, and when the iterations differ their range: {@code 1.20M (0.90M–1.50M)}. */
    private static String withRange(final Row r, final String metric)
    {
        return withRange(r.values(metric), Summary::si);
    }

    /** @return the median of {@code v}, and when they differ their range, each written by {@code format}. */
    private static String withRange(final double[] v, final java.util.function.DoubleFunction<String> format)
    {
        final String median = format.apply(Stats.median(v));
        final String min = format.apply(Stats.min(v));
        final String max = format.apply(Stats.max(v));
        return min.equals(max) ? median : median + " (" + min + "–" + max + ")";
    }

    /**
     * @return a time in whole milliseconds, the median and, when the iterations differ, their range
     *         ({@code 652 (610–731)}); {@code n/a} for results from before the metric.
     */
    static String msRange(final Row r, final String metric)
    {
        final double[] v = r.values(metric);
        return v == null || v.length == 0 ? "n/a" : withRange(v, ms -> String.format("%.0f", ms));
    }

    static String si(final double v)
    {
        if (Double.isNaN(v))
        {
            return "n/a";
        }
        final double a = Math.abs(v);
        if (a >= 1e9)
        {
            return String.format("%.2fG", v / 1e9);
        }
        if (a >= 1e6)
        {
            return String.format("%.2fM", v / 1e6);
        }
        if (a >= 1e4)
        {
            return String.format("%.0fk", v / 1e3);
        }
        if (a >= 1e3)
        {
            return String.format("%.1fk", v / 1e3);
        }
        return String.format("%.1f", v);
    }

    private static String fixed(final double v)
    {
        return Double.isNaN(v) || Double.isInfinite(v) ? "n/a" : a(v);
    }

    private static String a(final double v)
    {
        return Math.abs(v) >= 100 ? String.format("%.0f", v) : String.format("%.2f", v);
    }

    private static String pct(final double v)
    {
        return Double.isNaN(v) ? "n/a" : String.format("%.3f%%", v);
    }
}
