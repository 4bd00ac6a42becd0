package io.ringcast.sse;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Bounds the time a connection may hold the server without a complete request:
 * <ul>
 *   <li>request timeout (slowloris): headers and body must arrive within {@code requestTimeoutMs} of the connection
 *       opening or of the request line, else 408 and close;</li>
 *   <li>idle timeout: a keep-alive connection with no request in flight is closed after {@code idleTimeoutMs}.</li>
 * </ul>
 * The idle timer starts once both the request and its response are complete, whichever finishes last (CORS
 * preflights and early refusals answer before the request body is read). An SSE stream is never idle in this sense:
 * its response never completes, so no timer runs while it is open. The first byte of a next request on a kept-alive
 * connection ends the idle time: from then on the request timeout applies, so slow headers on a second request get
 * their 408 as on a first one. That byte is seen by {@link #byteWatch()}, which sits in front of the HTTP codec.
 *
 * <p>Sits right after the HTTP codec. One instance per channel; event loop only.
 */
final class RequestTimeouts extends ChannelDuplexHandler
{
    private final long requestTimeoutMs;
    private final long idleTimeoutMs;
    private final ServerMetrics metrics;
    private ScheduledFuture<?> timer;
    private boolean idle;
    private boolean requestDone;
    private boolean responseDone;
    private ChannelHandlerContext context;

    RequestTimeouts(final long requestTimeoutMs, final long idleTimeoutMs, final ServerMetrics metrics)
    {
        this.requestTimeoutMs = requestTimeoutMs;
        this.idleTimeoutMs = idleTimeoutMs;
        this.metrics = metrics;
    }

    /**
     * @return the inbound handler to place in front of the HTTP codec: it starts the request timeout when bytes arrive
     *         on an idle connection, before the codec has a request head to report.
     */
    ChannelInboundHandlerAdapter byteWatch()
    {
        return new ChannelInboundHandlerAdapter()
        {
            @Override
            public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
            {
                if (idle && context != null && msg instanceof ByteBuf b && b.isReadable())
                {
                    arm(context, false);
                }
                super.channelRead(ctx, msg);
            }
        };
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        context = ctx;
        if (ctx.channel().isActive())
        {
            arm(ctx, false);
        }
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        if (timer == null)
        {
            arm(ctx, false);
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
    {
        if (msg instanceof HttpRequest)
        {
            requestDone = false;
            responseDone = false;
            if (idle)
            {
                arm(ctx, false);
            }
        }
        if (msg instanceof LastHttpContent)
        {
            requestDone = true;
            cancel();
            if (responseDone)
            {
                arm(ctx, true);
            }
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
        throws Exception
    {
        if (msg instanceof LastHttpContent && !isInformational(msg))
        {
            responseDone = true;
            if (requestDone && ctx.channel().isActive())
            {
                arm(ctx, true);
            }
        }
        super.write(ctx, msg, promise);
    }

    private static boolean isInformational(final Object msg)
    {
        return msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL;
    }

    /** Removed once the connection carries a stream ({@link StreamBodyEncoder#install}): no timer outlives it. */
    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        cancel();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        cancel();
        super.channelInactive(ctx);
    }

    private void arm(final ChannelHandlerContext ctx, final boolean idleTimer)
    {
        cancel();
        idle = idleTimer;
        timer = ctx.executor().schedule(
            () -> expire(ctx), idleTimer ? idleTimeoutMs : requestTimeoutMs, TimeUnit.MILLISECONDS);
    }

    private void cancel()
    {
        if (timer != null)
        {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expire(final ChannelHandlerContext ctx)
    {
        timer = null;
        if (!ctx.channel().isActive())
        {
            return;
        }
        if (idle)
        {
            metrics.idleTimeouts.increment();
            ctx.close();
            return;
        }
        metrics.requestTimeouts.increment();
        metrics.countError(408);
        Responses.writeAndClose(ctx, Responses.error(HttpResponseStatus.REQUEST_TIMEOUT, "request_timeout",
            "the request was not received completely within " + requestTimeoutMs + " ms"));
    }
}
