package io.ringcast.sse;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;

/**
 * Answers a refused request with its JSON error and counts it. Refusing a request whose body has not been read
 * ({@link #refuseAndClose}) stops reading and closes the connection after the answer, so the unread body is never
 * taken for a next request. Stateless; call on the channel's event loop.
 */
final class Refusals
{
    private Refusals()
    {
    }

    static void refuse(final ServerContext server, final ChannelHandlerContext ctx, final HttpError e,
        final boolean keepAlive)
    {
        server.metrics.countError(e.status.code());
        if (e.status.code() == 401 || e.status.code() == 403)
        {
            server.metrics.authFailures.increment();
        }
        final FullHttpResponse response = Responses.error(e);
        if (e.allow != null)
        {
            response.headers().set(HttpHeaderNames.ALLOW, e.allow);
        }
        Responses.write(ctx, response, keepAlive);
    }

    static void refuseAndClose(final ServerContext server, final ChannelHandlerContext ctx, final HttpError e)
    {
        ctx.channel().config().setAutoRead(false);
        refuse(server, ctx, e, false);
    }
}
