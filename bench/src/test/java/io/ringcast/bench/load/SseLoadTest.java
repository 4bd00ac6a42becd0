package io.ringcast.bench.load;

import io.ringcast.sse.RingcastServer;
import io.ringcast.sse.ServerConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the SSE load tool end to end against a real in-process server, so that the tool whose figures are published in
 * docs/BENCHMARKS.md is itself checked: every stream connects, every event is counted exactly once and the report has
 * all its lines. Asserts correctness only, never speed.
 */
class SseLoadTest
{
    @Test
    void shouldCountEveryEventExactlyOnceAndReportEveryLine() throws Exception
    {
        final String out;
        try (RingcastServer server = RingcastServer.start(
            new ServerConfig().bindAddress("127.0.0.1").port(0).ioThreads(1)))
        {
            out = runTool("--url", "http://127.0.0.1:" + server.port(), "--streams", "20", "--topics", "2",
                "--rate", "200", "--duration", "2", "--warmup", "1", "--threads", "1", "--publishers", "2",
                "--drain-ms", "500");
        }

        assertTrue(out.contains("RESULT streams=20/20 topics=2 mode=single"), out);
        assertTrue(out.contains(" refused503=0 errors=0 "), out);
        assertTrue(out.contains(" lost=0 duplicated=0 streams-closed-early=0"), out);
        assertTrue(out.contains("load tool GC over the window: "), out);
        final Matcher series = Pattern.compile("RESULT max latency per second of the window, ms:((?: [0-9.]+)+)")
            .matcher(out);
        assertTrue(series.find(), out);
        assertEquals(2, series.group(1).trim().split(" ").length, out);
        final Matcher delivered = Pattern.compile("RESULT delivered/s=(\\d+)").matcher(out);
        assertTrue(delivered.find(), out);
        // the rate depends on the machine (a test asserts no speed): the figure is reported and events arrived
        assertTrue(Long.parseLong(delivered.group(1)) > 0, out);
    }

    @Test
    void shouldFindACeilingWithPipelinedPublishesAndCountNoLossOverThePassedSteps() throws Exception
    {
        final String out;
        try (RingcastServer server = RingcastServer.start(
            new ServerConfig().bindAddress("127.0.0.1").port(0).ioThreads(1)))
        {
            out = runTool("--url", "http://127.0.0.1:" + server.port(), "--streams", "10", "--topics", "2",
                "--ramp", "100,100,300", "--step-seconds", "1", "--warmup", "1", "--threads", "1", "--publishers", "2",
                "--pipeline", "4", "--drain-ms", "500");
        }

        // three steps, each reported; the ramp's maximum is reached on any machine at these rates
        assertEquals(3, Pattern.compile("(?m)^step \\d+/s: ").matcher(out).results().count(), out);
        final Matcher ceiling = Pattern.compile("RESULT ceiling posts/s=(\\d+) \\(step (\\d+)/s\\) delivered/s=\\d+ " +
            "lost=(\\d+) ").matcher(out);
        assertTrue(ceiling.find(), out);
        assertEquals("300", ceiling.group(2), out);
        assertEquals("0", ceiling.group(3), out);
        assertTrue(out.contains("stopped by: the ramp's maximum"), out);
        assertTrue(out.contains(" refused503=0 errors=0 "), out);
    }

    @Test
    void shouldPublishNdjsonBatchesOverPipelinedConnectionsWithoutLoss() throws Exception
    {
        final String out;
        try (RingcastServer server = RingcastServer.start(
            new ServerConfig().bindAddress("127.0.0.1").port(0).ioThreads(1)))
        {
            out = runTool("--url", "http://127.0.0.1:" + server.port(), "--streams", "6", "--topics", "3",
                "--rate", "3000", "--mode", "ndjson", "--batch", "30", "--duration", "1", "--warmup", "1",
                "--threads", "1", "--publishers", "2", "--pipeline", "3", "--drain-ms", "500");
        }

        assertTrue(out.contains(" refused503=0 errors=0 "), out);
        assertTrue(out.contains(" lost=0 duplicated=0 streams-closed-early=0"), out);
    }

    private static String runTool(final String... args) throws Exception
    {
        final PrintStream original = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try
        {
            SseLoad.main(args);
        }
        finally
        {
            System.setOut(original);
        }
        final String out = captured.toString(StandardCharsets.UTF_8);
        original.print(out);
        return out;
    }
}
