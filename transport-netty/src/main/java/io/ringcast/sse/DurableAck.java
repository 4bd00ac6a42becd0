package io.ringcast.sse;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.List;

/**
 * The {@code ack} parameter of {@code POST /publish}: {@code memory} (the default: answered once the engine has
 * accepted the events) or {@code durable} (answered once they are durable at every level the server has: synced to
 * the journal on disk, committed to the replication's outbox; see {@link DurableLog}). Stateless.
 */
final class DurableAck
{
    private DurableAck()
    {
    }

    /**
     * @return {@code true} for {@code ack=durable}.
     * @throws HttpError 400 for another value, or for {@code durable} on a server that keeps events in memory only.
     */
    static boolean requested(final String uri, final DurableLog journal)
    {
        if (uri.indexOf("ack=") < 0)
        {
            return false;
        }
        final List<String> values = new QueryStringDecoder(uri).parameters().get("ack");
        final String ack = values == null || values.isEmpty() ? "memory" : values.get(0);
        switch (ack)
        {
            case "memory":
                return false;
            case "durable":
                if (journal == null)
                {
                    throw HttpError.badRequest("ack=durable needs the journal or the PostgreSQL relay; this server " +
                        "keeps events in memory only (--data-dir none)");
                }
                return true;
            default:
                throw HttpError.badRequest("ack must be 'memory' (the default) or 'durable', got '" + ack + "'");
        }
    }

    /** Answers 202 with {@code json} now, or, with {@code durable}, once {@code firstId..lastId} are durable. */
    static void answer(
        final ChannelHandlerContext ctx,
        final DurableLog durable,
        final long firstId,
        final long lastId,
        final String json,
        final boolean keepAlive)
    {
        if (durable == null)
        {
            Responses.json(ctx, HttpResponseStatus.ACCEPTED, json, keepAlive);
        }
        else
        {
            durable.answerWhenDurable(ctx, firstId, lastId, json, keepAlive);
        }
    }
}
