package io.ringcast.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * First handler of every connection: counts open connections and refuses those beyond the limit, before any HTTP
 * codec. A refused connection is not passed on: its first bytes are read, and the answer (written raw) depends on
 * them: an event-stream request ({@code GET /events} not asking for JSON) gets the {@link StreamRefusal} form a
 * browser's {@code EventSource} retries; anything else gets {@code 503 too_many_connections} with JSON. The
 * connection then closes; one that sends nothing is closed after {@value #SILENT_CLOSE_MS} ms.
 *
 * <p>Shared by all channels; thread-safe (one atomic counter; the refused mark is a channel attribute).
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter
{
    static final long SILENT_CLOSE_MS = 1_000;

    private static final String DETAIL = "the server's connection limit is reached";
    private static final byte[] REJECTION = ("HTTP/1.1 503 Service Unavailable\r\n" +
        "Content-Type: application/json; charset=utf-8\r\n" +
        "Retry-After: 1\r\n" +
        "Connection: close\r\n" +
        "Content-Length: 84\r\n\r\n" +
        "{\"error\":\"too_many_connections\",\"detail\":\"" + DETAIL + "\"}")
        .getBytes(StandardCharsets.US_ASCII);
    private static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf(ConnectionLimiter.class, "refused");

    private final int maxConnections;
    private final ServerMetrics metrics;
    private final byte[] eventStreamRejection;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionLimiter(final int maxConnections, final ServerMetrics metrics, final long retryMs)
    {
        this.maxConnections = maxConnections;
        this.metrics = metrics;
        final String body = "retry: " + retryMs + "\n\nevent: error\ndata: " +
            "{\"error\":\"too_many_connections\",\"detail\":\"" + DETAIL + "\"}\n\n";
        this.eventStreamRejection = ("HTTP/1.1 200 OK\r\n" +
            "Content-Type: text/event-stream; charset=utf-8\r\n" +
            "Cache-Control: no-store\r\n" +
            "Connection: close\r\n" +
            "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    int open()
    {
        return open.get();
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        metrics.openConnections.increment();
        if (open.incrementAndGet() > maxConnections)
        {
            metrics.connectionsRejected.increment();
            ctx.channel().attr(REFUSED).set(Boolean.TRUE);
            ctx.executor().schedule(() -> ctx.close(), SILENT_CLOSE_MS, TimeUnit.MILLISECONDS);
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
    {
        if (ctx.channel().attr(REFUSED).get() == null)
        {
            super.channelRead(ctx, msg);
            return;
        }
        try
        {
            if (ctx.channel().attr(REFUSED).getAndSet(Boolean.FALSE) == Boolean.TRUE)
            {
                ctx.channel().config().setAutoRead(false);
                final boolean eventStream = msg instanceof ByteBuf b && eventStreamRequest(
                    b.toString(b.readerIndex(), Math.min(b.readableBytes(), 8192), StandardCharsets.ISO_8859_1));
                ctx.writeAndFlush(Unpooled.wrappedBuffer(eventStream ? eventStreamRejection : REJECTION))
                    .addListener(ChannelFutureListener.CLOSE);
            }
        }
        finally
        {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * @param head the first bytes of a request.
     * @return {@code true} for {@code GET /events} whose {@code Accept} does not ask for JSON only.
     */
    static boolean eventStreamRequest(final String head)
    {
        if (!head.startsWith("GET /events ") && !head.startsWith("GET /events?"))
        {
            return false;
        }
        final String lower = head.toLowerCase(Locale.ROOT);
        final int accept = lower.indexOf("\naccept:");
        if (accept < 0)
        {
            return true;
        }
        final int end = lower.indexOf('\n', accept + 1);
        final String value = lower.substring(accept + 8, end < 0 ? lower.length() : end);
        return !value.contains("application/json") || value.contains("text/event-stream");
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        open.decrementAndGet();
        metrics.openConnections.decrement();
        super.channelInactive(ctx);
    }
}
