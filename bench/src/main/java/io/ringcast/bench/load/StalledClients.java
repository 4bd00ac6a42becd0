package io.ringcast.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The slow-client scenario: clients that never read (4 KiB receive buffer) beside healthy streams, on one topic
 * carrying large events, against a Ringcast server. Every second it prints the server's RSS, its unwritten bytes and
 * its cut-offs by cause (from {@code /metrics}); at the end, how long the last stalled client took to be cut off,
 * what the healthy streams lost (they must lose nothing), and this tool's own CPU.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.ringcast.bench.load.StalledClients --url http://127.0.0.1:18080 \
 *     --server-pid PID [--healthy 100] [--stalled 50] [--event-bytes 60000] [--rate 20] [--duration 30]
 * </pre>
 * Single-threaded driver; one reader thread per healthy stream.
 */
public final class StalledClients
{
    private static final Pattern CUTOFF =
        Pattern.compile("ringcast_slow_client_cutoffs_total\\{cause=\"([a-z_]+)\"} (\\d+)");
    private static final Pattern PENDING = Pattern.compile("ringcast_stream_pending_bytes (\\d+)");

    private StalledClients()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        String url = "http://127.0.0.1:8080";
        long serverPid = 0;
        int healthyCount = 100;
        int stalledCount = 50;
        int eventBytes = 60_000;
        int rate = 20;
        int durationS = 30;
        for (int i = 0; i < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--url" -> url = args[i + 1];
                case "--server-pid" -> serverPid = Long.parseLong(args[i + 1]);
                case "--healthy" -> healthyCount = Integer.parseInt(args[i + 1]);
                case "--stalled" -> stalledCount = Integer.parseInt(args[i + 1]);
                case "--event-bytes" -> eventBytes = Integer.parseInt(args[i + 1]);
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                case "--duration" -> durationS = Integer.parseInt(args[i + 1]);
                default ->
                {
                    System.err.println("unknown option " + args[i] + "; see the class javadoc");
                    System.exit(2);
                }
            }
        }
        final URI base = URI.create(url);
        final HttpClient http = HttpClient.newHttpClient();
        final List<Reader> healthy = new ArrayList<>();
        for (int i = 0; i < healthyCount; i++)
        {
            healthy.add(new Reader(base, "/events?topic=bulk"));
        }
        final List<Socket> stalled = new ArrayList<>();
        for (int i = 0; i < stalledCount; i++)
        {
            final Socket s = new Socket();
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress(base.getHost(), base.getPort()));
            s.getOutputStream().write("GET /events?topic=bulk HTTP/1.1\r\nHost: x\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
            stalled.add(s);
        }
        Thread.sleep(2_000); // lets the streams register before the first event

        final String payload = "\"" + "p".repeat(eventBytes) + "\"";
        final String body = "{\"topic\":\"bulk\",\"data\":" + payload + "}";
        final long cpuStart = cpuNs();
        final long start = System.nanoTime();
        long published = 0;
        long maxRss = 0;
        long maxPending = 0;
        long allCutAtMs = -1;
        long nextReport = start;
        System.out.printf(Locale.ROOT, "healthy=%d stalled=%d event-bytes=%d rate=%d/s duration=%ds%n",
            healthyCount, stalledCount, eventBytes, rate, durationS);
        while (System.nanoTime() - start < durationS * 1_000_000_000L)
        {
            final long due = start + published * 1_000_000_000L / rate;
            final long now = System.nanoTime();
            if (now < due)
            {
                Thread.sleep(Math.max(1, (due - now) / 1_000_000));
                continue;
            }
            final HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/publish"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 202)
            {
                System.out.println("publish answered " + r.statusCode() + " " + r.body());
            }
            published++;
            if (System.nanoTime() >= nextReport)
            {
                nextReport += 1_000_000_000L;
                final String metrics = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
                final long rss = rssBytes(serverPid);
                final long pending = pending(metrics);
                maxRss = Math.max(maxRss, rss);
                maxPending = Math.max(maxPending, pending);
                final long cut = cutOffs(metrics, null);
                final long tMs = (System.nanoTime() - start) / 1_000_000;
                if (cut >= stalledCount && allCutAtMs < 0)
                {
                    allCutAtMs = tMs;
                }
                System.out.printf(Locale.ROOT, "  t=%5d ms published=%d rss=%.1f MB pending=%.2f MB cut=%d %s%n",
                    tMs, published, rss / 1e6, pending / 1e6, cut, cutOffs(metrics));
            }
        }
        final long elapsedNs = System.nanoTime() - start;
        final long cpuNs = cpuNs() - cpuStart;
        final long deadline = System.nanoTime() + 30_000_000_000L;
        final long expected = published;
        while (System.nanoTime() < deadline && healthy.stream().anyMatch(h -> h.events.get() < expected))
        {
            Thread.sleep(10);
        }
        long lost = 0;
        for (final Reader h : healthy)
        {
            lost += Math.max(0, expected - h.events.get());
        }
        final String metrics = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        System.out.printf(Locale.ROOT, "RESULT published=%d healthy-lost=%d healthy-ended=%d%n", published, lost,
            healthy.stream().filter(h -> h.ended).count());
        System.out.printf(Locale.ROOT, "RESULT stalled-cut=%d of %d, all cut by t=%s ms; causes %s%n",
            cutOffs(metrics, null), stalledCount, allCutAtMs < 0 ? "never" : Long.toString(allCutAtMs),
            cutOffs(metrics));
        System.out.printf(Locale.ROOT, "RESULT server max RSS %.1f MB, max unwritten %.2f MB; tool CPU %.0f %%%n",
            maxRss / 1e6, maxPending / 1e6, 100.0 * cpuNs / elapsedNs);
        for (final Reader h : healthy)
        {
            h.close();
        }
        for (final Socket s : stalled)
        {
            s.close();
        }
    }

    private static long pending(final String metrics)
    {
        final Matcher m = PENDING.matcher(metrics);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String cutOffs(final String metrics)
    {
        final StringBuilder b = new StringBuilder();
        final Matcher m = CUTOFF.matcher(metrics);
        while (m.find())
        {
            b.append(m.group(1)).append('=').append(m.group(2)).append(' ');
        }
        return b.toString().trim();
    }

    private static long cutOffs(final String metrics, final String cause)
    {
        long sum = 0;
        final Matcher m = CUTOFF.matcher(metrics);
        while (m.find())
        {
            if (cause == null || cause.equals(m.group(1)))
            {
                sum += Long.parseLong(m.group(2));
            }
        }
        return sum;
    }

    private static long rssBytes(final long pid)
    {
        if (pid <= 0)
        {
            return 0;
        }
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/" + pid + "/status")))
            {
                if (line.startsWith("VmRSS:"))
                {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        }
        catch (final IOException e)
        {
            return -1;
        }
        return -1;
    }

    private static long cpuNs()
    {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os ?
            os.getProcessCpuTime() : -1;
    }

    /** A healthy stream on a blocking socket that counts event frames ({@code "\nid: "}) and keeps nothing else. */
    private static final class Reader implements AutoCloseable
    {
        private static final byte[] MARKER = "\nid: ".getBytes(StandardCharsets.US_ASCII);

        final AtomicLong events = new AtomicLong();
        volatile boolean ended;
        private final Socket socket = new Socket();

        Reader(final URI base, final String path) throws IOException
        {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()));
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            final Thread t = new Thread(this::read, "healthy-reader");
            t.setDaemon(true);
            t.start();
        }

        private void read()
        {
            final byte[] buffer = new byte[65536];
            int matched = 0;
            try
            {
                final InputStream in = socket.getInputStream();
                int n;
                while ((n = in.read(buffer)) >= 0)
                {
                    for (int i = 0; i < n; i++)
                    {
                        final byte b = buffer[i];
                        if (b == MARKER[matched])
                        {
                            if (++matched == MARKER.length)
                            {
                                events.incrementAndGet();
                                matched = 0;
                            }
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
                // closed
            }
            ended = true;
        }

        @Override
        public void close() throws IOException
        {
            socket.close();
        }
    }
}
