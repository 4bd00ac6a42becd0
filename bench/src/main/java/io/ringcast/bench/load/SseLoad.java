package io.ringcast.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.buffer.Unpooled;
import org.HdrHistogram.Histogram;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SSE load tool: N streams over T topics on a Ringcast server, a publisher at rate R for D seconds, then a report of
 * connected streams, delivered events/s, lost and duplicated events, publish-to-receive latency percentiles (and the
 * longest latency of each second), and this process's own CPU and GC time (so a saturated or pausing load tool is
 * visible). Run from the main thread; see {@link LoadOptions#HELP}.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.ringcast.bench.load.SseLoad --streams 1000 --topics 10 --rate 2000
 * </pre>
 */
public final class SseLoad implements StreamReader.Events
{
    /** How long before the window the server's CPU time is first read. */
    private static final long SERVER_CPU_LEAD_MS = 3_000;

    private final LoadOptions options;
    private final LoadStats stats = new LoadStats();
    private final List<StreamReader> readers = new ArrayList<>();
    private final ConcurrentLinkedQueue<Channel> channels = new ConcurrentLinkedQueue<>();
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger closedEarly = new AtomicInteger();
    private final AtomicInteger firstFailureStatus = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicReference<String> firstStreamError =
        new java.util.concurrent.atomic.AtomicReference<>();
    private Semaphore connecting;
    private volatile boolean finishing;

    private SseLoad(final LoadOptions options)
    {
        this.options = options;
    }

    public static void main(final String[] args) throws Exception
    {
        final LoadOptions options;
        try
        {
            options = LoadOptions.parse(args);
        }
        catch (final LoadOptions.HelpRequested help)
        {
            System.out.println(LoadOptions.HELP);
            return;
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("error: " + ex.getMessage());
            System.exit(2);
            return;
        }
        new SseLoad(options).run();
    }

    @Override
    public void connected(final StreamReader reader, final int status)
    {
        if (status == 200)
        {
            connected.incrementAndGet();
        }
        else
        {
            failed.incrementAndGet();
            firstFailureStatus.compareAndSet(0, status);
        }
        connecting.release();
    }

    @Override
    public void failed(final StreamReader reader, final Throwable cause)
    {
        firstStreamError.compareAndSet(null, cause.toString());
    }

    @Override
    public void closed(final StreamReader reader)
    {
        if (!finishing)
        {
            closedEarly.incrementAndGet();
        }
    }

    private void run() throws Exception
    {
        final EventLoopGroup streamLoops = ClientTransport.eventLoops(options.threads());
        final EventLoopGroup publishLoop = ClientTransport.eventLoops(1);
        final Bootstrap bootstrap = new Bootstrap()
            .channel(ClientTransport.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        System.out.println("sse-load " + options.describe() + " transport=" + ClientTransport.name() +
            " cpus=" + Runtime.getRuntime().availableProcessors() + " java=" + System.getProperty("java.version"));
        try
        {
            connectStreams(bootstrap.clone(streamLoops));
            final Publisher publisher = new Publisher(options, publishLoop.next());
            publisher.connect(bootstrap.clone(publishLoop));
            Thread.sleep(1000); // subscriptions register asynchronously after the response headers
            final Ramp.Ceiling ceiling = options.ramp() == null ? null : new Ramp(options, stats, publisher, readers,
                this::toolAndServerCpuNs, closedEarly::get).run();
            if (ceiling == null)
            {
                measure(publisher);
            }
            finishing = true;
            channels.forEach(Channel::close);
            streamLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            publishLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            if (ceiling == null)
            {
                report(publisher);
            }
            else
            {
                ceiling.report(readers, connected.get(), publisher);
            }
        }
        finally
        {
            streamLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            publishLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private void connectStreams(final Bootstrap bootstrap) throws InterruptedException
    {
        connecting = new Semaphore(options.connectConcurrency());
        final long start = System.nanoTime();
        for (int i = 0; i < options.streams(); i++)
        {
            connecting.acquire();
            final StreamReader reader = new StreamReader(i % options.topics(), stats, this);
            readers.add(reader);
            final String path = options.subscribePath(reader.topic());
            bootstrap.handler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    ch.pipeline().addLast(reader);
                }
            }).connect(options.host(), options.port()).addListener((ChannelFutureListener)f ->
            {
                if (!f.isSuccess())
                {
                    failed.incrementAndGet();
                    connecting.release();
                    return;
                }
                channels.add(f.channel());
                f.channel().writeAndFlush(Unpooled.copiedBuffer("GET " + path + " HTTP/1.1\r\nHost: " + options.host() +
                    "\r\nAccept: text/event-stream\r\n\r\n", StandardCharsets.US_ASCII));
            });
        }
        connecting.acquire(options.connectConcurrency());
        System.out.printf(Locale.ROOT, "connected %d/%d streams in %.1f s (failed %d%s)%n", connected.get(),
            options.streams(), (System.nanoTime() - start) / 1e9, failed.get(),
            failed.get() == 0 ? "" : ", first status " + firstFailureStatus.get());
    }

    private void measure(final Publisher publisher) throws InterruptedException
    {
        // the first calls load and initialise the management beans: do that now, not when the window opens, where it
        // once took enough CPU from this 2-core machine to show in the window's first second
        processCpuNs();
        gcCountAndMillis();
        serverCpuNs();
        serverRunQueueWaitNs();
        RunQueue.waitNs("self");
        stats.warmupStarts();
        publisher.start();
        // The server's CPU is sampled a few seconds before the window opens, not at its opening: reading another
        // process's /proc stat took milliseconds and was followed by a stall of tens of ms in the first second of
        // the window, for every server measured. The server's figure covers those seconds and the window.
        final long serverLeadMs = Math.min(SERVER_CPU_LEAD_MS, options.warmupS() * 1000L);
        Thread.sleep(options.warmupS() * 1000L - serverLeadMs);
        final long serverCpuStart = serverCpuNs();
        final long serverWaitStart = serverRunQueueWaitNs();
        final Map<String, Long> serverWaitByThreadStart = serverRunQueueWaitByThreadName();
        final Map<String, Long> serverCpuByThreadStart = serverByThreadName(RunQueue.CPU_NS);
        final Map<String, Long> serverSlicesByThreadStart = serverByThreadName(RunQueue.TIMESLICES);
        final long toolWaitStart = RunQueue.waitNs("self");
        final long serverWallStart = System.nanoTime();
        Thread.sleep(serverLeadMs);
        final long cpuStart = processCpuNs();
        final long[] gcStart = gcCountAndMillis();
        final long wallStart = System.nanoTime();
        final long deliveredStart = stats.deliveredSnapshot();
        stats.measuring(true);
        for (int s = 0; s < options.durationS(); s++)
        {
            Thread.sleep(1000);
            System.out.printf(Locale.ROOT, "  t=%ds delivered %d total, streams closed early %d%n", s + 1,
                stats.deliveredSnapshot(), closedEarly.get());
        }
        stats.measuring(false);
        final long wall = System.nanoTime() - wallStart;
        final long cpu = processCpuNs() - cpuStart;
        final long serverCpu = serverCpuNs() - serverCpuStart;
        final long serverWait = serverRunQueueWaitNs() - serverWaitStart;
        final Map<String, Long> serverWaitByThread = serverRunQueueWaitByThreadName();
        final Map<String, Long> serverCpuByThread = serverByThreadName(RunQueue.CPU_NS);
        final Map<String, Long> serverSlicesByThread = serverByThreadName(RunQueue.TIMESLICES);
        final long toolWait = RunQueue.waitNs("self") - toolWaitStart;
        final long serverWall = System.nanoTime() - serverWallStart;
        final long[] gcEnd = gcCountAndMillis();
        final ServerMemory serverMemory = options.serverPid() > 0 ? ServerMemory.of(options.serverPid()) : null;
        final long delivered = stats.deliveredSnapshot() - deliveredStart;
        final long behind = publisher.behind();
        publisher.stop();
        System.out.printf(Locale.ROOT, "window %.1f s: delivered %.0f events/s; load tool CPU %.2f s = %.0f%% of one" +
            " core (%.0f%% of %d cores); publisher behind schedule by %d events%n", wall / 1e9, delivered * 1e9 / wall,
            cpu / 1e9, 100.0 * cpu / wall, 100.0 * cpu / wall / Runtime.getRuntime().availableProcessors(),
            Runtime.getRuntime().availableProcessors(), behind);
        // the tool's own collections stall its reads, so their time shows up in the measured latency
        System.out.printf(Locale.ROOT, "load tool GC over the window: %d collections, %d ms in total%n",
            gcEnd[0] - gcStart[0], gcEnd[1] - gcStart[1]);
        if (options.serverPid() > 0)
        {
            System.out.printf(Locale.ROOT, "server pid %d (and children) CPU %.2f s = %.0f%% of one core over the " +
                "window and the %d s before it%n", options.serverPid(), serverCpu / 1e9, 100.0 * serverCpu / serverWall,
                serverLeadMs / 1000);
            // read while every stream is still open: closing 10,000 connections makes a server compile and allocate
            // for its close path, transiently, which an RSS read after the run would add
            System.out.printf(Locale.ROOT, "server RSS (and children) at the end of the window, %d streams open: %s%n",
                connected.get(), serverMemory == null ? "n/a" : serverMemory.describe());
        }
        // both sides share the cores: how long each one's threads were runnable but waited for a CPU
        if (toolWaitStart >= 0 && serverWaitStart >= 0)
        {
            System.out.printf(Locale.ROOT, "waiting for a CPU (run queue, all threads) over the same span: load tool " +
                "%.0f ms/s, server %.0f ms/s%n", toolWait / 1e6 / (serverWall / 1e9),
                options.serverPid() > 0 ? serverWait / 1e6 / (serverWall / 1e9) : Double.NaN);
            if (options.serverPid() > 0)
            {
                System.out.println("server threads waiting most for a CPU, ms/s: " +
                    topPerSecond(serverWaitByThreadStart, serverWaitByThread, serverWall, 1e6, 5));
                System.out.println("server threads using most CPU, ms/s: " +
                    topPerSecond(serverCpuByThreadStart, serverCpuByThread, serverWall, 1e6, 5));
                System.out.println("server threads scheduled in most often, timeslices/s: " +
                    topPerSecond(serverSlicesByThreadStart, serverSlicesByThread, serverWall, 1, 5));
            }
        }
        Thread.sleep(options.drainMs());
    }

    /** @return {@code {this process's CPU ns, the server's CPU ns (0 without --server-pid)}}. */
    private long[] toolAndServerCpuNs()
    {
        return new long[] {processCpuNs(), serverCpuNs()};
    }

    /**
     * @return user + system CPU of {@code --server-pid} and of its child processes (nginx's workers) from /proc, in
     * clock ticks of 10 ms, or 0.
     */
    private long serverCpuNs()
    {
        final long pid = options.serverPid();
        if (pid <= 0)
        {
            return 0;
        }
        long ticks = 0;
        for (final String process : ProcessTree.of(pid))
        {
            final String[] fields = ProcessTree.statFields(process);
            if (fields != null)
            {
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            }
        }
        return ticks * 10_000_000L;
    }

    /** @return run-queue wait so far of {@code --server-pid}'s and its children's threads, by thread name. */
    private Map<String, Long> serverRunQueueWaitByThreadName()
    {
        return serverByThreadName(RunQueue.WAIT_NS);
    }

    /** @return a {@code schedstat} field ({@link RunQueue#CPU_NS}...) so far of the server's threads, by name. */
    private Map<String, Long> serverByThreadName(final int field)
    {
        final Map<String, Long> byName = new HashMap<>();
        if (options.serverPid() > 0)
        {
            for (final String process : ProcessTree.of(options.serverPid()))
            {
                RunQueue.addByThreadName(process, field, byName);
            }
        }
        return byName;
    }

    /**
     * @param unit what one reported unit is in the maps' values (1e6: nanoseconds reported as ms; 1: counts as such).
     * @return the {@code n} thread names whose value grew most between the snapshots, per second of {@code wallNs},
     *         as "name 12.3, ...".
     */
    private static String topPerSecond(final Map<String, Long> before, final Map<String, Long> after, final long wallNs,
        final double unit, final int n)
    {
        final StringBuilder out = new StringBuilder();
        after.entrySet().stream()
            .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
            .filter(e -> e.getValue() > 0)
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .limit(n)
            .forEach(e -> out.append(out.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
                .append(String.format(Locale.ROOT, "%.1f", e.getValue() / unit / (wallNs / 1e9))));
        return out.length() == 0 ? "none" : out.toString();
    }

    /** @return run-queue wait of {@code --server-pid} and its child processes' threads ({@link RunQueue}), or 0. */
    private long serverRunQueueWaitNs()
    {
        final long pid = options.serverPid();
        if (pid <= 0)
        {
            return 0;
        }
        long total = 0;
        for (final String process : ProcessTree.of(pid))
        {
            total += Math.max(0, RunQueue.waitNs(process));
        }
        return total;
    }

    private void report(final Publisher publisher)
    {
        long expected = 0;
        long received = 0;
        for (final StreamReader r : readers)
        {
            expected += publisher.published(r.topic()) - publisher.refused(r.topic());
            received += r.received().cardinality();
        }
        final long lost = Math.max(0, expected - received);
        final Histogram h = stats.latency();
        final double measuredRate = stats.deliveredMeasured() / (double)options.durationS();
        System.out.printf(Locale.ROOT, "RESULT streams=%d/%d topics=%d mode=%s published=%d accepted=%d refused503=%d" +
            " errors=%d requests=%d%n", connected.get(), options.streams(), options.topics(),
            options.mode().name().toLowerCase(Locale.ROOT), publisher.issued(), publisher.accepted, publisher.refused,
            publisher.errors, publisher.requests);
        System.out.printf(Locale.ROOT, "RESULT delivered/s=%.0f (target %.0f) lost=%d duplicated=%d " +
            "streams-closed-early=%d%n", measuredRate,
            options.rate() == 0 ? Double.NaN : options.rate() * (double)connected.get() / options.topics(),
            lost, stats.duplicated(), closedEarly.get());
        System.out.printf(Locale.ROOT, "RESULT latency ms p50=%.2f p99=%.2f p99.9=%.2f max=%.2f (n=%d)%n",
            h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
            h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0, h.getTotalCount());
        final StringBuilder series = new StringBuilder("RESULT max latency per second of the window, ms:");
        for (final double ms : stats.maxMsBySecond(options.durationS()))
        {
            series.append(String.format(Locale.ROOT, " %.1f", ms));
        }
        System.out.println(series);
        final StringBuilder warmup = new StringBuilder("warm-up (not measured) max latency per second, ms:");
        for (final double ms : stats.maxMsBySecond(LoadStats.WARMUP, options.warmupS()))
        {
            warmup.append(String.format(Locale.ROOT, " %.1f", ms));
        }
        System.out.println(warmup);
        if (firstStreamError.get() != null)
        {
            System.out.println("first stream error: " + firstStreamError.get());
        }
        if (publisher.firstError != null)
        {
            System.out.println("first publish error: " + publisher.firstError);
        }
    }

    /** @return the number of collections and their accumulated time in ms, summed over this JVM's collectors. */
    private static long[] gcCountAndMillis()
    {
        long count = 0;
        long millis = 0;
        for (final java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    private static long processCpuNs()
    {
        final java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun)
        {
            return sun.getProcessCpuTime();
        }
        return -1;
    }
}
