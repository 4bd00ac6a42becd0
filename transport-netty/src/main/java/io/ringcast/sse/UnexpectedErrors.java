package io.ringcast.sse;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The pipeline's last handler. A client's mistake never reaches it as an exception (every handler answers those with
 * a 4xx), so what arrives here is either the network ({@link IOException}, or a client closing in the middle of a
 * body: logged at DEBUG) or a defect of the server:
 * logged at WARN with its class and stack frames but without its message, which might quote a request target or a
 * header and so a token; answered 500 and closed. Messages no handler took are released. One instance per channel.
 */
final class UnexpectedErrors extends ChannelInboundHandlerAdapter
{
    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedErrors.class);
    private static final int FRAMES = 12;

    private final ServerContext server;

    UnexpectedErrors(final ServerContext server)
    {
        this.server = server;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (cause instanceof IOException || cause instanceof PrematureChannelClosureException)
        {
            LOG.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.getClass().getSimpleName());
            ctx.close();
            return;
        }
        if (cause instanceof HttpError e)
        {
            Refusals.refuseAndClose(server, ctx, e);
            return;
        }
        LOG.warn("connection {}: unexpected {}{}", ctx.channel().remoteAddress(), cause.getClass().getName(),
            frames(cause));
        if (ctx.channel().isActive())
        {
            Refusals.refuseAndClose(server, ctx, new HttpError(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                "internal_error", "the server failed on this request; it has been logged"));
        }
    }

    /** @return the first stack frames of {@code cause} and of its causes, without any message text. */
    static String frames(final Throwable cause)
    {
        final StringBuilder b = new StringBuilder(1024);
        Throwable t = cause;
        for (int depth = 0; t != null && depth < 4; depth++, t = t.getCause())
        {
            if (depth > 0)
            {
                b.append("\n caused by ").append(t.getClass().getName());
            }
            final StackTraceElement[] trace = t.getStackTrace();
            for (int i = 0; i < Math.min(FRAMES, trace.length); i++)
            {
                b.append("\n\tat ").append(trace[i]);
            }
        }
        return b.toString();
    }
}
