package io.ringcast.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Answers a temporary refusal of {@code GET /events} in a form a browser's {@code EventSource} survives. An
 * {@code EventSource} gives up for good on any answer but {@code 200 text/event-stream}, so a refusal that will pass
 * ({@code resume_busy}, {@code resume_unavailable}, {@code shutting_down}, {@code too_many_connections},
 * {@code slow_client}) is answered {@code 200 text/event-stream} with a {@code retry:} delay and one
 * {@code event: error} frame whose data is the JSON error body, and the connection is closed: the browser fires the
 * {@code error} event and reconnects after the delay. A client that asks for JSON ({@code Accept: application/json}
 * without {@code text/event-stream}) keeps the plain {@code 503} with {@code Retry-After}; so does every refusal that
 * will not pass (400, 401, 403, ...), which a retry would only repeat.
 *
 * <p>Stateless; any event loop.
 */
final class StreamRefusal
{
    /** The error codes of refusals that pass with time. */
    static final Set<String> TEMPORARY =
        Set.of("resume_busy", "resume_unavailable", "shutting_down", "too_many_connections", "slow_client");

    private StreamRefusal()
    {
    }

    /** @return {@code true} when the request's {@code Accept} asks for JSON and not for an event stream. */
    static boolean wantsJson(final HttpRequest request)
    {
        final String accept = request.headers().get(HttpHeaderNames.ACCEPT);
        return accept != null && accept.contains("application/json") && !accept.contains("text/event-stream");
    }

    /** @return {@code true} for {@code GET /events} from a client that does not ask for JSON refusals. */
    static boolean eventStreamClient(final HttpRequest request)
    {
        final String uri = request.uri();
        return uri.startsWith("/events") && (uri.length() == 7 || uri.charAt(7) == '?') && !wantsJson(request);
    }

    /**
     * Refuses a {@code GET /events} request and counts it: the event-stream form (then close) for a temporary
     * refusal of a client that did not ask for JSON, else the JSON answer of {@link Refusals#refuse}.
     */
    static void refuse(final ServerContext server, final ChannelHandlerContext ctx, final HttpError e,
        final boolean wantsJson, final boolean keepAlive)
    {
        if (wantsJson || !temporary(e))
        {
            Refusals.refuse(server, ctx, e, keepAlive);
            return;
        }
        server.metrics.countError(e.status.code());
        ctx.channel().config().setAutoRead(false);
        Responses.writeAndClose(ctx, eventStream(e, server.streams.retryMs()));
    }

    /** @return {@code true} when {@code e} is a refusal that passes with time. */
    static boolean temporary(final HttpError e)
    {
        return e.status.code() == 503 && TEMPORARY.contains(e.error);
    }

    /**
     * Writes the refusal and closes the connection: the event-stream form for a temporary refusal of a client that
     * did not ask for JSON, the JSON error response otherwise.
     */
    static void writeAndClose(
        final ChannelHandlerContext ctx, final HttpError e, final boolean wantsJson, final long retryMs)
    {
        Responses.writeAndClose(ctx, !wantsJson && temporary(e) ? eventStream(e, retryMs) : Responses.error(e));
    }

    /** @return {@code 200 text/event-stream}: {@code retry:}, then {@code event: error} with the JSON error body. */
    static FullHttpResponse eventStream(final HttpError e, final long retryMs)
    {
        final String json = "{\"error\":" + Responses.quote(e.error) + ",\"detail\":" + Responses.quote(e.detail()) +
            "}";
        final ByteBuf body = Unpooled.copiedBuffer(
            "retry: " + retryMs + "\n\nevent: error\ndata: " + json + "\n\n", StandardCharsets.UTF_8);
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
            .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
            .set(HttpHeaderNames.RETRY_AFTER, Long.toString(Math.max(1, (retryMs + 999) / 1000)));
        return response;
    }
}
