package io.ringcast.sse;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

/**
 * Admits a {@code POST /publish} on its head alone, before any of its body is read: the media type must be JSON or
 * NDJSON (415), the token valid (401), a declared length within {@code maxBodyBytes} (413) and any {@code Expect}
 * must be {@code 100-continue} (417). A refusal is answered at once and closes the connection; an admitted request
 * goes on to the {@link PublishAggregator} with its {@link Grant} in the channel attribute {@link #GRANT}.
 *
 * <p>Also counts the publishes in flight for a graceful shutdown: from admission until the response is written or the
 * connection closes. One instance per channel; event loop only.
 */
final class PublishAdmission extends ChannelDuplexHandler
{
    /** What an admitted publish may do and how its body is framed. */
    record Grant(Principal principal, boolean ndjson)
    {
    }

    static final AttributeKey<Grant> GRANT = AttributeKey.valueOf(PublishAdmission.class, "grant");

    private final ServerContext server;
    private boolean inFlight;
    private boolean refused;

    PublishAdmission(final ServerContext server)
    {
        this.server = server;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
    {
        if (msg instanceof HttpRequest r)
        {
            refused = false;
            final Route.Routed routed = ctx.channel().attr(Route.CURRENT).get();
            if (routed != null && routed.route() == Route.PUBLISH)
            {
                try
                {
                    ctx.channel().attr(GRANT).set(admit(r, routed.target()));
                }
                catch (final HttpError e)
                {
                    refused = true;
                    ReferenceCountUtil.release(msg);
                    Refusals.refuseAndClose(server, ctx, e);
                    return;
                }
                begin();
            }
        }
        else if (refused && msg instanceof HttpContent)
        {
            ReferenceCountUtil.release(msg);
            return;
        }
        super.channelRead(ctx, msg);
    }

    private Grant admit(final HttpRequest r, final RequestTarget target)
    {
        final String contentType = r.headers().get(HttpHeaderNames.CONTENT_TYPE);
        final String mime = contentType == null ? "" : HttpUtil.getMimeType(contentType).toString().trim();
        final boolean ndjson;
        if (mime.equalsIgnoreCase("application/x-ndjson") || mime.equalsIgnoreCase("application/ndjson"))
        {
            ndjson = true;
        }
        else if (mime.equalsIgnoreCase("application/json"))
        {
            ndjson = false;
        }
        else
        {
            throw new HttpError(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                "Content-Type must be application/json (one event) or application/x-ndjson (a batch), got '" +
                (contentType == null ? "" : RequestTarget.printable(contentType)) + "'");
        }
        final String charset = contentType == null ? null : charset(contentType);
        if (charset != null && !charset.equalsIgnoreCase("utf-8"))
        {
            throw new HttpError(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                "the body must be UTF-8, got charset=" + RequestTarget.printable(charset));
        }
        final String expect = r.headers().get(HttpHeaderNames.EXPECT);
        if (expect != null && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect.trim()))
        {
            throw new HttpError(HttpResponseStatus.EXPECTATION_FAILED, "expectation_failed",
                "only 'Expect: 100-continue' is supported");
        }
        final Principal principal = server.authenticate(r, target);
        final long length = HttpUtil.getContentLength(r, -1L);
        if (length > server.config.maxBodyBytes())
        {
            throw HttpError.tooLarge("the request body is " + length + " bytes; at most " +
                server.config.maxBodyBytes() + " are accepted (--max-body-bytes)");
        }
        return new Grant(principal, ndjson);
    }

    private static String charset(final String contentType)
    {
        for (final String part : contentType.split(";"))
        {
            final String p = part.trim();
            if (p.regionMatches(true, 0, "charset=", 0, 8))
            {
                return p.substring(8).replace("\"", "").trim();
            }
        }
        return null;
    }

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise) throws Exception
    {
        if (inFlight && msg instanceof LastHttpContent && !(msg instanceof HttpResponse h &&
            h.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL))
        {
            end();
        }
        super.write(ctx, msg, promise);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        end();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        end();
    }

    private void begin()
    {
        if (!inFlight)
        {
            inFlight = true;
            server.publishesInFlight.incrementAndGet();
        }
    }

    private void end()
    {
        if (inFlight)
        {
            inFlight = false;
            server.publishesInFlight.decrementAndGet();
        }
    }
}
