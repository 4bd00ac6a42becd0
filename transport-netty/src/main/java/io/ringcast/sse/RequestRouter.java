package io.ringcast.sse;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

/**
 * Routes each request to its endpoint handler, and refuses what no endpoint may see: requests the HTTP decoder
 * marked as malformed (400, 414, 431), requests while shutting down (503), request targets that do not decode
 * ({@link RequestTarget}: 400), HTTP versions other than 1.0 and 1.1 (505), unknown paths (404) and wrong methods
 * (405 with {@code Allow}).
 *
 * <p>An accepted request's head and contents go on down the pipeline, with its {@link Route.Routed route} in the
 * channel attribute {@link Route#CURRENT}. A refused request without a body is answered once its last content is read
 * and the connection is kept; a refused request with a body is answered at once and the connection closed
 * ({@link Refusals#refuseAndClose}). Once the connection carries an SSE stream, further input is dropped.
 *
 * <p>One instance per channel; event loop only.
 */
final class RequestRouter extends ChannelInboundHandlerAdapter
{
    private final ServerContext server;
    private final StreamOpener streams;
    /** The refusal to answer when the current (bodiless) request's last content arrives, else {@code null}. */
    private HttpError refusal;
    /** A refusal closed the connection: drop everything still in flight. */
    private boolean closing;

    RequestRouter(final ServerContext server, final StreamOpener streams)
    {
        this.server = server;
        this.streams = streams;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (closing || streams.streaming())
        {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest r)
        {
            onRequest(ctx, r);
            if (refusal != null && msg instanceof LastHttpContent)
            {
                // a full request (HTTP/2 without a body): nothing more will come for it
                final HttpError error = refusal;
                refusal = null;
                Refusals.refuse(server, ctx, error, true);
            }
            return;
        }
        if (msg instanceof HttpContent c && (refusal != null || c.decoderResult().isFailure()))
        {
            onRefusedContent(ctx, c);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void onRequest(final ChannelHandlerContext ctx, final HttpRequest r)
    {
        refusal = null;
        ctx.channel().attr(Route.CURRENT).set(null);
        final DecoderResult result = r.decoderResult();
        final HttpError error;
        if (result.isFailure())
        {
            error = decoderError(result.cause());
        }
        else if (!r.protocolVersion().equals(HttpVersion.HTTP_1_1) && !r.protocolVersion().equals(HttpVersion.HTTP_1_0))
        {
            error = new HttpError(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "http_version_not_supported",
                "this server speaks HTTP/1.1 and HTTP/1.0");
        }
        else if (server.shuttingDown())
        {
            error = new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting_down",
                "the server is shutting down; retry against another node or after restart");
        }
        else
        {
            error = route(ctx, r);
        }
        if (error == null)
        {
            ctx.fireChannelRead(r);
            return;
        }
        final boolean eventStreamClient = !result.isFailure() && StreamRefusal.eventStreamClient(r);
        ReferenceCountUtil.release(r);
        if (eventStreamClient && server.shuttingDown())
        {
            // an EventSource must be told in a form it retries (StreamRefusal), not with a 503 it gives up on
            closing = true;
            refusal = null;
            StreamRefusal.refuse(server, ctx, error, false, false);
            return;
        }
        if (result.isFailure() || server.shuttingDown() || mayHaveBody(r) ||
            error.status == HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED)
        {
            close(ctx, error);
        }
        else
        {
            refusal = error;
        }
    }

    /** @return {@code null} when routed (the attribute is set), else the refusal. */
    private static HttpError route(final ChannelHandlerContext ctx, final HttpRequest r)
    {
        try
        {
            final RequestTarget target = RequestTarget.parse(r.uri());
            final Route route = Route.of(target.path());
            if (route == null)
            {
                return new HttpError(HttpResponseStatus.NOT_FOUND, "not_found", "no resource at " +
                    RequestTarget.printable(target.path()) + "; endpoints: " + Route.ENDPOINTS);
            }
            if (!route.accepts(r.method()))
            {
                return HttpError.methodNotAllowed(RequestTarget.printable(target.path()),
                    RequestTarget.printable(r.method().name()),
                    route.allow());
            }
            ctx.channel().attr(Route.CURRENT).set(new Route.Routed(route, target));
            return null;
        }
        catch (final HttpError e)
        {
            return e;
        }
    }

    private void onRefusedContent(final ChannelHandlerContext ctx, final HttpContent c)
    {
        final boolean failed = c.decoderResult().isFailure();
        final HttpError error = failed ? bodyError(c.decoderResult().cause()) : refusal;
        final boolean last = c instanceof LastHttpContent;
        ReferenceCountUtil.release(c);
        if (failed)
        {
            ctx.channel().attr(Route.CURRENT).set(null);
            close(ctx, error);
        }
        else if (last)
        {
            refusal = null;
            Refusals.refuse(server, ctx, error, true);
        }
    }

    private void close(final ChannelHandlerContext ctx, final HttpError error)
    {
        closing = true;
        refusal = null;
        Refusals.refuseAndClose(server, ctx, error);
    }

    private static boolean mayHaveBody(final HttpRequest r)
    {
        return HttpUtil.isTransferEncodingChunked(r) || HttpUtil.getContentLength(r, 0L) != 0L;
    }

    private static HttpError bodyError(final Throwable cause)
    {
        if (cause instanceof TooLongFrameException)
        {
            return HttpError.badRequest("a chunk-size line of the body exceeds its limit");
        }
        return HttpError.badRequest("malformed HTTP body framing: " + kind(cause));
    }

    /** @return the refusal for a request the HTTP decoder could not read; the detail never quotes the input. */
    static HttpError decoderError(final Throwable cause)
    {
        if (cause instanceof TooLongHttpHeaderException)
        {
            return new HttpError(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large",
                "the request headers exceed the limit (--max-header-bytes)");
        }
        if (cause instanceof TooLongHttpLineException)
        {
            return new HttpError(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request_line_too_long",
                "the request line exceeds the limit (--max-initial-line-bytes)");
        }
        if (cause instanceof TooLongFrameException)
        {
            return new HttpError(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large",
                "a request line, header or chunk line exceeds its limit");
        }
        if (cause instanceof ServerCodec.FoldedHeaderException)
        {
            return HttpError.badRequest(cause.getMessage());
        }
        return HttpError.badRequest("malformed HTTP request: " + kind(cause));
    }

    private static String kind(final Throwable cause)
    {
        final String message = cause.getMessage();
        if (message == null)
        {
            return cause.getClass().getSimpleName();
        }
        // Netty's messages may quote the offending input (a header value, a URI): keep only the leading phrase
        final int cut = indexOfAny(message, ":(\"'");
        return RequestTarget.printable((cut < 0 ? message : message.substring(0, cut)).trim());
    }

    private static int indexOfAny(final String s, final String chars)
    {
        for (int i = 0; i < s.length(); i++)
        {
            if (chars.indexOf(s.charAt(i)) >= 0)
            {
                return i;
            }
        }
        return -1;
    }
}
