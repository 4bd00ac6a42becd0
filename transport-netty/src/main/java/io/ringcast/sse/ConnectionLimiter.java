package io.ringcast.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * First handler of every connection behind the transport (in clear text the first of all; with TLS right behind the
 * {@code SslHandler}, so its answer is encrypted and an HTTPS client reads it): counts open connections and refuses
 * those beyond the limit, before any HTTP codec. A refused connection is not passed on: its first bytes are read,
 * and the answer (written raw) depends on them: an event-stream request ({@code GET /events} not asking for JSON)
 * gets the {@link StreamRefusal} form a browser's {@code EventSource} retries; an HTTP/2 connection (negotiated by
 * ALPN, or a prior-knowledge preface) gets a server preface and a {@code GOAWAY} with {@code ENHANCE_YOUR_CALM} and
 * no stream processed, so the client may retry; anything else gets {@code 503 too_many_connections} with JSON. The
 * server then ends its output and discards the client's further bytes until the client closes; every refused
 * connection, answered or silent, is closed {@value #SILENT_CLOSE_MS} ms after it connected at the latest. With TLS, the
 * handshake of a refused connection completes but the protocol choice behind never sees it (a failed handshake is
 * passed on, to be counted).
 *
 * <p>Shared by all channels; thread-safe (one atomic counter; the refused mark is a channel attribute).
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter
{
    static final long SILENT_CLOSE_MS = 1_000;

    private static final String DETAIL = "the server's connection limit is reached";
    private static final byte[] REJECTION = ("HTTP/1.1 503 Service Unavailable\r\n" +
        "Content-Type: application/json; charset=utf-8\r\n" +
        "Retry-After: 1\r\n" +
        "Connection: close\r\n" +
        "Content-Length: 84\r\n\r\n" +
        "{\"error\":\"too_many_connections\",\"detail\":\"" + DETAIL + "\"}")
        .getBytes(StandardCharsets.US_ASCII);
    /** An empty SETTINGS frame (the server preface) then GOAWAY: last stream 0, ENHANCE_YOUR_CALM, the reason. */
    private static final byte[] HTTP2_REJECTION = http2Rejection("too_many_connections: " + DETAIL);
    private static final String HTTP2_PREFACE_START = "PRI * HTTP/2.0";
    private static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf(ConnectionLimiter.class, "refused");

    private final int maxConnections;
    private final ServerMetrics metrics;
    private final byte[] eventStreamRejection;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionLimiter(final int maxConnections, final ServerMetrics metrics, final long retryMs)
    {
        this.maxConnections = maxConnections;
        this.metrics = metrics;
        final String body = "retry: " + retryMs + "\n\nevent: error\ndata: " +
            "{\"error\":\"too_many_connections\",\"detail\":\"" + DETAIL + "\"}\n\n";
        this.eventStreamRejection = ("HTTP/1.1 200 OK\r\n" +
            "Content-Type: text/event-stream; charset=utf-8\r\n" +
            "Cache-Control: no-store\r\n" +
            "Connection: close\r\n" +
            "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] http2Rejection(final String reason)
    {
        final byte[] debug = reason.getBytes(StandardCharsets.US_ASCII);
        final ByteBuf frames = Unpooled.buffer(9 + 9 + 8 + debug.length);
        frames.writeMedium(0).writeByte(0x4).writeByte(0).writeInt(0); // SETTINGS, no parameters
        frames.writeMedium(8 + debug.length).writeByte(0x7).writeByte(0).writeInt(0); // GOAWAY on stream 0
        frames.writeInt(0).writeInt(0xb).writeBytes(debug); // last stream id 0, ENHANCE_YOUR_CALM, debug data
        final byte[] bytes = new byte[frames.readableBytes()];
        frames.readBytes(bytes);
        return bytes;
    }

    int open()
    {
        return open.get();
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        metrics.openConnections.increment();
        if (open.incrementAndGet() > maxConnections)
        {
            metrics.connectionsRejected.increment();
            ctx.channel().attr(REFUSED).set(Boolean.TRUE);
            ctx.executor().schedule(() -> ctx.close(), SILENT_CLOSE_MS, TimeUnit.MILLISECONDS);
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
    {
        if (!ctx.channel().hasAttr(REFUSED))
        {
            super.channelRead(ctx, msg);
            return;
        }
        try
        {
            if (ctx.channel().attr(REFUSED).getAndSet(Boolean.FALSE) == Boolean.TRUE)
            {
                final String head = msg instanceof ByteBuf b ?
                    b.toString(b.readerIndex(), Math.min(b.readableBytes(), 8192), StandardCharsets.ISO_8859_1) : "";
                refuse(ctx, head.startsWith(HTTP2_PREFACE_START) ? HTTP2_REJECTION :
                    eventStreamRequest(head) ? eventStreamRejection : REJECTION);
            }
        }
        finally
        {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * Writes the answer, then ends the output only (with TLS a {@code close_notify} first, then FIN) and goes on
     * reading and discarding what the client still sends, until it closes (the channel then closes) or
     * {@value #SILENT_CLOSE_MS} ms after it connected: closing a socket whose input is not all read makes the kernel
     * send a reset and drop what it had not yet sent, so a client that wrote more than its first packet could lose the
     * answer (the lingering close HTTP servers do).
     */
    private static void refuse(final ChannelHandlerContext ctx, final byte[] answer)
    {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(answer)).addListener(written -> endOutput(ctx));
    }

    private static void endOutput(final ChannelHandlerContext ctx)
    {
        if (!(ctx.channel() instanceof DuplexChannel duplex))
        {
            ctx.close();
            return;
        }
        final SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls == null)
        {
            duplex.shutdownOutput();
            return;
        }
        tls.closeOutbound().addListener(notified -> duplex.shutdownOutput());
    }

    /** With TLS, a refused connection's handshake ends here: HTTP/2 is refused at once, HTTP/1.1 on its request. */
    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) throws Exception
    {
        if (!ctx.channel().hasAttr(REFUSED) || !(event instanceof SslHandshakeCompletionEvent handshake) ||
            !handshake.isSuccess())
        {
            super.userEventTriggered(ctx, event);
            return;
        }
        final SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls != null && ApplicationProtocolNames.HTTP_2.equals(tls.applicationProtocol()) &&
            ctx.channel().attr(REFUSED).getAndSet(Boolean.FALSE) == Boolean.TRUE)
        {
            refuse(ctx, HTTP2_REJECTION);
        }
    }

    /**
     * @param head the first bytes of a request.
     * @return {@code true} for {@code GET /events} whose {@code Accept} does not ask for JSON only.
     */
    static boolean eventStreamRequest(final String head)
    {
        if (!head.startsWith("GET /events ") && !head.startsWith("GET /events?"))
        {
            return false;
        }
        final String lower = head.toLowerCase(Locale.ROOT);
        final int accept = lower.indexOf("\naccept:");
        if (accept < 0)
        {
            return true;
        }
        final int end = lower.indexOf('\n', accept + 1);
        final String value = lower.substring(accept + 8, end < 0 ? lower.length() : end);
        return !value.contains("application/json") || value.contains("text/event-stream");
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        open.decrementAndGet();
        metrics.openConnections.decrement();
        super.channelInactive(ctx);
    }
}
