package io.ringcast.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.ringcast.engine.Engine;
import io.ringcast.engine.EventBatch;
import io.ringcast.engine.EventIds;
import io.ringcast.engine.EventWriter;

import java.util.List;

/**
 * Publishes an admitted, aggregated {@code POST /publish}: parses the body ({@link PublishParser}), checks every
 * event against the {@link PublishAdmission.Grant grant} (topic, and {@code user} of private events), and publishes
 * through the engine's write-once path ({@link EventWriter}, {@link EventBatch} for NDJSON: all or none), which copies
 * each payload from the request body straight into its ring slot and never blocks the event loop. So nothing of a
 * request outlives it: no per-event array stays referenced by the engine's history. Answers 202 with the ids, or the
 * JSON error; the connection is kept. One instance per channel; event loop only.
 */
final class PublishHandler extends SimpleChannelInboundHandler<FullHttpRequest>
{
    private final ServerContext server;

    PublishHandler(final ServerContext server)
    {
        super(FullHttpRequest.class, true);
        this.server = server;
    }

    /**
     * Takes the aggregated request of a {@code POST /publish} only: over HTTP/2 a request without a body arrives whole
     * (a {@link FullHttpRequest}) and belongs to the handlers after this one.
     */
    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
    {
        final Route.Routed routed = ctx.channel().attr(Route.CURRENT).get();
        if (routed != null && routed.route() == Route.PUBLISH)
        {
            super.channelRead(ctx, msg);
        }
        else
        {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        final PublishAdmission.Grant grant = ctx.channel().attr(PublishAdmission.GRANT).getAndSet(null);
        final boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (grant == null)
        {
            Refusals.refuseAndClose(server, ctx, HttpError.badRequest("the request was not admitted"));
            return;
        }
        try
        {
            final ByteBuf content = request.content();
            final int length = content.readableBytes();
            final byte[] body = ByteBufUtil.getBytes(content, content.readerIndex(), length, false);
            final int offset = content.hasArray() && body == content.array() ?
                content.arrayOffset() + content.readerIndex() : 0;
            final DurableLog journal = server.durableLog;
            final DurableLog durable = DurableAck.requested(request.uri(), journal) ? journal : null;
            if (journal != null)
            {
                journal.refuseIfUnwritable();
            }
            if (grant.ndjson())
            {
                publishBatch(ctx, server.parser.parseNdjson(body, offset, length), grant.principal(), keepAlive,
                    durable);
            }
            else
            {
                final ParsedEvent event = server.parser.parseJson(body, offset, length);
                authorize(grant.principal(), List.of(event));
                final EventWriter writer = event.writeTo(server.writer());
                final long result = writer.tryPublish();
                writer.clear(); // keep no reference to this request's body
                final long id = accepted(result, 1);
                DurableAck.answer(ctx, durable, id, id, "{\"id\":\"" + EventIds.format(id) + "\"}", keepAlive);
            }
        }
        catch (final HttpError e)
        {
            Refusals.refuse(server, ctx, e, keepAlive);
        }
    }

    private void publishBatch(
        final ChannelHandlerContext ctx, final List<ParsedEvent> messages, final Principal principal,
        final boolean keepAlive, final DurableLog durable)
    {
        final Engine engine = server.engine;
        authorize(principal, messages);
        if (messages.size() > engine.metrics().ringSize())
        {
            throw HttpError.tooLarge("a batch holds at most " + engine.metrics().ringSize() +
                " events (the ring size), got " + messages.size());
        }
        final EventWriter writer = server.writer();
        final EventBatch batch = server.batch().clear();
        for (int i = 0; i < messages.size(); i++)
        {
            batch.add(messages.get(i).writeTo(writer));
        }
        writer.clear();
        final long result = batch.tryPublish();
        batch.clear(); // published or refused: keep no reference to this request's body
        final long first = accepted(result, messages.size());
        final StringBuilder json = new StringBuilder(24 * messages.size() + 12).append("{\"ids\":[");
        for (int i = 0; i < messages.size(); i++)
        {
            json.append(i == 0 ? "\"" : ",\"").append(EventIds.format(first + i)).append('"');
        }
        DurableAck.answer(ctx, durable, first, first + messages.size() - 1, json.append("]}").toString(), keepAlive);
    }

    private long accepted(final long result, final int events)
    {
        if (result == Engine.RING_FULL)
        {
            server.metrics.publishRejectedRingFull.increment();
            throw new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "ring_full",
                "the engine's ring is full; nothing was published, retry after the Retry-After delay");
        }
        if (result < 0)
        {
            throw new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting_down",
                "the engine is closed; nothing was published");
        }
        server.metrics.publishRequests.increment();
        server.metrics.publishedEvents.add(events);
        return result;
    }

    private static void authorize(final Principal principal, final List<ParsedEvent> messages)
    {
        for (int i = 0; i < messages.size(); i++)
        {
            final ParsedEvent m = messages.get(i);
            final String where = messages.size() > 1 ? "event " + (i + 1) + ": " : "";
            if (!principal.mayPublish(m.topic()))
            {
                throw HttpError.forbidden(where + "the token does not grant publish on '" + m.topic() + "'");
            }
            if (m.audience() != null && !principal.mayAddress(m.topic(), m.audience()))
            {
                throw HttpError.forbidden(where + "the token may address private events only to its own user ('sub')" +
                    "; addressing other users on '" + m.topic() + "' needs the 'publish_private' claim");
            }
        }
    }
}
