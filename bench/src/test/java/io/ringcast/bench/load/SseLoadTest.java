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
