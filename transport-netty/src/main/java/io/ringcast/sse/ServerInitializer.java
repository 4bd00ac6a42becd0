package io.ringcast.sse;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.netty.handler.codec.http.cors.CorsHandler;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;

import java.util.List;

/**
 * Builds each connection's pipeline, in this order (inbound top to bottom):
 * <ol>
 *   <li>{@link ConnectionLimiter} (shared): 503 and close beyond {@code maxConnections};</li>
 *   <li>with TLS, Netty's {@code SslHandler} ({@link TlsContext}) and {@link AlpnProtocolSelector}; in clear text,
 *       {@link PriorKnowledgeDetector}: each picks HTTP/2 ({@link Http2Pipeline}: the handlers below run once per
 *       stream, in its child channel) or HTTP/1.1, installs its handlers and steps aside;</li>
 *   <li>{@link HttpServerCodec}: HTTP/1.1 with request-line and header size limits;</li>
 *   <li>{@link RequestTimeouts}: slowloris request timeout and keep-alive idle timeout;</li>
 *   <li>{@link CorsHandler}, only when CORS origins are configured: preflight answers and response headers;</li>
 *   <li>{@link RequestRouter}: the endpoints.</li>
 * </ol>
 * Every channel also joins the server's {@link ChannelGroup}, so shutdown can close what is left. Called by Netty
 * on the channel's event loop for each new channel.
 */
final class ServerInitializer extends ChannelInitializer<SocketChannel> implements HttpProtocols
{
    private final ServerContext server;
    private final ConnectionLimiter limiter;
    private final ChannelGroup channels;
    private final CorsConfig cors;
    private final TlsContext tls;

    ServerInitializer(final ServerContext server, final ConnectionLimiter limiter, final ChannelGroup channels,
        final TlsContext tls)
    {
        this.server = server;
        this.limiter = limiter;
        this.channels = channels;
        this.cors = cors(server.config.corsOrigins());
        this.tls = tls;
    }

    static CorsConfig cors(final List<String> origins)
    {
        if (origins.isEmpty())
        {
            return null;
        }
        final CorsConfigBuilder builder = origins.contains("*") ?
            CorsConfigBuilder.forAnyOrigin() : CorsConfigBuilder.forOrigins(origins.toArray(new String[0]));
        return builder
            .allowCredentials()
            .allowedRequestMethods(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS)
            .allowedRequestHeaders(HttpHeaderNames.AUTHORIZATION, HttpHeaderNames.CONTENT_TYPE, "Last-Event-ID")
            .exposeHeaders(HttpHeaderNames.RETRY_AFTER)
            .maxAge(600)
            .build();
    }

    @Override
    protected void initChannel(final SocketChannel channel)
    {
        channels.add(channel);
        final ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("limiter", limiter);
        if (tls != null)
        {
            pipeline.addLast("tls", tls.newHandler(channel.alloc()));
            pipeline.addLast("protocol", new AlpnProtocolSelector(this, server.metrics));
        }
        else
        {
            pipeline.addLast("protocol",
                new PriorKnowledgeDetector(this, server.config.requestTimeoutMs(), server.metrics));
        }
    }

    @Override
    public void http1(final ChannelPipeline pipeline)
    {
        final ServerConfig config = server.config;
        pipeline.addLast("http", new HttpServerCodec(
            config.maxInitialLineBytes(), config.maxHeaderBytes(), 64 * 1024));
        requestHandlers(pipeline);
    }

    @Override
    public void http2(final ChannelPipeline pipeline)
    {
        Http2Pipeline.install(pipeline, server.config, server.metrics, this::requestHandlers);
    }

    /** The handlers behind the HTTP codec: of an HTTP/1 connection, or of one HTTP/2 stream's child channel. */
    private void requestHandlers(final ChannelPipeline pipeline)
    {
        final ServerConfig config = server.config;
        pipeline.addLast("timeouts", new RequestTimeouts(
            config.requestTimeoutMs(), config.idleTimeoutMs(), server.metrics));
        if (cors != null)
        {
            pipeline.addLast("cors", new CorsHandler(cors));
        }
        pipeline.addLast("router", new RequestRouter(server));
    }
}
