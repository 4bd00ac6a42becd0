package io.ringcast.bench.load;

import org.HdrHistogram.Histogram;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The latency of {@code POST /publish} acknowledgements over HTTP, open loop: an NDJSON batch is due every
 * {@code batch / rate} seconds whether or not earlier answers came back, and each answer's latency is taken from the
 * time it was due (coordinated omission corrected). Run once with {@code --ack durable} and once with
 * {@code --ack memory} against the same server to see what the sync costs.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.ringcast.bench.load.AckLatency --url http://127.0.0.1:8080 \
 *     --ack durable --rate 10000 --batch 10 --seconds 20 --warmup 5
 * </pre>
 *
 * <p>Thread-safety: a main thread paces the requests; the HTTP client's threads record answers into a histogram
 * guarded by its own lock.
 */
public final class AckLatency
{
    private AckLatency()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        URI url = URI.create("http://127.0.0.1:8080");
        String ack = "durable";
        int rate = 10_000;
        int batch = 10;
        int seconds = 20;
        int warmup = 5;
        for (int i = 0; i < args.length; i += 2)
        {
            final String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i])
            {
                case "--url" -> url = URI.create(value);
                case "--ack" -> ack = value;
                case "--rate" -> rate = Integer.parseInt(value);
                case "--batch" -> batch = Integer.parseInt(value);
                case "--seconds" -> seconds = Integer.parseInt(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                default ->
                {
                    System.err.println("usage: AckLatency [--url URL] [--ack durable|memory] [--rate EVENTS_PER_S] " +
                        "[--batch EVENTS] [--seconds S] [--warmup S]");
                    System.exit(2);
                }
            }
        }
        final StringBuilder ndjson = new StringBuilder();
        for (int k = 0; k < batch; k++)
        {
            ndjson.append("{\"topic\":\"ack/latency\",\"data\":{\"p\":\"").append("x".repeat(80)).append("\"}}\n");
        }
        final HttpRequest request = HttpRequest.newBuilder(url.resolve("/publish" +
                (ack.equals("durable") ? "?ack=durable" : "")))
            .header("Content-Type", "application/x-ndjson")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString())).build();
        final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(2)).build();

        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final AtomicLong failures = new AtomicLong();
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) * batch / rate;
        final long requests = (long)(warmup + seconds) * rate / batch;
        final long measuredFrom = (long)warmup * rate / batch;
        final CountDownLatch answered = new CountDownLatch((int)requests);
        final long start = System.nanoTime();
        for (long n = 0; n < requests; n++)
        {
            final long due = start + n * intervalNs;
            long now;
            while ((now = System.nanoTime()) < due)
            {
                LockSupport.parkNanos(Math.min(due - now, 50_000));
            }
            final boolean measured = n >= measuredFrom;
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) ->
            {
                final long latency = System.nanoTime() - due;
                if (error != null || response.statusCode() != 202)
                {
                    failures.incrementAndGet();
                }
                else if (measured)
                {
                    synchronized (histogram)
                    {
                        histogram.recordValue(latency);
                    }
                }
                answered.countDown();
            });
        }
        answered.await(60, TimeUnit.SECONDS);
        synchronized (histogram)
        {
            System.out.printf("ack=%s, %,d events/s in NDJSON batches of %d, %d s measured after %d s: " +
                    "p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms; %d answers, %d failures%n",
                ack, rate, batch, seconds, warmup,
                histogram.getValueAtPercentile(50) / 1e6, histogram.getValueAtPercentile(99) / 1e6,
                histogram.getValueAtPercentile(99.9) / 1e6, histogram.getMaxValue() / 1e6,
                histogram.getTotalCount(), failures.get());
        }
        System.exit(0);
    }
}
