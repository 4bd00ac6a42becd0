package io.ringcast.sse;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
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
 * An SSE stream is never idle in this sense: its response never completes, so no timer runs while it is open.
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
    private boolean responding;

    RequestTimeouts(final long requestTimeoutMs, final long idleTimeoutMs, final ServerMetrics metrics)
    {
        this.requestTimeoutMs = requestTimeoutMs;
        this.idleTimeoutMs = idleTimeoutMs;
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
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
        if (msg instanceof HttpRequest && idle)
        {
            arm(ctx, false);
        }
        if (msg instanceof LastHttpContent)
        {
            cancel();
            responding = true;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
        throws Exception
    {
        if (responding && (msg instanceof LastHttpContent || msg instanceof FullHttpResponse))
        {
            responding = false;
            if (ctx.channel().isActive())
            {
                arm(ctx, true);
            }
        }
        super.write(ctx, msg, promise);
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
