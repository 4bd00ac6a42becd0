package io.ringcast.bench.relay;

import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.Event;
import io.ringcast.engine.Filter;
import io.ringcast.engine.Message;
import io.ringcast.engine.SubscribeOptions;
import io.ringcast.engine.Subscription;
import io.ringcast.engine.WaitStrategyKind;
import io.ringcast.engine.spi.MetricSink;
import io.ringcast.relay.pg.PgRelay;
import io.ringcast.relay.pg.RelayConfig;
import io.ringcast.test.PostgresServer;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Relay throughput (events/s published on node A and received on node B) and cross-node latency percentiles, for
 * Ringcast's batched outbox relay and, in the same run against the same PostgreSQL, for the reference design's design (one INSERT
 * and one NOTIFY per event, awaited on the publish path). Both nodes run in this JVM, each with its own engine and its
 * own PostgreSQL connections; latency is measured from each event's intended send time (so a publisher that falls
 * behind its schedule shows up in the figures) to its arrival at node B's subscriber.
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     io.ringcast.bench.relay.RelayBenchmark [--pg-url jdbc:postgresql://...] [--events 200000] [--rate 10000]
 *     [--latency-seconds 10] [--naive-events 20000] [--naive-publishers 4] [--durable true] [--linger-us 1000]
 *     [--batch-size 1000]
 * </pre>
 * Without {@code --pg-url} it starts its own PostgreSQL 15 (needs root). Single-threaded main; prints Markdown.
 */
public final class RelayBenchmark
{
    private static final String TOPIC = "bench/a";

    private RelayBenchmark()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Map<String, String> o = options(args);
        final int events = Integer.parseInt(o.getOrDefault("events", "200000"));
        final int rate = Integer.parseInt(o.getOrDefault("rate", "10000"));
        final int latencySeconds = Integer.parseInt(o.getOrDefault("latency-seconds", "10"));
        final int naiveEvents = Integer.parseInt(o.getOrDefault("naive-events", "20000"));
        final int naivePublishers = Integer.parseInt(o.getOrDefault("naive-publishers", "4"));
        final boolean durable = Boolean.parseBoolean(o.getOrDefault("durable", "true"));
        final int batchSize = Integer.parseInt(o.getOrDefault("batch-size",
            Integer.toString(RelayConfig.DEFAULT_BATCH_SIZE)));
        final long lingerUs = Long.parseLong(o.getOrDefault("linger-us",
            Long.toString(RelayConfig.DEFAULT_WRITER_LINGER_US)));
        final List<String> rows = new ArrayList<>();

        PostgresServer pg = null;
        String url = o.get("pg-url");
        if (url == null)
        {
            pg = PostgresServer.launch(durable ? PostgresServer.DURABLE :
                PostgresServer.DURABLE + " -c fsync=off -c synchronous_commit=off");
            url = pg.url();
        }
        try
        {
            final String db = freshDatabase(url, "ringcast_bench");
            runRingcast(db, events, rate, latencySeconds, batchSize, lingerUs, rows);
            runNaive(db, naiveEvents, naivePublishers, rate, rows);
        }
        finally
        {
            if (pg != null)
            {
                pg.close();
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "Relay benchmark (%s PostgreSQL, fsync %s, writer batch %d, linger %d us), %d cores, Java %s%n",
            o.containsKey("pg-url") ? "external" : "private", durable ? "on" : "off", batchSize, lingerUs,
            Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.println();
        System.out.println("| design | measurement | events | result |");
        System.out.println("|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    // ------------------------------------------------------------------------------------------ Ringcast relay

    private static void runRingcast(
        final String url, final int events, final int rate, final int latencySeconds, final int batchSize,
        final long lingerUs, final List<String> rows) throws Exception
    {
        final PgRelay relayA = new PgRelay(
            new RelayConfig().url(url).bufferEvents(1 << 21).batchSize(batchSize).writerLingerUs(lingerUs).nodeId("a"));
        final PgRelay relayB = new PgRelay(new RelayConfig().url(url).nodeId("b"));
        final EngineConfig ca = engineConfig();
        final EngineConfig cb = engineConfig();
        relayA.configure(ca);
        relayB.configure(cb);
        try (Engine a = Engine.start(ca); Engine b = Engine.start(cb))
        {
            relayA.start(a.replicaPublisher());
            relayB.start(b.replicaPublisher());
            awaitOk(relayA);
            awaitOk(relayB);
            final Receiver receiver = new Receiver(b, events + rate * latencySeconds + 100_000);

            burst(a, receiver, relayA, 20_000, "warm-up");
            final double[] rates = burst(a, receiver, relayA, events, "ringcast");
            rows.add(row("Ringcast (batched outbox)", "publish rate on A", events, perSecond(rates[0])));
            rows.add(row("Ringcast (batched outbox)", "outbox write rate of A's writer", events,
                perSecond(rates[2])));
            rows.add(row("Ringcast (batched outbox)", "relay throughput A→B", events, perSecond(rates[1])));
            final long[] lat = paced(receiver, rate, rate * latencySeconds, 1, (t, i) -> a.publish(message(i)));
            rows.add(row("Ringcast (batched outbox)", "A→B latency at " + rate + "/s", lat.length, percentiles(lat)));
            final long dropped = counter(relayA, "relay_dropped_writes_total");
            final long batches = counter(relayA, "relay_batches_written_total");
            final long written = counter(relayA, "relay_rows_written_total");
            rows.add(row("Ringcast (batched outbox)", "writer: dropped / batches / mean rows per batch", written,
                dropped + " / " + batches + " / " + (batches == 0 ? 0 : written / batches)));
            receiver.close();
            relayA.close();
            relayB.close();
        }
    }

    // ------------------------------------------------------------------------------------------ naive outbox design

    private static void runNaive(
        final String url, final int events, final int publishers, final int rate, final List<String> rows)
        throws Exception
    {
        NaiveOutboxRelay.createSchema(url);
        final AtomicBoolean running = new AtomicBoolean(true);
        try (Engine a = Engine.start(engineConfig().nodeId("naive-a")); Engine b = Engine.start(engineConfig().nodeId("naive-b")))
        {
            final Thread listener = new Thread(() -> NaiveOutboxRelay.listen(url, b, running::get), "naive-listener");
            listener.setDaemon(true);
            listener.start();
            Thread.sleep(500); // LISTEN is issued before the first NOTIFY
            final Receiver receiver = new Receiver(b, events * 2 + rate * 4 + 10_000);
            final List<NaiveOutboxRelay.Publisher> pubs = new ArrayList<>();
            for (int i = 0; i < publishers; i++)
            {
                pubs.add(new NaiveOutboxRelay.Publisher(url, a));
            }
            final long start = System.nanoTime();
            final long[] unused = paced(receiver, Integer.MAX_VALUE, events, publishers, (t, i) -> naivePublish(pubs, t, i));
            final double seconds = (receiver.lastArrivalNs - start) / 1e9;
            rows.add(row("Naive outbox relay (INSERT + NOTIFY per event, " + publishers + " publishers)", "relay throughput A→B",
                unused.length, perSecond(events / seconds)));
            final int slowRate = Math.min(rate, 1_000);
            final long[] slow = paced(receiver, slowRate, slowRate * 5, publishers, (t, i) -> naivePublish(pubs, t, i));
            rows.add(row("Naive outbox relay (INSERT + NOTIFY per event, " + publishers + " publishers)",
                "A→B latency at " + slowRate + "/s", slow.length, percentiles(slow)));
            final long[] fast = paced(receiver, rate, rate * 3, publishers, (t, i) -> naivePublish(pubs, t, i));
            rows.add(row("Naive outbox relay (INSERT + NOTIFY per event, " + publishers + " publishers)",
                "A→B latency at " + rate + "/s (3 s)", fast.length, percentiles(fast)));
            running.set(false);
            listener.join(5_000);
            receiver.close();
            for (final NaiveOutboxRelay.Publisher p : pubs)
            {
                p.close();
            }
        }
    }

    private static void naivePublish(final List<NaiveOutboxRelay.Publisher> pubs, final int thread, final long intendedNs)
    {
        try
        {
            pubs.get(thread).publish(message(intendedNs));
        }
        catch (final Exception e)
        {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------ measurement

    /** @return events/s: {published on A, received on B, committed to the outbox by A}. */
    private static double[] burst(
        final Engine a, final Receiver receiver, final PgRelay relayA, final int n, final String label)
    {
        receiver.expect(n);
        final long start = System.nanoTime();
        long last = -1;
        for (int i = 0; i < n; i++)
        {
            last = a.publish(message(System.nanoTime()));
        }
        final long published = System.nanoTime();
        while (relayA.committedId() < last)
        {
            LockSupport.parkNanos(100_000);
        }
        final long committed = System.nanoTime();
        receiver.await(label, TimeUnit.SECONDS.toNanos(30));
        return new double[] {n / ((published - start) / 1e9), n / ((receiver.lastArrivalNs - start) / 1e9),
            n / ((committed - start) / 1e9)};
    }

    interface PacedPublish
    {
        /**
         * @param thread     index of the publishing thread, 0..threads-1.
         * @param intendedNs when the event was meant to be sent; travels in the payload.
         */
        void publish(int thread, long intendedNs);
    }

    /**
     * Publishes {@code n} events at {@code rate}/s (or as fast as possible for {@link Integer#MAX_VALUE}) from
     * {@code threads} threads, each event carrying its intended send time; waits until B received them all.
     *
     * @return the latencies in nanoseconds, sorted.
     */
    private static long[] paced(
        final Receiver receiver, final int rate, final int n, final int threads, final PacedPublish publish)
        throws InterruptedException
    {
        receiver.expect(n);
        final long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        final double intervalNs = rate == Integer.MAX_VALUE ? 0 : 1e9 / rate;
        final List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final int first = t;
            final Thread thread = new Thread(() ->
            {
                for (int i = first; i < n; i += threads)
                {
                    long intended = start + (long)(i * intervalNs);
                    long now;
                    while ((now = System.nanoTime()) < intended)
                    {
                        LockSupport.parkNanos(intended - now);
                    }
                    if (intervalNs == 0)
                    {
                        intended = now;
                    }
                    publish.publish(first, intended);
                }
            }, "paced-publisher-" + t);
            ts.add(thread);
            thread.start();
        }
        for (final Thread t : ts)
        {
            t.join();
        }
        receiver.await("paced", TimeUnit.SECONDS.toNanos(30));
        return receiver.latencies();
    }

    private static Message message(final long intendedNs)
    {
        return Message.builder(TOPIC).type("bench").payload(ByteBuffer.allocate(64).putLong(intendedNs).array())
            .build();
    }

    /** Node B's subscriber: records arrival latency of every event on its own thread. */
    private static final class Receiver
    {
        private final Subscription subscription;
        private final Thread thread;
        private final long[] latencies;
        private volatile int count;
        private volatile int expected;
        private volatile boolean running = true;
        volatile long lastArrivalNs;

        Receiver(final Engine engine, final int capacity)
        {
            latencies = new long[capacity];
            subscription = engine.subscribe(Filter.topic(TOPIC), SubscribeOptions.defaults().queueCapacity(1 << 20));
            thread = new Thread(this::run, "bench-receiver");
            thread.setDaemon(true);
            thread.start();
        }

        private void run()
        {
            while (running)
            {
                if (subscription.drain(this::onEvent, 8_192) == 0)
                {
                    LockSupport.parkNanos(20_000);
                }
            }
        }

        private void onEvent(final Event e)
        {
            final long now = System.nanoTime();
            final int c = count;
            if (c < latencies.length)
            {
                latencies[c] = now - e.payloadBuffer().getLong(0, java.nio.ByteOrder.BIG_ENDIAN);
            }
            lastArrivalNs = now;
            count = c + 1;
        }

        void expect(final int n)
        {
            expected = n;
            count = 0;
        }

        void await(final String label, final long timeoutNs)
        {
            long deadline = System.nanoTime() + timeoutNs;
            int seen = count;
            while (count < expected)
            {
                if (count != seen)
                {
                    seen = count;
                    deadline = System.nanoTime() + timeoutNs;
                }
                if (System.nanoTime() > deadline || subscription.isClosed())
                {
                    throw new IllegalStateException(label + ": node B received " + count + " of " + expected +
                        " (subscriber dropped " + subscription.dropped() + ")");
                }
                LockSupport.parkNanos(1_000_000);
            }
        }

        long[] latencies()
        {
            final long[] l = Arrays.copyOf(latencies, Math.min(count, latencies.length));
            Arrays.sort(l);
            return l;
        }

        void close()
        {
            running = false;
            subscription.close();
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static EngineConfig engineConfig()
    {
        return new EngineConfig().ringSize(64 * 1024).waitStrategy(WaitStrategyKind.BLOCKING);
    }

    private static void awaitOk(final PgRelay relay) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!relay.health().ok())
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("relay not connected: " + relay.health());
            }
            Thread.sleep(10);
        }
    }

    private static long counter(final PgRelay relay, final String name)
    {
        final long[] v = {-1};
        relay.metrics(new MetricSink()
        {
            @Override
            public void counter(final String n, final String help, final long value)
            {
                if (n.equals(name))
                {
                    v[0] = value;
                }
            }

            @Override
            public void gauge(final String n, final String help, final double value)
            {
            }
        });
        return v[0];
    }

    private static String freshDatabase(final String url, final String name) throws Exception
    {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement())
        {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + name);
        }
        return url.replace("/postgres?", "/" + name + "?").replaceFirst("/postgres$", "/" + name);
    }

    private static String percentiles(final long[] sorted)
    {
        if (sorted.length == 0)
        {
            return "no samples";
        }
        return String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms, max %.2f ms", ms(sorted, 0.50),
            ms(sorted, 0.99), sorted[sorted.length - 1] / 1e6);
    }

    private static double ms(final long[] sorted, final double q)
    {
        return sorted[Math.min(sorted.length - 1, (int)Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    private static String perSecond(final double v)
    {
        return String.format(Locale.ROOT, "%,.0f events/s", v);
    }

    private static String row(final String design, final String what, final long n, final String result)
    {
        return "| " + design + " | " + what + " | " + String.format(Locale.ROOT, "%,d", n) + " | " + result + " |";
    }

    private static Map<String, String> options(final String[] args)
    {
        final Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++)
        {
            if (!args[i].startsWith("--") || i + 1 >= args.length)
            {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }
}
