package io.ringcast.bench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SummaryTest
{
    @TempDir
    Path dir;

    @Test
    void shouldPrintOneLatencyTableAndOneGoalPairPerPublisher() throws IOException
    {
        final String out = summarise(List.of(
            latencyRow("ringcast", "park", 60, 400, 2500),
            latencyRow("reactor", "park", 45, 500, 2400),
            latencyRow("ringcast", "yield", 15, 300, 1900),
            latencyRow("reactor", "yield", 2, 900, 2000)));

        assertContainsAll(out,
            "µs from intended send time, parking publisher",
            "µs from intended send time, yielding publisher",
            "- latency p99 the lowest of all peers, parking publisher: ringcast 400 µs, lowest ringcast (400 µs) -> MET",
            "- latency p99.9 the lowest of all peers, parking publisher: ringcast 2500 µs, lowest reactor (2400 µs) " +
                "-> MISSED",
            "- latency p99 the lowest of all peers, yielding publisher: ringcast 300 µs, lowest ringcast (300 µs) -> MET",
            "- latency p99.9 the lowest of all peers, yielding publisher: ringcast 1900 µs, lowest ringcast (1900 µs) " +
                "-> MET");
        assertEquals(2, out.split("### Latency", -1).length - 1, out);
    }

    @Test
    void shouldPrintTheInlineDispatcherBesideTheLatencyGoalForInformation() throws IOException
    {
        final String out = summarise(List.of(
            latencyRow("ringcast", "park", 60, 900, 4000),
            latencyRow("ringcast-inline", "park", 45, 300, 2000),
            latencyRow("reactor", "park", 45, 400, 2400)));

        assertContainsAll(out,
            "- latency p99 the lowest of all peers, parking publisher: ringcast 900 µs, lowest reactor (400 µs) -> MISSED",
            "- (information) latency p99, parking publisher, with the dispatcher on the publishing thread: " +
                "ringcast-inline 300 µs, lower than every other peer's",
            "- (information) latency p99.9, parking publisher, with the dispatcher on the publishing thread: " +
                "ringcast-inline 2000 µs, lower than every other peer's");
    }

    @Test
    void shouldReadLatencyResultsFromBeforeThePublisherParameter() throws IOException
    {
        final String out = summarise(List.of(latencyRow("ringcast", null, 50, 100, 1500),
            latencyRow("submission-publisher", null, 38, 67, 1480)));

        assertTrue(out.contains("µs from intended send time\n"), out);
        assertFalse(out.contains("parking publisher") || out.contains("yielding publisher"), out);
        assertTrue(out.contains("- latency p99 the lowest of all peers: ringcast 100 µs, lowest submission-publisher " +
            "(67.00 µs) -> MISSED"), out);
    }

    @Test
    void shouldJudgeTheSaturatedGoalAgainstTheMinimalDesignWithTheSameWaitStrategy() throws IOException
    {
        final String out = summarise(List.of(
            broadcastRow("ringcast", 16, 50e6, 20.0),
            broadcastRow("disruptor-minimal-blocking", 16, 40e6, 25.0),
            broadcastRow("disruptor-minimal", 16, 170e6, 51.0),
            broadcastRow("ringcast", 256, 120e6, 12.0),
            broadcastRow("disruptor-minimal-blocking", 256, 200e6, 95.0)));

        assertContainsAll(out,
            "- broadcast 16, saturated: >= 80% of disruptor-minimal-blocking (the same wait strategy): 1.250x -> MET",
            "- broadcast 16, saturated delivered share: never lower than disruptor-minimal-blocking's: 20.000% " +
                "against 25.000% -> MISSED",
            "- (information) broadcast 16, saturated, against disruptor-minimal (the harness's back-off wait): 0.29x, " +
                "delivered share 20.000% against 51.000%",
            "- broadcast 256, saturated: >= 80% of disruptor-minimal-blocking (the same wait strategy): 0.600x -> MISSED",
            "- broadcast 1, saturated: >= 80% of disruptor-minimal-blocking (the same wait strategy): not measured in " +
                "this run");
        assertFalse(out.contains("(information) broadcast 256"), out);
    }

    @Test
    void shouldPoolTheRoundsOfOneWorkloadAndJudgeOnTheMediansOfAllTheirSearches() throws IOException
    {
        final String out = summarise(
            List.of(broadcastRow("ringcast", 16, 50e6, 20.0), broadcastRow("disruptor-minimal-blocking", 16, 60e6, 30.0)),
            List.of(broadcastRow("ringcast", 16, 10e6, 5.0), broadcastRow("disruptor-minimal-blocking", 16, 62e6, 31.0)),
            List.of(broadcastRow("ringcast", 16, 58e6, 40.0), broadcastRow("disruptor-minimal-blocking", 16, 20e6, 10.0)));

        assertContainsAll(out,
            "| ringcast | 1.00M | 16.00M | 50.00M (10.00M–58.00M) | 20.000% | n/a | n/a |  |  | 3 |",
            "| disruptor-minimal-blocking | 1.00M | 16.00M | 60.00M (20.00M–62.00M) | 30.000% | n/a | n/a | 1.00x | " +
                "0.83x | 3 |",
            "- broadcast 16, saturated: >= 80% of disruptor-minimal-blocking (the same wait strategy): 0.833x -> MET",
            "- broadcast 16, saturated delivered share: never lower than disruptor-minimal-blocking's: 20.000% " +
                "against 30.000% -> MISSED");
        assertEquals(1, out.split("\\| ringcast \\|", -1).length - 1, out);
    }

    @Test
    void shouldPrintTheHostsMemorySpeedOfEachRowsForksAndNaForResultsFromBeforeIt() throws IOException
    {
        final String out = summarise(
            List.of(withMemWalk(broadcastRow("ringcast", 16, 50e6, 20.0), 652), broadcastRow("reactor", 16, 9e6, 99.0),
                withMemWalk(latencyRow("ringcast", "park", 60, 400, 2500), 497)),
            List.of(withMemWalk(broadcastRow("ringcast", 16, 52e6, 21.0), 731)),
            List.of(withMemWalk(broadcastRow("ringcast", 16, 48e6, 19.0), 610)));

        assertContainsAll(out,
            "| searches | mem-walk ms |",
            "| 3 | 652 (610–731) |",
            "| reactor | 1.00M | 16.00M | 9.00M | 99.000% | n/a | n/a | 1.00x | 5.56x | 1 | n/a |",
            "| runs | mem-walk ms |",
            "| 1 | 497 |");
    }

    @Test
    void shouldCompareDeliveredSharesAtThePrecisionTheTablesPrint()
    {
        assertTrue(Summary.notLower(99.9996, 100.0));
        assertTrue(Summary.notLower(42.0, 41.9));
        assertFalse(Summary.notLower(99.998, 100.0));
    }

    private static void assertContainsAll(final String out, final String... lines)
    {
        for (final String line : lines)
        {
            assertTrue(out.contains(line), () -> "missing: " + line + "\n" + out);
        }
    }

    /** One JSON file per list of rows, as bench/run.sh writes one per workload and round. */
    @SafeVarargs
    private String summarise(final List<String>... files) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final Summary summary = new Summary(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        for (int i = 0; i < files.length; i++)
        {
            final Path file = dir.resolve("results-" + i + ".json");
            Files.writeString(file, "[" + String.join(",", files[i]) + "]", StandardCharsets.UTF_8);
            summary.load(file);
        }
        summary.print();
        return bytes.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    private static String latencyRow(
        final String peer, final String publisher, final double p50, final double p99, final double p999)
    {
        final List<String> params = new ArrayList<>(List.of("\"peer\":\"" + peer + "\"", "\"subscribers\":\"16\"",
            "\"eventsPerSec\":\"100000\"", "\"measureMs\":\"10000\""));
        if (publisher != null)
        {
            params.add("\"publisher\":\"" + publisher + "\"");
        }
        return "{\"benchmark\":\"io.ringcast.bench.LatencyBenchmark.latency\",\"params\":{" + String.join(",", params) +
            "},\"primaryMetric\":{\"score\":1.0,\"rawData\":[[1.0]]},\"secondaryMetrics\":{" +
            metric("p50Us", p50) + "," + metric("p99Us", p99) + "," + metric("p999Us", p999) + "," +
            metric("maxUs", p999 * 2) + "," + metric("lossPct", 0) + "}}";
    }

    private static String broadcastRow(
        final String peer, final int subscribers, final double saturatedDeliveriesPerSec, final double deliveredPct)
    {
        return "{\"benchmark\":\"io.ringcast.bench.BroadcastBenchmark.broadcast\",\"params\":{\"peer\":\"" + peer +
            "\",\"subscribers\":\"" + subscribers + "\",\"stepMs\":\"400\"},\"primaryMetric\":{\"score\":1.0," +
            "\"rawData\":[[1.0]]},\"secondaryMetrics\":{" + metric("saturatedDeliveriesPerSec", saturatedDeliveriesPerSec) +
            "," + metric("saturatedDeliveredPct", deliveredPct) + "," + metric("losslessEventsPerSec", 1e6) + "," +
            metric("losslessDeliveriesPerSec", 1e6 * subscribers) + "}}";
    }

    /** @return {@code row} with the fork's memory walk among its secondary metrics. */
    private static String withMemWalk(final String row, final double ms)
    {
        return row.replace("\"secondaryMetrics\":{", "\"secondaryMetrics\":{" + metric("memWalkMs", ms) + ",");
    }

    private static String metric(final String name, final double value)
    {
        return "\"" + name + "\":{\"score\":" + value + ",\"rawData\":[[" + value + "]]}";
    }
}
