package io.ringcast.sse;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.netty.handler.codec.http.cors.CorsHandler;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;

import java.util.List;

/**
 * Builds each connection's pipeline, in this order (inbound top to bottom; each handler has one job):
 * <ol>
 *   <li>with TLS, Netty's {@code SslHandler} ({@link TlsContext}), so what follows reads and writes plain bytes;</li>
 *   <li>{@code limiter} {@link ConnectionLimiter} (shared): 503 and close beyond {@code maxConnections};</li>
 *   <li>with TLS, {@link AlpnProtocolSelector}; in clear text,
 *       {@link PriorKnowledgeDetector}: each picks HTTP/2 ({@link Http2Pipeline}: the handlers from {@code timeouts}
 *       on run once per stream, in its child channel) or HTTP/1.1, installs its handlers and steps aside;</li>
 *   <li>{@code bytes}: {@link RequestTimeouts#byteWatch()}, starts the request timeout on the first byte of a next
 *       request (a transport layer such as TLS goes in front of it, so it sees plain HTTP bytes);</li>
 *   <li>{@code http} {@link ServerCodec}: HTTP/1.1 with request-line and header size limits, no obs-fold, HEAD;
 *       {@link SseStream} writes its batches right in front of this handler, by this name;</li>
 *   <li>{@code timeouts} {@link RequestTimeouts}: slowloris request timeout and keep-alive idle timeout;</li>
 *   <li>{@code cors} {@link CorsHandler}, only when CORS origins are configured: preflights and response headers;</li>
 *   <li>{@code router} {@link RequestRouter}: malformed requests, decoding of the target, 404 and 405;</li>
 *   <li>{@code publish-admission} {@link PublishAdmission}: media type, token and size of a {@code POST /publish},
 *       on its head;</li>
 *   <li>{@code publish-aggregator} {@link PublishAggregator}: the bounded body of an admitted publish;</li>
 *   <li>{@code publish} {@link PublishHandler}: parse, authorize, publish;</li>
 *   <li>{@code events} {@link StreamOpener}: {@code GET /events};</li>
 *   <li>{@code pages} {@link PagesHandler}: {@code /metrics}, {@code /healthz}, {@code /};</li>
 *   <li>{@code commit} {@link ConsumerEndpoints.CommitHandler}: {@code POST /commit} of a named consumer;</li>
 *   <li>{@code errors} {@link UnexpectedErrors}: the server's own defects, logged without request text.</li>
 * </ol>
 * Once an HTTP/1.1 connection carries an SSE stream (its response head is written), {@link StreamBodyEncoder#install}
 * strips it to {@code limiter}, {@code http} (the body's chunk framing only), {@code events} and {@code errors}.
 * Every channel also joins the server's {@link ChannelGroup}, so shutdown can close what is left. Called by Netty
 * on the channel's event loop for each new channel.
 */
final class ServerInitializer extends ChannelInitializer<SocketChannel> implements HttpProtocols
{
    private final ServerContext server;
    private final ConnectionLimiter limiter;
    private final ChannelGroup channels;
    private final TlsContext tls;

    ServerInitializer(final ServerContext server, final ConnectionLimiter limiter, final ChannelGroup channels,
        final TlsContext tls)
    {
        this.server = server;
        this.limiter = limiter;
        this.channels = channels;
        this.tls = tls;
    }

    /**
     * @param origins the allowed origins, or {@code ["*"]} for any.
     * @return the CORS configuration, or {@code null} for none. A list of origins is allowed with credentials
     *         (cookies, {@code Authorization}); {@code *} allows any origin but never with credentials, so a page on
     *         another site cannot ride a user's cookie. The {@code null} origin is never allowed.
     */
    static CorsConfig cors(final List<String> origins)
    {
        if (origins.isEmpty())
        {
            return null;
        }
        final CorsConfigBuilder builder;
        if (origins.contains("*"))
        {
            builder = CorsConfigBuilder.forAnyOrigin();
        }
        else
        {
            builder = CorsConfigBuilder.forOrigins(origins.toArray(new String[0])).allowCredentials();
        }
        return builder
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
        if (tls != null)
        {
            pipeline.addLast("tls", tls.newHandler(channel.alloc()));
            pipeline.addLast("limiter", limiter);
            pipeline.addLast("protocol", new AlpnProtocolSelector(this, server.metrics));
        }
        else
        {
            pipeline.addLast("limiter", limiter);
            pipeline.addLast("protocol",
                new PriorKnowledgeDetector(this, server.config.requestTimeoutMs(), server.metrics));
        }
    }

    @Override
    public void http1(final ChannelPipeline pipeline)
    {
        configure(pipeline, server);
    }

    @Override
    public void http2(final ChannelPipeline pipeline)
    {
        final ServerConfig config = server.config;
        Http2Pipeline.install(pipeline, config, server.metrics, stream -> requestHandlers(stream, server,
            new RequestTimeouts(config.requestTimeoutMs(), config.idleTimeoutMs(), server.metrics)));
    }

    /** Adds the HTTP/1.1 handlers after the protocol choice, as listed in the class comment. */
    static void configure(final ChannelPipeline pipeline, final ServerContext server)
    {
        final ServerConfig config = server.config;
        final RequestTimeouts timeouts = new RequestTimeouts(
            config.requestTimeoutMs(), config.idleTimeoutMs(), server.metrics);
        pipeline.addLast("bytes", timeouts.byteWatch());
        pipeline.addLast("http", new ServerCodec(config.maxInitialLineBytes(), config.maxHeaderBytes(), 64 * 1024));
        requestHandlers(pipeline, server, timeouts);
    }

    /** The handlers behind the HTTP codec: of an HTTP/1 connection, or of one HTTP/2 stream's child channel. */
    private static void requestHandlers(final ChannelPipeline pipeline, final ServerContext server,
        final RequestTimeouts timeouts)
    {
        final ServerConfig config = server.config;
        pipeline.addLast("timeouts", timeouts);
        final CorsConfig cors = cors(config.corsOrigins());
        if (cors != null)
        {
            pipeline.addLast("cors", new CorsHandler(cors));
        }
        final StreamOpener streams = new StreamOpener(server);
        pipeline.addLast("router", new RequestRouter(server, streams));
        pipeline.addLast("publish-admission", new PublishAdmission(server));
        pipeline.addLast("publish-aggregator", new PublishAggregator(server));
        pipeline.addLast("publish", new PublishHandler(server));
        pipeline.addLast("events", streams);
        pipeline.addLast("pages", new PagesHandler(server));
        pipeline.addLast("commit", new ConsumerEndpoints.CommitHandler(server));
        pipeline.addLast("errors", new UnexpectedErrors(server));
    }
}
