package io.ringcast.sse;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Answers {@code GET} and {@code HEAD} on {@code /metrics}, {@code /healthz} and {@code /stats} from {@link Pages},
 * and on {@code /} and the other files of {@link StaticAssets}, once the request is complete. {@code /metrics} and
 * {@code /stats} need {@code Authorization: Bearer <metrics token>} when a metrics token is
 * configured (compared in constant time); {@code /healthz} tells anyone the state and, only to a caller holding the
 * metrics token, the replication's detail (which may name the database host). A response to {@code HEAD} carries the
 * headers of the {@code GET} and no body. One instance per channel; event loop only.
 */
final class PagesHandler extends ChannelInboundHandlerAdapter
{
    private final ServerContext server;
    private final byte[] metricsToken;
    private HttpRequest request;
    private Route route;
    private String path;

    PagesHandler(final ServerContext server)
    {
        this.server = server;
        final String token = server.config.metricsToken();
        this.metricsToken = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
    {
        if (msg instanceof HttpRequest r)
        {
            final Route.Routed routed = ctx.channel().attr(Route.CURRENT).get();
            route = routed == null ? null : routed.route();
            path = routed == null ? null : routed.target().path();
            request = route == Route.METRICS || route == Route.HEALTH || route == Route.STATS ||
                route == Route.INDEX ? r : null;
        }
        if (request == null)
        {
            super.channelRead(ctx, msg);
            return;
        }
        ReferenceCountUtil.release(msg);
        if (msg instanceof LastHttpContent)
        {
            final HttpRequest r = request;
            request = null;
            answer(ctx, r, HttpUtil.isKeepAlive(r));
        }
    }

    private void answer(final ChannelHandlerContext ctx, final HttpRequest r, final boolean keepAlive)
    {
        final boolean shuttingDown = server.shuttingDown();
        switch (route)
        {
            case METRICS ->
            {
                if (metricsToken != null && !holdsMetricsToken(r))
                {
                    Refusals.refuse(server, ctx, HttpError.unauthorized(
                        "GET /metrics needs 'Authorization: Bearer <metrics token>' (--metrics-token)"), keepAlive);
                    return;
                }
                Responses.write(ctx, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                    Unpooled.copiedBuffer(server.pages.metrics(server.metrics.openConnections.intValue()),
                        StandardCharsets.UTF_8), keepAlive);
            }
            case HEALTH -> Responses.json(ctx,
                server.pages.accepting(shuttingDown) ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                server.pages.health(shuttingDown, metricsToken != null && holdsMetricsToken(r)), keepAlive);
            case STATS ->
            {
                if (metricsToken != null && !holdsMetricsToken(r))
                {
                    Refusals.refuse(server, ctx, HttpError.unauthorized(
                        "GET /stats needs 'Authorization: Bearer <metrics token>' (--metrics-token)"), keepAlive);
                    return;
                }
                Responses.json(ctx, HttpResponseStatus.OK, server.pages.stats(
                    server.metrics.openConnections.intValue(), shuttingDown, metricsToken != null), keepAlive);
            }
            default -> StaticAssets.write(ctx, r, path, keepAlive);
        }
    }

    private boolean holdsMetricsToken(final HttpRequest r)
    {
        final String authorization = r.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7))
        {
            return false;
        }
        return MessageDigest.isEqual(metricsToken,
            authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }
}
