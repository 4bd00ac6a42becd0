package io.ringcast.sse;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.ringcast.engine.EventIds;
import io.ringcast.engine.Filter;
import io.ringcast.engine.SubscribeOptions;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Opens {@code GET /events} as an {@link SseStream} once the request is complete: checks the topics
 * ({@link Topics}), the token and its {@code subscribe} grants, and the resume point ({@code Last-Event-ID} header,
 * else the {@code lastEventId} parameter). The connection then carries only that stream. A stream opened with a token
 * that expires ends at its expiry with an {@code event: token-expired} frame ({@link SseFrames#tokenExpired}), so the
 * client fetches a new token and resumes from the last id it saw.
 *
 * <p>One instance per channel; event loop only.
 */
final class StreamOpener extends ChannelInboundHandlerAdapter
{
    private static final String LAST_EVENT_ID = "Last-Event-ID";
    /** How often an expiry that falls before the stream's head is written looks again. */
    private static final long EXPIRY_RETRY_MS = 10;

    private final ServerContext server;
    private HttpRequest request;
    private SseStream stream;
    private ScheduledFuture<?> expiry;

    StreamOpener(final ServerContext server)
    {
        this.server = server;
    }

    /** @return {@code true} once this connection carries a stream. */
    boolean streaming()
    {
        return stream != null;
    }

    /** @return the stream this connection carries, or {@code null}; for tests and shutdown. */
    SseStream stream()
    {
        return stream;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
    {
        if (stream != null)
        {
            // the connection carries a stream and reads no further request (once the head is written, what arrives
            // here is raw bytes: the decoder is gone, StreamBodyEncoder#install)
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest r)
        {
            final Route.Routed routed = ctx.channel().attr(Route.CURRENT).get();
            request = routed != null && routed.route() == Route.EVENTS ? r : null;
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
            try
            {
                open(ctx, r, ctx.channel().attr(Route.CURRENT).get().target());
            }
            catch (final HttpError e)
            {
                StreamRefusal.refuse(server, ctx, e, StreamRefusal.wantsJson(r), HttpUtil.isKeepAlive(r));
            }
        }
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) throws Exception
    {
        if (stream != null)
        {
            stream.onWritabilityChanged();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        cancelExpiry();
        if (stream != null)
        {
            stream.onChannelClosed();
        }
        super.channelInactive(ctx);
    }

    private void open(final ChannelHandlerContext ctx, final HttpRequest r, final RequestTarget target)
    {
        final List<String> topics = target.all("topic");
        final Filter filter = Topics.filter(topics);
        final boolean envelope = EnvelopeFrames.requested(target.first("envelope"));
        final Principal principal = server.authenticate(r, target);
        for (final String topic : topics)
        {
            if (!principal.maySubscribe(topic))
            {
                throw HttpError.forbidden("the token does not grant subscribe on '" + topic + "'");
            }
        }
        String source = "Last-Event-ID header";
        String lastEventId = r.headers().get(LAST_EVENT_ID);
        if (lastEventId == null || lastEventId.isEmpty())
        {
            lastEventId = target.first("lastEventId");
            source = "lastEventId parameter";
        }
        lastEventId = lastEventId == null || lastEventId.trim().isEmpty() ? null : lastEventId.trim();
        final String consumer = ConsumerEndpoints.streamConsumer(target, principal, server);
        final String user = server.authenticator == null ? target.first("user") : principal.user();
        if (server.engine.isClosed())
        {
            throw new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting_down", "the engine is closed");
        }
        final boolean http10 = r.protocolVersion().equals(HttpVersion.HTTP_1_0);
        final boolean wantsJson = StreamRefusal.wantsJson(r);
        if (lastEventId != null && server.replication != null && !isDecimal(lastEventId))
        {
            stream = SseStream.openResumed(ctx, server, filter, lastEventId, source, user, http10, wantsJson);
            stream.envelope(envelope);
        }
        else
        {
            final long resumeAfter = consumer != null && lastEventId == null ?
                server.durableLog.consumerStart(consumer) : resumePoint(lastEventId, source);
            try
            {
                stream = SseStream.open(ctx, server.engine, filter, resumeAfter, user, http10, wantsJson,
                    server.streams, server.metrics);
                stream.envelope(envelope);
            }
            catch (final IllegalArgumentException e)
            {
                throw HttpError.badRequest(e.getMessage());
            }
            catch (final IllegalStateException e)
            {
                throw new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting_down", e.getMessage());
            }
        }
        if (principal.expiresAtMs() != Long.MAX_VALUE)
        {
            scheduleExpiry(ctx, principal.expiresAtMs());
        }
    }

    private void scheduleExpiry(final ChannelHandlerContext ctx, final long expiresAtMs)
    {
        final long delayMs = Math.max(0, expiresAtMs - System.currentTimeMillis());
        expiry = ctx.executor().schedule(() -> expire(ctx, expiresAtMs), delayMs, TimeUnit.MILLISECONDS);
    }

    private void expire(final ChannelHandlerContext ctx, final long expiresAtMs)
    {
        expiry = null;
        final SseStream s = stream;
        if (s == null || !ctx.channel().isActive())
        {
            return;
        }
        if (!s.endWith(SseFrames.tokenExpired(expiresAtMs)))
        {
            expiry = ctx.executor().schedule(() -> expire(ctx, expiresAtMs), EXPIRY_RETRY_MS, TimeUnit.MILLISECONDS);
        }
        else
        {
            server.metrics.tokenExpiries.increment();
        }
    }

    private void cancelExpiry()
    {
        if (expiry != null)
        {
            expiry.cancel(false);
            expiry = null;
        }
    }

    private static boolean isDecimal(final String id)
    {
        for (int i = 0; i < id.length(); i++)
        {
            if (id.charAt(i) < '0' || id.charAt(i) > '9')
            {
                return false;
            }
        }
        return true;
    }

    private static long resumePoint(final String id, final String source)
    {
        if (id == null)
        {
            return SubscribeOptions.NO_RESUME;
        }
        try
        {
            return EventIds.parse(id);
        }
        catch (final IllegalArgumentException e)
        {
            throw HttpError.badRequest("invalid " + source + ": " + e.getMessage());
        }
    }
}
