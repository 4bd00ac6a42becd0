package io.ringcast.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * On a clear-text connection, tells HTTP/2 with prior knowledge (h2c: the client starts with the connection preface
 * {@code PRI * HTTP/2.0}) from HTTP/1.x by the first bytes, installs the matching handlers and removes itself; the
 * bytes read so far go on to them. A connection that sends nothing within the request timeout is closed (counted as
 * a request timeout). One instance per connection; event loop only.
 */
final class PriorKnowledgeDetector extends ByteToMessageDecoder
{
    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final HttpProtocols protocols;
    private final long timeoutMs;
    private final ServerMetrics metrics;
    private ScheduledFuture<?> timeout;

    PriorKnowledgeDetector(final HttpProtocols protocols, final long timeoutMs, final ServerMetrics metrics)
    {
        this.protocols = protocols;
        this.timeoutMs = timeoutMs;
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        timeout = ctx.executor().schedule(() ->
        {
            metrics.requestTimeouts.increment();
            ctx.close();
        }, timeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void handlerRemoved0(final ChannelHandlerContext ctx)
    {
        timeout.cancel(false);
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
    {
        final int length = Math.min(in.readableBytes(), PREFACE.readableBytes());
        if (!ByteBufUtil.equals(in, in.readerIndex(), PREFACE, 0, length))
        {
            protocols.http1(ctx.pipeline());
            ctx.pipeline().remove(this);
        }
        else if (length == PREFACE.readableBytes())
        {
            protocols.http2(ctx.pipeline());
            ctx.pipeline().remove(this);
        }
    }
}
