package io.ringcast.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What an idle stream costs a server: opens N streams that receive nothing (each on its own topic), and after each
 * step has the server collect its garbage ({@code jcmd <pid> GC.run}) and reports its used heap
 * ({@code GC.heap_info}), its committed direct memory ({@code VM.native_memory} is not needed: Netty's pooled direct
 * arenas are read from the process RSS) and its RSS. The per-stream cost is the slope between the first and the
 * last step. One selector thread reads and discards whatever the streams get (heartbeats).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.ringcast.bench.load.IdleStreams --port 18080 --server-pid PID \
 *     --steps 100,1000,5000,10000
 * </pre>
 */
public final class IdleStreams
{
    private IdleStreams()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        int port = 8080;
        long pid = 0;
        String steps = "100,1000,5000,10000";
        String pathPrefix = "/events?topic=idle/";
        for (int i = 0; i < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--server-pid" -> pid = Long.parseLong(args[i + 1]);
                case "--steps" -> steps = args[i + 1];
                case "--path-prefix" -> pathPrefix = args[i + 1];
                default ->
                {
                    System.err.println("unknown option " + args[i] + "; see the class javadoc");
                    System.exit(2);
                }
            }
        }
        final Selector selector = Selector.open();
        final Thread reader = new Thread(() -> drain(selector), "idle-reader");
        reader.setDaemon(true);
        reader.start();
        final List<SocketChannel> open = new ArrayList<>();
        long firstStreams = -1;
        long[] first = null;
        long[] last = null;
        for (final String step : steps.split(","))
        {
            final int target = Integer.parseInt(step.trim());
            while (open.size() < target)
            {
                final SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                c.write(ByteBuffer.wrap(("GET " + pathPrefix + open.size() + " HTTP/1.1\r\nHost: x\r\n" +
                    "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
                c.configureBlocking(false);
                selector.wakeup();
                synchronized (selector)
                {
                    c.register(selector, SelectionKey.OP_READ);
                }
                open.add(c);
            }
            Thread.sleep(3_000); // lets the server answer every stream before it is measured
            final long[] m = measure(pid);
            System.out.printf(Locale.ROOT, "streams=%d heap-used=%.1f MB rss=%.1f MB%n", open.size(), m[0] / 1e6,
                m[1] / 1e6);
            if (first == null)
            {
                first = m;
                firstStreams = open.size();
            }
            last = m;
        }
        final double n = open.size() - firstStreams;
        System.out.printf(Locale.ROOT, "RESULT per idle stream (slope %d -> %d): heap %.0f bytes, rss %.0f bytes%n",
            firstStreams, open.size(), (last[0] - first[0]) / n, (last[1] - first[1]) / n);
        for (final SocketChannel c : open)
        {
            c.close();
        }
    }

    private static void drain(final Selector selector)
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(65536);
        try
        {
            while (true)
            {
                synchronized (selector)
                {
                    // registration happens while this thread is out of select()
                }
                selector.select(100);
                for (final SelectionKey key : selector.selectedKeys())
                {
                    buffer.clear();
                    if (((SocketChannel)key.channel()).read(buffer) < 0)
                    {
                        key.cancel();
                    }
                }
                selector.selectedKeys().clear();
            }
        }
        catch (final IOException e)
        {
            System.err.println("reader stopped: " + e);
        }
    }

    /** @return the server's used heap after a full collection, and its RSS, in bytes. */
    private static long[] measure(final long pid) throws IOException, InterruptedException
    {
        jcmd(pid, "GC.run");
        final String heap = jcmd(pid, "GC.heap_info");
        // G1: " garbage-first heap   total 262144K, used 43210K [..."
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(heap);
        final long used = m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
        long rss = -1;
        for (final String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/status")))
        {
            if (line.startsWith("VmRSS:"))
            {
                rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return new long[] {used, rss};
    }

    private static String jcmd(final long pid, final String command) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }
}
