package io.ringcast.sse;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Netty's {@link HttpObjectAggregator} for {@code POST /publish} only: collects an admitted body of at most
 * {@code maxBodyBytes} into one {@link io.netty.handler.codec.http.FullHttpRequest} (a composite of the received
 * buffers, not a copy), answers {@code Expect: 100-continue}, and releases what it holds when the connection closes
 * or the handler is removed. Every other route's messages pass through untouched. A chunked body growing past the
 * bound is answered 413 with the JSON error, and the connection is closed.
 *
 * <p>One instance per channel; event loop only.
 */
final class PublishAggregator extends HttpObjectAggregator
{
    private final ServerContext server;

    PublishAggregator(final ServerContext server)
    {
        super(server.config.maxBodyBytes(), true);
        this.server = server;
    }

    @Override
    public boolean acceptInboundMessage(final Object msg) throws Exception
    {
        if (msg instanceof HttpRequest)
        {
            final ChannelHandlerContext ctx = ctx();
            final Route.Routed routed = ctx == null ? null : ctx.channel().attr(Route.CURRENT).get();
            if (routed == null || routed.route() != Route.PUBLISH)
            {
                return false;
            }
        }
        return super.acceptInboundMessage(msg);
    }

    @Override
    protected void handleOversizedMessage(final ChannelHandlerContext ctx, final HttpMessage oversized)
    {
        Refusals.refuseAndClose(server, ctx, HttpError.tooLarge("the request body exceeds " +
            server.config.maxBodyBytes() + " bytes (--max-body-bytes)"));
    }
}
