package io.ringcast.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The latency of {@code POST /publish} acknowledgements over HTTP, open loop: an NDJSON batch is due every
 * {@code batch / rate} seconds whether or not earlier answers came back, and each answer's latency is taken from the
 * time it was due (coordinated omission corrected). Run once with {@code --ack durable} and once with
 * {@code --ack memory} against the same server to see what the sync costs.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.ringcast.bench.load.AckLatency --url http://127.0.0.1:8080 \
 *     --ack durable --rate 10000 --batch 10 --seconds 20 --warmup 5 [--connections 8]
 * </pre>
 *
 * The client is one Netty event loop (epoll where available) over a few keep-alive connections with one request in
 * flight on each (the body is one shared buffer): a due batch goes out on an idle connection at once, or waits
 * for the first one to answer (its wait counts in its latency). The report adds the client's own CPU time, so a tail
 * that comes from the client shows.
 *
 * <p>Thread-safety: the main thread paces; every other field is confined to the client's one event loop, and the main
 * thread reads the histogram only after every answer arrived.
 */
public final class AckLatency
{
    /** On each connection: the due time of the batch in flight, and 1 when it is measured (after the warm-up). */
    private static final AttributeKey<long[]> DUE = AttributeKey.valueOf("ack-latency-due");

    private final EventLoop loop;
    private final List<Channel> idle = new ArrayList<>();
    private final ArrayDeque<long[]> waiting = new ArrayDeque<>();
    private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private final ByteBuf body;
    private final String path;
    private final String host;
    private final CountDownLatch answered;
    private long failures;

    private AckLatency(
        final EventLoop loop, final ByteBuf body, final String path, final String host, final long requests)
    {
        this.loop = loop;
        this.body = body;
        this.path = path;
        this.host = host;
        this.answered = new CountDownLatch((int)requests);
    }

    public static void main(final String[] args) throws Exception
    {
        URI url = URI.create("http://127.0.0.1:8080");
        String ack = "durable";
        int rate = 10_000;
        int batch = 10;
        int seconds = 20;
        int warmup = 5;
        int connections = 8;
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
                case "--connections" -> connections = Integer.parseInt(value);
                default ->
                {
                    System.err.println("usage: AckLatency [--url URL] [--ack durable|memory] [--rate EVENTS_PER_S] " +
                        "[--batch EVENTS] [--seconds S] [--warmup S] [--connections N]");
                    System.exit(2);
                }
            }
        }
        final StringBuilder ndjson = new StringBuilder();
        for (int k = 0; k < batch; k++)
        {
            ndjson.append("{\"topic\":\"ack/latency\",\"data\":{\"p\":\"").append("x".repeat(80)).append("\"}}\n");
        }
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) * batch / rate;
        final long requests = (long)(warmup + seconds) * rate / batch;
        final long measuredFrom = (long)warmup * rate / batch;
        final EventLoopGroup group = ClientTransport.eventLoops(1);
        final AckLatency client = new AckLatency(group.next(),
            Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(ndjson.toString().getBytes(StandardCharsets.UTF_8))),
            "/publish" + (ack.equals("durable") ? "?ack=durable" : ""), url.getHost() + ":" + url.getPort(), requests);
        client.connect(url, connections);
        final long cpuBefore = processCpuNs();
        final long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        for (long n = 0; n < requests; n++)
        {
            final long due = start + n * intervalNs;
            long now;
            while ((now = System.nanoTime()) < due)
            {
                LockSupport.parkNanos(Math.min(due - now, 50_000));
            }
            final boolean measured = n >= measuredFrom;
            client.loop.execute(() -> client.send(due, measured));
        }
        final boolean all = client.answered.await(60, TimeUnit.SECONDS);
        final long cpu = processCpuNs() - cpuBefore;
        final String report = String.format("ack=%s, %,d events/s in NDJSON batches of %d over %d connections, " +
                "%d s measured after %d s: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms; %d answers, " +
                "%d failures%s; client CPU %.0f %% of a core",
                ack, rate, batch, client.idle.size(), seconds, warmup,
                client.histogram.getValueAtPercentile(50) / 1e6, client.histogram.getValueAtPercentile(99) / 1e6,
                client.histogram.getValueAtPercentile(99.9) / 1e6, client.histogram.getMaxValue() / 1e6,
                client.histogram.getTotalCount(), client.failures, all ? "" : " (some never answered)",
                100.0 * cpu / ((System.nanoTime() - start) + 1));
        System.out.println(report);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        System.exit(0);
    }

    private void connect(final URI url, final int connections) throws InterruptedException
    {
        final Bootstrap bootstrap = new Bootstrap().group(loop)
            .channel(ClientTransport.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel channel)
                {
                    channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16), new Answers());
                }
            });
        final List<Channel> channels = new ArrayList<>();
        for (int i = 0; i < connections; i++)
        {
            channels.add(bootstrap.connect(url.getHost(), url.getPort()).sync().channel());
        }
        loop.submit(() -> idle.addAll(channels)).sync();
    }

    /** Event loop: sends the batch due at {@code due} on an idle connection, or queues it for the next answer. */
    private void send(final long due, final boolean measured)
    {
        if (idle.isEmpty())
        {
            waiting.add(new long[] {due, measured ? 1 : 0});
            return;
        }
        write(idle.remove(idle.size() - 1), due, measured);
    }

    private void write(final Channel channel, final long due, final boolean measured)
    {
        channel.attr(DUE).set(new long[] {due, measured ? 1 : 0});
        final FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
            body.duplicate());
        request.headers().set(HttpHeaderNames.HOST, host)
            .set(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson")
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        channel.writeAndFlush(request);
    }

    private static long processCpuNs()
    {
        return ((com.sun.management.OperatingSystemMXBean)java.lang.management.ManagementFactory
            .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Event loop: one answer on a connection; records it and sends what waits, or parks the connection. */
    private final class Answers extends SimpleChannelInboundHandler<FullHttpResponse>
    {
        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpResponse response)
        {
            final long[] due = ctx.channel().attr(DUE).getAndSet(null);
            final long latency = System.nanoTime() - due[0];
            if (response.status().code() != 202)
            {
                failures++;
            }
            else if (due[1] == 1)
            {
                histogram.recordValue(Math.min(latency, histogram.getHighestTrackableValue()));
            }
            answered.countDown();
            final long[] next = waiting.poll();
            if (next != null)
            {
                write(ctx.channel(), next[0], next[1] == 1);
            }
            else
            {
                idle.add(ctx.channel());
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            System.err.println("connection failed: " + cause);
            ctx.close();
        }
    }
}
