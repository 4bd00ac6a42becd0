package io.ringcast.bench.harness;

import io.ringcast.bench.peer.Idle;
import io.ringcast.bench.peer.Peer;
import io.ringcast.bench.peer.Peers;
import io.ringcast.bench.peer.Sink;
import io.ringcast.bench.peer.Workload;
import org.agrona.concurrent.IdleStrategy;

import java.lang.management.ManagementFactory;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The common harness: one peer, its publisher thread(s) (the calling thread, plus one helper thread when the workload
 * has two producers), and one consumer thread draining every subscriber queue round-robin in batches of
 * {@value #DRAIN_BATCH}, idling with the {@link Idle} policy. Runs steps of fixed-rate or saturated load and searches
 * for the highest lossless rate.
 *
 * <p>Publishers pace themselves: event {@code i} is due at {@code start + i / rate}; a publisher that is early parks
 * until then ({@link LockSupport#parkNanos}; Linux's timer slack makes that at least ~50 µs, so at high rates events
 * leave in small bursts), or, with {@link PublisherWait#YIELD} (the latency benchmark's second publisher), yields
 * until then, so events leave one by one on time and the publisher gives its core to any other runnable thread
 * meanwhile. It never spins: with a dispatcher and a consumer thread also running, a third spinning thread on 2 cores
 * turns into millisecond scheduler stalls. Each event's intended send time is stored before it is
 * offered, so latency is measured from when the event should have been sent (coordinated omission corrected) and the
 * burst delay is charged to every peer alike.
 *
 * <p>Thread-safety: one benchmark thread drives a rig.
 */
public final class Rig implements AutoCloseable
{
    public static final int DRAIN_BATCH = 64;
    private static final long QUIET_NS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long MAX_DRAIN_NS = TimeUnit.SECONDS.toNanos(10);
    private static final long TOPIC_STRIDE = 7919;

    private final Workload workload;
    private final Peer peer;
    private final Sink sink;
    private final Thread consumer;
    private final ExecutorService helper;
    private volatile boolean running = true;

    public Rig(final String peerName, final Workload workload)
    {
        this.workload = workload;
        this.peer = Peers.create(peerName);
        this.sink = new Sink(workload.stampSlots());
        peer.start(workload, sink);
        if (peer.ownsConsumerThread())
        {
            consumer = null;
        }
        else
        {
            consumer = new Thread(this::consume, "bench-consumer");
            consumer.setDaemon(true);
            consumer.start();
        }
        helper = workload.producers() > 1 ? Executors.newSingleThreadExecutor(r ->
        {
            final Thread t = new Thread(r, "bench-publisher-2");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    public Peer peer()
    {
        return peer;
    }

    public Sink sink()
    {
        return sink;
    }

    public Workload workload()
    {
        return workload;
    }

    private void consume()
    {
        final IdleStrategy idle = Idle.strategy();
        while (running)
        {
            final int n = peer.drainRound(DRAIN_BATCH);
            sink.flush();
            idle.idle(n);
        }
    }

    /**
     * Runs one step.
     *
     * @param eventsPerSec offered rate, or {@code <= 0} to publish as fast as possible.
     * @param durationNs   how long to publish.
     */
    public StepResult step(final double eventsPerSec, final long durationNs)
    {
        return step(eventsPerSec, durationNs, PublisherWait.PARK);
    }

    /**
     * Runs one step.
     *
     * @param eventsPerSec offered rate, or {@code <= 0} to publish as fast as possible.
     * @param durationNs   how long to publish.
     * @param wait         how a fixed-rate publisher that is early waits for its next event's send time.
     */
    public StepResult step(final double eventsPerSec, final long durationNs, final PublisherWait wait)
    {
        final long deliveredBefore = sink.delivered();
        final long dropsBefore = peer.drops();
        final int producers = workload.producers();
        final long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
        final long total = eventsPerSec > 0 ? (long)Math.ceil(eventsPerSec * durationNs / 1e9) : Long.MAX_VALUE;
        final double periodNs = eventsPerSec > 0 ? 1e9 / eventsPerSec : 0;
        final long deadline = start + durationNs;
        Future<long[]> second = null;
        if (producers > 1)
        {
            second = helper.submit(() -> publish(1, producers, start, total, periodNs, deadline, wait));
        }
        final long[] first = publish(0, producers, start, total, periodNs, deadline, wait);
        long offered = first[0];
        long refused = first[1];
        long lastOffer = first[2];
        if (second != null)
        {
            final long[] r = join(second);
            offered += r[0];
            refused += r[1];
            lastOffer = Math.max(lastOffer, r[2]);
        }
        final long expected = offered * workload.fanout();
        final long drainStart = System.nanoTime();
        long seen = sink.delivered() - deliveredBefore;
        long drainNs = 0;
        long lastProgress = drainStart;
        while (seen < expected)
        {
            LockSupport.parkNanos(50_000);
            final long now = System.nanoTime();
            final long d = sink.delivered() - deliveredBefore;
            if (d != seen)
            {
                seen = d;
                lastProgress = now;
                drainNs = now - lastOffer;
            }
            else if (now - lastProgress > QUIET_NS || now - drainStart > MAX_DRAIN_NS)
            {
                break;
            }
        }
        return new StepResult(eventsPerSec, offered, refused, workload.fanout(), seen, lastOffer - start, drainNs,
            peer.drops() - dropsBefore);
    }

    /** @return {offered, refused, lastOfferNanos}. */
    private long[] publish(
        final int index, final int producers, final long start, final long total, final double periodNs,
        final long deadline, final PublisherWait wait)
    {
        final Peer peer = this.peer;
        final long[] stamps = sink.stamps();
        final int stampMask = sink.stampMask();
        final int topics = workload.topics();
        long offered = 0;
        long refused = 0;
        long now = System.nanoTime();
        while (now < start)
        {
            Thread.onSpinWait();
            now = System.nanoTime();
        }
        if (periodNs == 0)
        {
            final IdleStrategy idle = Idle.strategy();
            for (long i = index; ; i += producers)
            {
                if ((i & 63) == index)
                {
                    now = System.nanoTime();
                    if (now >= deadline)
                    {
                        break;
                    }
                }
                final int stamp = (int)(i & stampMask);
                final int topic = (int)((i * TOPIC_STRIDE) % topics);
                stamps[stamp] = now;
                offered++;
                if (!peer.offer(topic, stamp))
                {
                    idle.reset();
                    do
                    {
                        refused++;
                        idle.idle();
                    }
                    while (!peer.offer(topic, stamp) && System.nanoTime() < deadline);
                }
            }
            return new long[] {offered, refused, System.nanoTime()};
        }
        for (long i = index; i < total; )
        {
            final long intended = start + (long)(i * periodNs);
            now = System.nanoTime();
            if (now < intended)
            {
                if (wait == PublisherWait.PARK)
                {
                    LockSupport.parkNanos(intended - now);
                }
                else
                {
                    Thread.yield();
                }
                continue;
            }
            final int stamp = (int)(i & stampMask);
            stamps[stamp] = intended;
            offered++;
            if (!peer.offer((int)((i * TOPIC_STRIDE) % topics), stamp))
            {
                refused++;
            }
            i += producers;
        }
        return new long[] {offered, refused, System.nanoTime()};
    }

    private static long[] join(final Future<long[]> f)
    {
        try
        {
            return f.get();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        catch (final ExecutionException e)
        {
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * A saturated step, then fixed-rate steps descending from the saturated delivered rate until one is sustained
     * (or, if the first one is, ascending by 1.5x until one is not), then one bisection step between the last failure
     * and the last success.
     *
     * @param stepNs duration of every step.
     */
    public SearchResult searchLossless(final long stepNs, final boolean verbose)
    {
        final long allocBefore = allocatedBytes();
        final long deliveredBefore = sink.delivered();
        final StepResult saturated = step(0, stepNs);
        log(verbose, saturated);
        final double ceiling = saturated.deliveredEventsPerSec();
        final double[] factors = {1.0, 0.8, 0.64, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01, 0.001};
        double pass = 0;
        double fail = 0;
        int steps = 1;
        for (final double f : factors)
        {
            final StepResult r = step(ceiling * f, stepNs);
            steps++;
            log(verbose, r);
            if (r.sustained())
            {
                pass = r.targetEventsPerSec();
                break;
            }
            fail = r.targetEventsPerSec();
        }
        if (pass > 0 && fail == 0)
        {
            for (int up = 0; up < 8 && fail == 0; up++)
            {
                final StepResult r = step(pass * 1.5, stepNs);
                steps++;
                log(verbose, r);
                if (r.sustained())
                {
                    pass = r.targetEventsPerSec();
                }
                else
                {
                    fail = r.targetEventsPerSec();
                }
            }
        }
        if (pass > 0 && fail > 0)
        {
            final StepResult r = step(Math.sqrt(pass * fail), stepNs);
            steps++;
            log(verbose, r);
            if (r.sustained())
            {
                pass = r.targetEventsPerSec();
            }
        }
        final long allocated = allocatedBytes() - allocBefore;
        return new SearchResult(saturated, pass, pass * workload.fanout(), steps, allocated,
            sink.delivered() - deliveredBefore);
    }

    private static void log(final boolean verbose, final StepResult r)
    {
        if (verbose)
        {
            System.out.println("  " + r);
        }
    }

    /** @return bytes allocated so far by every live thread of this JVM. */
    public static long allocatedBytes()
    {
        final com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (final long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds()))
        {
            if (b > 0)
            {
                sum += b;
            }
        }
        return sum;
    }

    @Override
    public void close()
    {
        running = false;
        if (consumer != null)
        {
            try
            {
                consumer.join(5_000);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
        if (helper != null)
        {
            helper.shutdownNow();
        }
        peer.close();
    }
}
