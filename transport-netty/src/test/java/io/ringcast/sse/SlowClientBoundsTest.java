package io.ringcast.sse;

import io.ringcast.test.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The byte bounds of the write path: clients that never read, on a topic carrying 60 KB events, next to healthy
 * streams. Every stalled client is cut off (by its byte budget or the write timeout), the server's unwritten bytes
 * stay within the global budget throughout, and the healthy streams receive every event.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SlowClientBoundsTest
{
    private static final int HEALTHY = 100;
    private static final int STALLED = 50;
    private static final int EVENTS = 120;
    private static final int EVENT_BYTES = 60_000;
    private static final long WRITE_TIMEOUT_MS = 2_000;
    private static final int STREAM_BUDGET = 256 * 1024;
    private static final long GLOBAL_BUDGET = 8L * 1024 * 1024;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private RingcastServer server;

    @AfterEach
    void close() throws Exception
    {
        for (final AutoCloseable r : resources)
        {
            r.close();
        }
        if (server != null)
        {
            server.close();
        }
    }

    @Test
    void shouldCutOffFiftyStalledClientsWithinTheBudgetsWhileAHundredHealthyStreamsReceiveEverything()
        throws Exception
    {
        final ServerConfig config = new ServerConfig()
            .streamBufferBytes(STREAM_BUDGET)
            .pendingBytesBudget(GLOBAL_BUDGET)
            .writeTimeoutMs(WRITE_TIMEOUT_MS);
        start(config);
        final List<CountingReader> healthy = new ArrayList<>();
        for (int i = 0; i < HEALTHY; i++)
        {
            healthy.add(resource(new CountingReader(server.port(), "/events?topic=big")));
        }
        final List<Socket> stalled = new ArrayList<>();
        for (int i = 0; i < STALLED; i++)
        {
            stalled.add(stalledClient("/events?topic=big"));
        }
        await(() -> server.engine().metrics().activeSubscriptions() >= HEALTHY + STALLED, "all streams registered",
            30);

        final AtomicLong maxPending = new AtomicLong();
        final Thread sampler = sampler(maxPending);
        final String payload = "\"" + "x".repeat(EVENT_BYTES) + "\"";
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < EVENTS; i += 10)
        {
            final StringBuilder batch = new StringBuilder();
            for (int j = 0; j < 10; j++)
            {
                batch.append("{\"topic\":\"big\",\"data\":").append(payload).append("}\n");
            }
            final HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/publish"))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(batch.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(202, r.statusCode(), r.body());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"(\\d+)\"").matcher(r.body());
            while (m.find())
            {
                ids.add(m.group(1));
            }
        }

        // every stalled client holds unwritten bytes once 7 MB were sent to it: the write timeout bounds its wait
        await(() -> server.context().metrics.slowClientDisconnects.sum() >= STALLED,
            "every stalled client cut off; metrics:\n" + metrics(), 2 * WRITE_TIMEOUT_MS / 1000 + 5);
        for (final CountingReader reader : healthy)
        {
            await(() -> reader.ids().size() >= EVENTS || reader.ended(), "a healthy stream to receive every event", 60);
            assertEquals(ids, reader.ids(), "a healthy stream receives every event, in order");
            assertTrue(!reader.ended(), "a healthy stream stays open");
        }
        sampler.interrupt();
        sampler.join();
        final String metrics = metrics();
        assertEquals(STALLED, server.context().metrics.slowClientDisconnects.sum(), metrics);
        assertTrue(maxPending.get() <= GLOBAL_BUDGET + STREAM_BUDGET + 2L * EVENT_BYTES,
            "unwritten bytes peaked at " + maxPending.get() + ", budget " + GLOBAL_BUDGET);
        assertTrue(metrics.contains("ringcast_slow_client_cutoffs_total{cause=\"stream_budget\"}"), metrics);
        for (final Socket s : stalled)
        {
            s.setSoTimeout(10_000);
            final InputStream in = s.getInputStream();
            final byte[] buffer = new byte[65536];
            try
            {
                while (in.read(buffer) >= 0)
                {
                    // what the server flushed before the cut-off, up to the end of the stream
                }
            }
            catch (final IOException reset)
            {
                // a connection cut with unread data may end with a reset: it ended either way
            }
        }
        await(() -> server.context().metrics.pendingBytes.get() == 0, "unwritten bytes accounted back to 0", 10);
    }

    @Test
    void shouldCutOffAClientThatStopsReadingByTheWriteTimeoutWhenItsBytesFitTheBudget() throws Exception
    {
        start(new ServerConfig().streamBufferBytes(64 * 1024 * 1024).writeTimeoutMs(WRITE_TIMEOUT_MS));
        final Socket stalled = stalledClient("/events?topic=t");
        await(() -> server.engine().metrics().activeSubscriptions() >= 1, "the stream registered", 10);
        // 10 MB: more than the socket buffers take, within the 1,024-event queue and the 64 MiB stream budget, so the
        // stream is left holding unwritten bytes that never reach the socket, and only the write timeout can end it
        final String payload = "\"" + "y".repeat(EVENT_BYTES) + "\"";
        final long start = System.nanoTime();
        for (int i = 0; i < 17; i++)
        {
            final StringBuilder batch = new StringBuilder();
            for (int j = 0; j < 10; j++)
            {
                batch.append("{\"topic\":\"t\",\"data\":").append(payload).append("}\n");
            }
            final HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/publish"))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(batch.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(202, r.statusCode(), r.body());
        }
        await(() -> server.context().metrics.slowClientDisconnects.sum() >= 1, "the stalled client cut off", 20);
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(WRITE_TIMEOUT_MS),
            "not cut off before its write timeout");
        final String metrics = metrics();
        assertEquals(1, server.context().metrics.cutOffs[CutOff.WRITE_TIMEOUT.ordinal()].sum(), metrics);
        assertTrue(metrics.contains("ringcast_slow_client_cutoffs_total{cause=\"write_timeout\"} 1"), metrics);
        await(() -> server.context().metrics.pendingBytes.get() == 0, "its unwritten bytes released", 10);
        stalled.close();
    }

    @Test
    void shouldDropAndCountWhatDoesNotFitWhenThePolicyIsDrop() throws Exception
    {
        start(new ServerConfig().streamBufferBytes(STREAM_BUDGET).slowClientPolicy(SlowClientPolicy.DROP)
            .writeTimeoutMs(60_000));
        final CountingReader healthy = resource(new CountingReader(server.port(), "/events?topic=t"));
        stalledClient("/events?topic=t");
        await(() -> server.engine().metrics().activeSubscriptions() >= 2, "the streams registered", 10);
        final String payload = "\"" + "z".repeat(EVENT_BYTES) + "\"";
        final BooleanSupplier dropped = () ->
            server.context().metrics.framesDropped[CutOff.STREAM_BUDGET.ordinal()].sum() > 0;
        int published = 0;
        while (!dropped.getAsBoolean() && published < 2_000)
        {
            final HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/publish"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"t\",\"data\":" + payload + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(202, r.statusCode(), r.body());
            published++;
        }
        assertTrue(dropped.getAsBoolean(), "frames dropped for the stalled stream after " + published + " events");
        final int sent = published;
        await(() -> healthy.ids().size() >= sent, "the healthy stream to receive every event", 30);
        assertEquals(0, server.context().metrics.slowClientDisconnects.sum(), "drop keeps the stream");
        assertTrue(metrics().contains("ringcast_stream_frames_dropped_total{cause=\"stream_budget\"} "), metrics());
    }

    private void start(final ServerConfig config)
    {
        server = RingcastServer.start(config.bindAddress("127.0.0.1").port(0));
    }

    private <T extends AutoCloseable> T resource(final T r)
    {
        resources.add(r);
        return r;
    }

    private URI uri(final String pathAndQuery)
    {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    private String metrics() throws Exception
    {
        return client.send(HttpRequest.newBuilder(uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString())
            .body();
    }

    /** A client with a 4 KiB receive buffer that sends its request and never reads. */
    private Socket stalledClient(final String path) throws IOException
    {
        final Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", server.port()));
        resources.add(s);
        final OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    private Thread sampler(final AtomicLong max)
    {
        final Thread t = new Thread(() ->
        {
            while (!Thread.currentThread().isInterrupted())
            {
                max.accumulateAndGet(server.context().metrics.pendingBytes.get(), Math::max);
                try
                {
                    Thread.sleep(1);
                }
                catch (final InterruptedException e)
                {
                    return;
                }
            }
        }, "pending-bytes-sampler");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void await(final BooleanSupplier condition, final String what, final long seconds)
    {
        Await.until(Duration.ofSeconds(seconds), what, condition);
    }

    /**
     * A reading SSE client on a raw socket that keeps only the event ids (the 60 KB payloads are skipped as they
     * stream by), so a hundred of them fit in a test JVM.
     */
    private static final class CountingReader implements AutoCloseable
    {
        private final Socket socket = new Socket();
        private final List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        private volatile boolean ended;

        CountingReader(final int port, final String path) throws IOException
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            final Thread t = new Thread(this::read, "counting-reader");
            t.setDaemon(true);
            t.start();
        }

        private void read()
        {
            // a line-start state machine: collects the text after "\nid: " up to the line end
            final byte[] buffer = new byte[65536];
            final StringBuilder id = new StringBuilder();
            int matched = 0; // chars of "\nid: " matched so far; 5 means collecting an id
            final byte[] marker = "\nid: ".getBytes(StandardCharsets.US_ASCII);
            try
            {
                final InputStream in = socket.getInputStream();
                int n;
                while ((n = in.read(buffer)) >= 0)
                {
                    for (int i = 0; i < n; i++)
                    {
                        final byte b = buffer[i];
                        if (matched == marker.length)
                        {
                            if (b == '\n')
                            {
                                ids.add(id.toString());
                                id.setLength(0);
                                matched = 1;
                            }
                            else
                            {
                                id.append((char)b);
                            }
                        }
                        else if (b == marker[matched])
                        {
                            matched++;
                        }
                        else
                        {
                            matched = b == '\n' ? 1 : 0;
                        }
                    }
                }
            }
            catch (final IOException e)
            {
                // closed by the test
            }
            ended = true;
        }

        List<String> ids()
        {
            synchronized (ids)
            {
                return new ArrayList<>(ids);
            }
        }

        boolean ended()
        {
            return ended;
        }

        @Override
        public void close() throws IOException
        {
            socket.close();
        }
    }
}
