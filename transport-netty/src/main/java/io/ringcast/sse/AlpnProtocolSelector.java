package io.ringcast.sse;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the TLS handshake, installs the HTTP/2 handlers when the client chose {@code h2} by ALPN, the HTTP/1.1
 * handlers otherwise, then removes itself. A failed handshake (a plain-text request on the TLS port, an untrusted
 * certificate, a timeout) closes the connection and is counted, without a stack trace: it is the client's affair.
 * One instance per connection; event loop only.
 */
final class AlpnProtocolSelector extends ApplicationProtocolNegotiationHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(AlpnProtocolSelector.class);

    private final HttpProtocols protocols;
    private final ServerMetrics metrics;

    AlpnProtocolSelector(final HttpProtocols protocols, final ServerMetrics metrics)
    {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.protocols = protocols;
        this.metrics = metrics;
    }

    @Override
    protected void configurePipeline(final ChannelHandlerContext ctx, final String protocol)
    {
        if (ApplicationProtocolNames.HTTP_2.equals(protocol))
        {
            protocols.http2(ctx.pipeline());
        }
        else
        {
            protocols.http1(ctx.pipeline());
        }
    }

    @Override
    protected void handshakeFailure(final ChannelHandlerContext ctx, final Throwable cause)
    {
        metrics.tlsHandshakeFailures.increment();
        LOG.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        metrics.tlsHandshakeFailures.increment(); // before the handshake completed: plain text on the TLS port, say
        LOG.debug("TLS connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
