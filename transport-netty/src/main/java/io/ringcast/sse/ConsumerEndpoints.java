package io.ringcast.sse;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.ringcast.engine.EventIds;

/**
 * The HTTP side of named durable consumers: {@code GET /events?consumer=NAME&topic=…} starts the stream after the
 * consumer's committed position (a {@code Last-Event-ID} from a reconnect wins, as for any stream), and
 * {@code POST /commit?consumer=NAME&id=ID} stores its position. Both need the token's {@code consumers} claim to name
 * the consumer. Stateless.
 */
final class ConsumerEndpoints
{
    private ConsumerEndpoints()
    {
    }

    /** @return the consumer a stream request names, after checking it may be used, or {@code null}. */
    static String streamConsumer(final RequestTarget target, final Principal principal, final ServerContext server)
    {
        final String consumer = target.first("consumer");
        if (consumer == null)
        {
            return null;
        }
        authorize(consumer, principal, server);
        return consumer;
    }

    /** Answers {@code POST /commit}. */
    static void commit(
        final ChannelHandlerContext ctx, final RequestTarget target, final Principal principal,
        final ServerContext server, final boolean keepAlive)
    {
        final String consumer = target.first("consumer");
        final String idText = target.first("id");
        if (consumer == null || idText == null)
        {
            throw HttpError.badRequest("POST /commit needs ?consumer=NAME&id=ID (the last event id the consumer " +
                "processed)");
        }
        authorize(consumer, principal, server);
        final long id;
        try
        {
            id = EventIds.parse(idText);
        }
        catch (final IllegalArgumentException e)
        {
            throw HttpError.badRequest("invalid id: " + e.getMessage());
        }
        server.durableLog.commit(ctx, consumer, id, keepAlive);
    }

    /** The handler for {@code POST /commit}: answers once the request (its body ignored) is complete. */
    static final class CommitHandler extends io.netty.channel.ChannelInboundHandlerAdapter
    {
        private final ServerContext server;
        private io.netty.handler.codec.http.HttpRequest request;
        private RequestTarget target;

        CommitHandler(final ServerContext server)
        {
            this.server = server;
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
        {
            if (msg instanceof io.netty.handler.codec.http.HttpRequest r)
            {
                final Route.Routed routed = ctx.channel().attr(Route.CURRENT).get();
                request = routed != null && routed.route() == Route.COMMIT ? r : null;
                target = request == null ? null : routed.target();
            }
            if (request == null)
            {
                super.channelRead(ctx, msg);
                return;
            }
            io.netty.util.ReferenceCountUtil.release(msg);
            if (msg instanceof io.netty.handler.codec.http.LastHttpContent)
            {
                final io.netty.handler.codec.http.HttpRequest r = request;
                request = null;
                final boolean keepAlive = io.netty.handler.codec.http.HttpUtil.isKeepAlive(r);
                try
                {
                    commit(ctx, target, server.authenticate(r, target), server, keepAlive);
                }
                catch (final HttpError e)
                {
                    Refusals.refuse(server, ctx, e, keepAlive);
                }
            }
        }
    }

    private static void authorize(final String consumer, final Principal principal, final ServerContext server)
    {
        if (server.durableLog == null || !server.durableLog.hasStore())
        {
            throw new HttpError(HttpResponseStatus.NOT_FOUND, "unknown_consumer",
                "named consumers need the journal; this server keeps events in memory only (--data-dir none)");
        }
        if (!principal.mayConsume(consumer))
        {
            server.metrics.authFailures.increment();
            throw HttpError.forbidden("the token's 'consumers' claim does not name '" + consumer + "'");
        }
        server.durableLog.consumerStart(consumer); // 404 for an unknown consumer
    }
}
