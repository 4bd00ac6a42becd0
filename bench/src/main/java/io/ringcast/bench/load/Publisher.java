package io.ringcast.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Publishes load events over keep-alive HTTP/1.1 connections, up to {@code --pipeline} requests in flight on each
 * (HTTP/1.1 pipelining: both servers answer in order), at a target rate (events due = rate x elapsed) or as fast as
 * responses come back (rate 0). Each event carries its topic sequence and its send {@link System#nanoTime()}.
 *
 * <p>Requests are written as raw bytes (no HTTP codec, no request objects, no strings per event) and flushed once per
 * connection per timer tick or read burst; responses are parsed straight from the socket's bytes by
 * {@link KeepAliveResponses}. At tens of thousands of POSTs a second on the same two cores as the server, the codec,
 * the aggregator and the per-event strings of the previous publisher were a share of the machine the server under
 * test did not get.
 *
 * <p>Confined to one event loop: every field is touched only there; the main thread reads the totals through
 * {@link #snapshot()} (run on the loop) or after that loop has terminated.
 */
final class Publisher
{
    private static final byte[] CONTENT_LENGTH = "\r\nContent-Length: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final LoadOptions options;
    private final EventLoop loop;
    private final List<Connection> connections = new ArrayList<>();
    private final long[] topicSequence;
    private final long[] topicRefused;
    /** Per topic: the request line and headers up to the Content-Length value. */
    private final byte[][] requestHeads;
    /** Per topic: the bytes of the body before the event's data object ({@code {"topic":"…","data":} or none). */
    private final byte[][] bodyPrefixes;
    private final byte[] bodySuffix;
    private final byte[] payloadTail;
    private final boolean ndjson;
    private byte[] body = new byte[4096];
    private final byte[] digits = new byte[20];
    private int bodyLength;
    private int nextTopic;
    private int nextConnection;
    private int rate;
    /** The schedule: {@code dueBase} events were due at {@code dueBaseNs}, then {@link #rate} a second. */
    private long dueBaseNs;
    private long dueBase;
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
        this.rate = options.rate();
        this.topicSequence = new long[options.topics()];
        this.topicRefused = new long[options.topics()];
        this.ndjson = options.mode() == LoadOptions.Mode.NDJSON;
        final boolean nchan = options.target() == LoadOptions.Target.NCHAN;
        this.requestHeads = new byte[options.topics()][];
        this.bodyPrefixes = new byte[options.topics()][];
        final String contentType = ndjson ? "application/x-ndjson" : "application/json";
        final String auth = options.token() == null ? "" : "\r\nAuthorization: Bearer " + options.token();
        for (int t = 0; t < options.topics(); t++)
        {
            final String path = nchan ? "/pub/" + options.topic(t) : "/publish";
            requestHeads[t] = ("POST " + path + " HTTP/1.1\r\nHost: " + options.host() + "\r\nContent-Type: " +
                contentType + auth).getBytes(StandardCharsets.US_ASCII);
            bodyPrefixes[t] = (nchan ? "" : "{\"topic\":\"" + options.topic(t) + "\",\"data\":")
                .getBytes(StandardCharsets.US_ASCII);
        }
        this.bodySuffix = (nchan ? "" : "}").getBytes(StandardCharsets.US_ASCII);
        this.payloadTail = (",\"p\":\"" + "x".repeat(Math.max(0, options.payloadBytes() - 40)) + "\"}")
            .getBytes(StandardCharsets.US_ASCII);
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
        return rate == 0 ? 0 : Math.max(0, due(System.nanoTime()) - issued);
    }

    private long due(final long nowNs)
    {
        return dueBase + (nowNs - dueBaseNs) * rate / 1_000_000_000L;
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
                    channel.pipeline().addLast(c);
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
            dueBaseNs = System.nanoTime();
            running = true;
            loop.scheduleAtFixedRate(this::sendDue, 0, 1, TimeUnit.MILLISECONDS);
        });
    }

    /** From now on publish {@code eventsPerSecond} (the events already due stay due); waits until the loop has it. */
    void rate(final int eventsPerSecond)
    {
        loop.submit(() ->
        {
            final long now = System.nanoTime();
            dueBase = rate == 0 ? issued : due(now);
            dueBaseNs = now;
            rate = eventsPerSecond;
        }).syncUninterruptibly();
    }

    void stop()
    {
        loop.submit(() -> running = false).syncUninterruptibly();
    }

    /** What the publisher has done so far, read on its loop. */
    record Snapshot(long issued, long behind, long accepted, long refused, long errors, long[] topicSequence)
    {
    }

    Snapshot snapshot()
    {
        try
        {
            return loop.submit(() -> new Snapshot(issued, behind(), accepted, refused, errors, topicSequence.clone()))
                .get();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the publisher's counters", ex);
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException(ex.getCause());
        }
    }

    /** The timer tick: sends every due request a connection has room for, one flush per connection written to. */
    private void sendDue()
    {
        if (!running)
        {
            return;
        }
        final int n = connections.size();
        final int depth = options.pipeline();
        final long now = System.nanoTime();
        for (int tried = 0; tried < n; )
        {
            final Connection c = connections.get(nextConnection);
            if (c.inFlight < depth && c.channel.isActive() && (rate == 0 || due(now) - issued >= options.batch()))
            {
                send(c);
                tried = 0; // more may be due: go round again
            }
            else
            {
                tried++;
            }
            nextConnection = (nextConnection + 1) % n;
            if (rate != 0 && due(now) - issued < options.batch())
            {
                break;
            }
        }
        for (final Connection c : connections)
        {
            c.flushIfWritten();
        }
    }

    /** Tops up one connection after its responses were read: as fast as answered (rate 0) or what is due. */
    private void topUp(final Connection c)
    {
        if (!running || !c.channel.isActive())
        {
            return;
        }
        final long now = System.nanoTime();
        while (c.inFlight < options.pipeline() && (rate == 0 || due(now) - issued >= options.batch()))
        {
            send(c);
        }
        c.flushIfWritten();
    }

    private void send(final Connection c)
    {
        final int batch = options.batch();
        final int first = nextTopic;
        final long now = System.nanoTime();
        bodyLength = 0;
        for (int i = 0; i < batch; i++)
        {
            final int topic = nextTopic;
            nextTopic = (nextTopic + 1) % options.topics();
            append(bodyPrefixes[topic]);
            append(SEQUENCE);
            appendDecimal(topicSequence[topic]++);
            append(TIME);
            appendDecimal(now);
            append(payloadTail);
            append(bodySuffix);
            if (ndjson)
            {
                append(NEWLINE);
            }
        }
        final byte[] head = requestHeads[first];
        final ByteBuf out = c.channel.alloc().ioBuffer(head.length + CONTENT_LENGTH.length + 24 + bodyLength);
        out.writeBytes(head).writeBytes(CONTENT_LENGTH);
        writeDecimal(out, bodyLength);
        out.writeBytes(HEAD_END).writeBytes(body, 0, bodyLength);
        c.channel.write(out, c.channel.voidPromise());
        c.sent(first);
        issued += batch;
        requests++;
    }

    private static final byte[] SEQUENCE = "{\"s\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TIME = ",\"t\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEWLINE = {'\n'};

    private void append(final byte[] bytes)
    {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, body, bodyLength, bytes.length);
        bodyLength += bytes.length;
    }

    private void appendDecimal(final long value)
    {
        ensure(20);
        bodyLength = Decimal.write(value, body, bodyLength);
    }

    private void ensure(final int more)
    {
        if (bodyLength + more > body.length)
        {
            body = java.util.Arrays.copyOf(body, Math.max(body.length * 2, bodyLength + more));
        }
    }

    private void writeDecimal(final ByteBuf out, final int value)
    {
        final int n = Decimal.write(value, digits, 0);
        out.writeBytes(digits, 0, n);
    }

    private void responded(final Connection c, final int code, final String errorBody)
    {
        final int first = c.answered();
        final int batch = options.batch();
        // Ringcast answers 202; Nchan 201 when the channel has subscribers, 202 when it has none
        if (code == 202 || code == 201 && options.target() == LoadOptions.Target.NCHAN)
        {
            accepted += batch;
            return;
        }
        if (code == 503)
        {
            refused += batch;
        }
        else
        {
            errors += batch;
            if (firstError == null)
            {
                firstError = code + " " + errorBody;
            }
        }
        for (int i = 0; i < batch; i++)
        {
            topicRefused[(first + i) % options.topics()]++;
        }
    }

    /** One keep-alive publishing connection; its handler runs on the publisher loop. */
    private final class Connection extends ChannelInboundHandlerAdapter implements KeepAliveResponses.Listener
    {
        private final KeepAliveResponses responses = new KeepAliveResponses(this);
        /** The first topic of each request in flight, in the order sent (a ring of {@code --pipeline} slots). */
        private final int[] firstTopics = new int[options.pipeline()];
        private int oldest;
        int inFlight;
        private boolean written;
        Channel channel;

        void sent(final int firstTopic)
        {
            firstTopics[(oldest + inFlight) % firstTopics.length] = firstTopic;
            inFlight++;
            written = true;
        }

        int answered()
        {
            final int first = firstTopics[oldest];
            oldest = (oldest + 1) % firstTopics.length;
            inFlight--;
            return first;
        }

        void flushIfWritten()
        {
            if (written)
            {
                written = false;
                channel.flush();
            }
        }

        @Override
        public void response(final int code, final String errorBody)
        {
            if (inFlight == 0)
            {
                throw new IllegalStateException("a response arrived for no request");
            }
            responded(this, code, errorBody);
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            try
            {
                responses.feed((ByteBuf)msg);
            }
            finally
            {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx)
        {
            topUp(this);
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx)
        {
            if (running && firstError == null)
            {
                firstError = "the server closed a publishing connection";
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
