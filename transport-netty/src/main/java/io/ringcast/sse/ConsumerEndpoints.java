package io.ringcast.sse;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.ringcast.engine.EventIds;

import java.util.List;

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
    static String streamConsumer(final QueryStringDecoder query, final Principal principal, final ServerContext server)
    {
        final List<String> values = query.parameters().get("consumer");
        if (values == null || values.isEmpty())
        {
            return null;
        }
        final String consumer = values.get(0);
        authorize(consumer, principal, server);
        return consumer;
    }

    /** Answers {@code POST /commit}. */
    static void commit(
        final ChannelHandlerContext ctx, final QueryStringDecoder query, final Principal principal,
        final ServerContext server, final boolean keepAlive)
    {
        final List<String> consumers = query.parameters().get("consumer");
        final List<String> ids = query.parameters().get("id");
        if (consumers == null || consumers.isEmpty() || ids == null || ids.isEmpty())
        {
            throw HttpError.badRequest("POST /commit needs ?consumer=NAME&id=ID (the last event id the consumer " +
                "processed)");
        }
        final String consumer = consumers.get(0);
        authorize(consumer, principal, server);
        final long id;
        try
        {
            id = EventIds.parse(ids.get(0));
        }
        catch (final IllegalArgumentException e)
        {
            throw HttpError.badRequest("invalid id: " + e.getMessage());
        }
        server.durableLog.commit(ctx, consumer, id, keepAlive);
    }

    private static void authorize(final String consumer, final Principal principal, final ServerContext server)
    {
        if (server.durableLog == null)
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
