package io.ringcast.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import java.util.BitSet;

/**
 * Reads one SSE stream of load events: {@code data: {"s":<topic sequence>,"t":<send nanoTime>,...}} lines, dispatched
 * at the blank line. Records which sequences arrived (loss, duplicates) and the publish-to-receive latency.
 * Sits directly on the socket: the response is parsed by {@link RawHttpResponse}, so a delivery allocates nothing.
 * Runs on its channel's event loop only; the main thread reads {@link #received()} after the loops terminate.
 */
final class StreamReader extends ChannelInboundHandlerAdapter implements RawHttpResponse.Listener
{
    /** Callbacks to the run, from the event loop. */
    interface Events
    {
        void connected(StreamReader reader, int status);

        void closed(StreamReader reader);

        /** The stream broke (a malformed response, an I/O error); the channel is being closed. */
        void failed(StreamReader reader, Throwable cause);
    }

    private static final byte[] DATA_PREFIX = "data: {\"s\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final int topic;
    private final LoadStats stats;
    private final Events events;
    private final BitSet received = new BitSet();
    private final RawHttpResponse response = new RawHttpResponse(this);
    private byte[] line = new byte[512];
    private int length;
    private long seq = -1;
    private long sentNs;
    private boolean answered;

    StreamReader(final int topic, final LoadStats stats, final Events events)
    {
        this.topic = topic;
        this.stats = stats;
        this.events = events;
    }

    int topic()
    {
        return topic;
    }

    BitSet received()
    {
        return received;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        try
        {
            response.feed((ByteBuf)msg);
        }
        finally
        {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void status(final int code)
    {
        answered = true;
        events.connected(this, code);
    }

    @Override
    public void body(final ByteBuf buf, final int from, final int to)
    {
        scan(buf, from, to);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        if (!answered)
        {
            events.connected(this, -1);
        }
        events.closed(this);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        events.failed(this, cause);
        ctx.close();
    }

    /**
     * Splits the content into lines: one {@code indexOf} per line and one bulk copy per line or line fragment (a line
     * may span contents). Reading byte by byte with {@code getByte} cost half of the tool's CPU at 1.2M events/s:
     * every call checks the index and the buffer's reference count.
     */
    private void scan(final ByteBuf buf, final int start, final int end)
    {
        int from = start;
        while (from < end)
        {
            final int lf = buf.indexOf(from, end, (byte)'\n');
            final int stop = lf < 0 ? end : lf;
            final int n = stop - from;
            if (length + n > line.length)
            {
                line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, length + n));
            }
            buf.getBytes(from, line, length, n);
            length += n;
            if (lf < 0)
            {
                return;
            }
            if (length > 0 && line[length - 1] == '\r')
            {
                length--;
            }
            line();
            length = 0;
            from = lf + 1;
        }
    }

    private void line()
    {
        if (length == 0)
        {
            dispatch();
            return;
        }
        if (length > DATA_PREFIX.length && startsWithDataPrefix())
        {
            int at = DATA_PREFIX.length;
            long s = 0;
            while (at < length && line[at] >= '0' && line[at] <= '9')
            {
                s = s * 10 + (line[at++] - '0');
            }
            at += 5; // ,"t":
            long t = 0;
            while (at < length && line[at] >= '0' && line[at] <= '9')
            {
                t = t * 10 + (line[at++] - '0');
            }
            seq = s;
            sentNs = t;
        }
    }

    private boolean startsWithDataPrefix()
    {
        for (int i = 0; i < DATA_PREFIX.length; i++)
        {
            if (line[i] != DATA_PREFIX[i])
            {
                return false;
            }
        }
        return true;
    }

    private void dispatch()
    {
        if (seq < 0)
        {
            return;
        }
        final long now = System.nanoTime();
        final LoadStats.Slot slot = stats.slot();
        slot.delivered++;
        if (received.get((int)seq))
        {
            slot.duplicated++;
        }
        else
        {
            received.set((int)seq);
        }
        stats.record(slot, now, Math.max(0, Math.min((now - sentNs) / 1000, 60_000_000L)));
        seq = -1;
    }
}
