package io.ringcast.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * First handler of every connection: counts open connections and answers those beyond the limit with a 503 (written
 * raw, before any HTTP codec) and closes them. Shared by all channels; thread-safe (one atomic counter).
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter
{
    private static final byte[] REJECTION = ("HTTP/1.1 503 Service Unavailable\r\n" +
        "Content-Type: application/json; charset=utf-8\r\n" +
        "Retry-After: 1\r\n" +
        "Connection: close\r\n" +
        "Content-Length: 84\r\n\r\n" +
        "{\"error\":\"too_many_connections\",\"detail\":\"the server's connection limit is reached\"}")
        .getBytes(StandardCharsets.US_ASCII);

    private final int maxConnections;
    private final ServerMetrics metrics;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionLimiter(final int maxConnections, final ServerMetrics metrics)
    {
        this.maxConnections = maxConnections;
        this.metrics = metrics;
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
            ctx.channel().config().setAutoRead(false);
            final ByteBuf body = Unpooled.wrappedBuffer(REJECTION);
            ctx.writeAndFlush(body).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        open.decrementAndGet();
        metrics.openConnections.decrement();
        super.channelInactive(ctx);
    }
}
