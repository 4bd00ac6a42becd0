package io.ringcast.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.channel.socket.SocketChannel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Publishes load events over a few keep-alive HTTP connections, one request in flight on each, at a target rate
 * (events due = rate x elapsed) or as fast as responses come back (rate 0). Each event carries its topic sequence
 * and its send {@link System#nanoTime()}. Confined to one event loop: every field is touched only there, and the
 * main thread reads the totals after that loop has terminated.
 */
final class Publisher
{
    private final LoadOptions options;
    private final EventLoop loop;
    private final List<Connection> connections = new ArrayList<>();
    private final long[] topicSequence;
    private final long[] topicRefused;
    private final String padding;
    private int nextTopic;
    private long startNs;
    private long issued;
    private boolean running;
    long accepted;
    long refused;
    long errors;
    long requests;
    String firstError;

    Publisher(final LoadOptions options, final EventLoop loop)
    {
        this.options = options;
        this.loop = loop;
        this.topicSequence = new long[options.topics()];
        this.topicRefused = new long[options.topics()];
        this.padding = "x".repeat(Math.max(0, options.payloadBytes() - 40));
    }

    long published(final int topic)
    {
        return topicSequence[topic];
    }

    long refused(final int topic)
    {
        return topicRefused[topic];
    }

    long issued()
    {
        return issued;
    }

    /** @return how many events were due but not yet sent when called: the publisher fell behind the target rate. */
    long behind()
    {
        if (options.rate() == 0)
        {
            return 0;
        }
        final long due = (System.nanoTime() - startNs) * options.rate() / 1_000_000_000L;
        return Math.max(0, due - issued);
    }

    void connect(final Bootstrap template) throws InterruptedException
    {
        for (int i = 0; i < options.publishers(); i++)
        {
            final Connection c = new Connection();
            final Channel ch = template.clone(loop).handler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel channel)
                {
                    channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20), c);
                }
            }).connect(options.host(), options.port()).sync().channel();
            c.channel = ch;
            connections.add(c);
        }
    }

    void start()
    {
        loop.execute(() ->
        {
            startNs = System.nanoTime();
            running = true;
            loop.scheduleAtFixedRate(this::sendDue, 0, 1, TimeUnit.MILLISECONDS);
        });
    }

    void stop()
    {
        loop.submit(() -> running = false).syncUninterruptibly();
    }

    private void sendDue()
    {
        for (final Connection c : connections)
        {
            if (!c.busy)
            {
                trySend(c);
            }
        }
    }

    private void trySend(final Connection c)
    {
        if (!running || c.busy || !c.channel.isActive())
        {
            return;
        }
        final int batch = options.batch();
        if (options.rate() > 0)
        {
            final long due = (System.nanoTime() - startNs) * options.rate() / 1_000_000_000L;
            if (due - issued < batch)
            {
                return;
            }
        }
        send(c, batch);
    }

    private void send(final Connection c, final int batch)
    {
        final ByteBuf body = c.channel.alloc().buffer(batch * (options.payloadBytes() + 80));
        c.topics = new int[batch];
        final long now = System.nanoTime();
        final boolean nchan = options.target() == LoadOptions.Target.NCHAN;
        for (int i = 0; i < batch; i++)
        {
            final int topic = nextTopic;
            nextTopic = (nextTopic + 1) % options.topics();
            c.topics[i] = topic;
            final String data = "{\"s\":" + topicSequence[topic]++ + ",\"t\":" + now + ",\"p\":\"" + padding + "\"}";
            body.writeCharSequence(nchan ? data : "{\"topic\":\"" + options.topic(topic) + "\",\"data\":" + data + "}",
                StandardCharsets.US_ASCII);
            if (options.mode() == LoadOptions.Mode.NDJSON)
            {
                body.writeByte('\n');
            }
        }
        issued += batch;
        requests++;
        final String path = nchan ? "/pub/" + options.topic(c.topics[0]) : "/publish";
        final FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path, body);
        request.headers().set(HttpHeaderNames.HOST, options.host())
            .set(HttpHeaderNames.CONTENT_TYPE,
                options.mode() == LoadOptions.Mode.NDJSON ? "application/x-ndjson" : "application/json")
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (options.token() != null)
        {
            request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + options.token());
        }
        c.busy = true;
        c.channel.writeAndFlush(request, c.channel.voidPromise());
    }

    /** One keep-alive publishing connection; its handler runs on the publisher loop. */
    private final class Connection extends SimpleChannelInboundHandler<FullHttpResponse>
    {
        Channel channel;
        boolean busy;
        int[] topics;

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpResponse response)
        {
            busy = false;
            final int code = response.status().code();
            // Ringcast answers 202; Nchan 201 when the channel has subscribers, 202 when it has none
            if (code == 202 || code == 201 && options.target() == LoadOptions.Target.NCHAN)
            {
                accepted += topics.length;
            }
            else
            {
                if (code == 503)
                {
                    refused += topics.length;
                }
                else
                {
                    errors += topics.length;
                    if (firstError == null)
                    {
                        firstError = code + " " + response.content().toString(StandardCharsets.UTF_8);
                    }
                }
                for (final int t : topics)
                {
                    topicRefused[t]++;
                }
            }
            trySendNowOrLater();
        }

        private void trySendNowOrLater()
        {
            if (options.rate() == 0 && running)
            {
                send(this, options.batch());
            }
            else
            {
                trySend(this);
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            if (firstError == null)
            {
                firstError = cause.toString();
            }
            ctx.close();
        }
    }
}
