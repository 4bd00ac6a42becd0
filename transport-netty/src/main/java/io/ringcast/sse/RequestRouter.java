package io.ringcast.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.ringcast.engine.Engine;
import io.ringcast.engine.EventIds;
import io.ringcast.engine.Filter;
import io.ringcast.engine.Message;
import io.ringcast.engine.SubscribeOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Last handler of every connection: routes each request to its endpoint and answers every refusal with a JSON error.
 *
 * <ul>
 *   <li>{@code GET /events} opens an {@link SseStream}; the connection then carries only that stream.</li>
 *   <li>{@code POST /publish} collects the body (bounded by {@code maxBodyBytes}), parses it with
 *       {@link PublishParser} and publishes with {@code tryPublish*}, which never blocks the event loop.</li>
 *   <li>{@code GET /metrics}, {@code GET /healthz}, {@code GET /} answer from {@link Pages}.</li>
 * </ul>
 * A request is answered once it is complete (its last content read), except refusals of a {@code POST} head, which
 * are answered at once and close the connection. One instance per channel; event loop only.
 */
final class RequestRouter extends ChannelInboundHandlerAdapter
{
    private static final Logger LOG = LoggerFactory.getLogger(RequestRouter.class);
    private static final String LAST_EVENT_ID = "Last-Event-ID";

    private enum Route
    {
        EVENTS, PUBLISH, METRICS, HEALTH, INDEX, COMMIT
    }

    private final ServerContext server;
    private HttpRequest request;
    private Route route;
    private ByteBuf body;
    private boolean ndjson;
    private boolean discarding;
    private HttpError pendingError;
    private boolean publishInFlight;
    private Principal publisher;
    private SseStream stream;

    RequestRouter(final ServerContext server)
    {
        this.server = server;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        try
        {
            if (stream != null)
            {
                return;
            }
            if (msg instanceof HttpRequest r)
            {
                onRequest(ctx, r);
            }
            if (msg instanceof HttpContent c && request != null)
            {
                onContent(ctx, c);
            }
        }
        finally
        {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) throws Exception
    {
        if (stream != null)
        {
            stream.onWritabilityChanged();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        if (stream != null)
        {
            stream.onChannelClosed();
        }
        releaseBody();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (cause instanceof IOException)
        {
            LOG.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        }
        else
        {
            server.metrics.serverErrors.increment();
            LOG.warn("connection {} failed", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }

    /** @return the stream this connection carries, or {@code null}; for tests and shutdown. */
    SseStream stream()
    {
        return stream;
    }

    private void onRequest(final ChannelHandlerContext ctx, final HttpRequest r)
    {
        releaseBody();
        request = null;
        discarding = false;
        final DecoderResult result = r.decoderResult();
        if (result.isFailure())
        {
            refuseAndClose(ctx, decoderError(result.cause()));
            return;
        }
        if (server.shuttingDown())
        {
            refuseAndClose(ctx, new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting_down",
                "the server is shutting down; retry against another node or after restart"));
            return;
        }
        try
        {
            route = route(r);
            if (route == Route.PUBLISH)
            {
                startBody(ctx, r);
            }
            request = r;
        }
        catch (final HttpError e)
        {
            if (r.method() == HttpMethod.POST || HttpUtil.isTransferEncodingChunked(r) ||
                HttpUtil.getContentLength(r, 0L) > 0)
            {
                refuseAndClose(ctx, e);
            }
            else
            {
                request = r;
                route = null;
                discarding = true;
                pendingError = e;
            }
        }
    }

    private void onContent(final ChannelHandlerContext ctx, final HttpContent c)
    {
        if (c.decoderResult().isFailure())
        {
            refuseAndClose(ctx, decoderError(c.decoderResult().cause()));
            return;
        }
        if (body != null)
        {
            final int size = body.readableBytes() + c.content().readableBytes();
            if (size > server.config.maxBodyBytes())
            {
                refuseAndClose(ctx, HttpError.tooLarge(
                    "the request body exceeds " + server.config.maxBodyBytes() + " bytes"));
                return;
            }
            body.writeBytes(c.content());
        }
        if (c instanceof LastHttpContent)
        {
            final HttpRequest r = request;
            request = null;
            complete(ctx, r);
        }
    }

    private void complete(final ChannelHandlerContext ctx, final HttpRequest r)
    {
        final boolean keepAlive = HttpUtil.isKeepAlive(r);
        try
        {
            if (discarding)
            {
                throw pendingError;
            }
            switch (route)
            {
                case EVENTS -> openStream(ctx, r);
                case PUBLISH -> publish(ctx, r, keepAlive);
                case COMMIT -> ConsumerEndpoints.commit(ctx, new QueryStringDecoder(r.uri()),
                    authenticate(r, new QueryStringDecoder(r.uri())), server, keepAlive);
                case METRICS -> Responses.write(ctx, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                    Unpooled.copiedBuffer(server.pages.metrics(server.metrics.openConnections.intValue()),
                        StandardCharsets.UTF_8), keepAlive);
                case HEALTH -> Responses.json(ctx,
                    server.pages.accepting(server.shuttingDown()) ?
                        HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                    server.pages.health(server.shuttingDown()), keepAlive);
                case INDEX -> Responses.write(ctx, HttpResponseStatus.OK, "text/html; charset=utf-8",
                    Unpooled.wrappedBuffer(server.pages.demoPage()), keepAlive);
                default -> throw new IllegalStateException("unrouted " + route);
            }
        }
        catch (final HttpError e)
        {
            refuse(ctx, e, keepAlive);
        }
        finally
        {
            releaseBody();
            discarding = false;
            pendingError = null;
        }
    }

    private static Route route(final HttpRequest r)
    {
        final String path = new QueryStringDecoder(r.uri()).path();
        final HttpMethod method = r.method();
        final Route route;
        final HttpMethod allowed;
        switch (path)
        {
            case "/events" -> { route = Route.EVENTS; allowed = HttpMethod.GET; }
            case "/publish" -> { route = Route.PUBLISH; allowed = HttpMethod.POST; }
            case "/commit" -> { route = Route.COMMIT; allowed = HttpMethod.POST; }
            case "/metrics" -> { route = Route.METRICS; allowed = HttpMethod.GET; }
            case "/healthz" -> { route = Route.HEALTH; allowed = HttpMethod.GET; }
            case "/", "/index.html" -> { route = Route.INDEX; allowed = HttpMethod.GET; }
            default -> throw new HttpError(HttpResponseStatus.NOT_FOUND, "not_found", "no resource at " + path +
                "; endpoints: GET /events, POST /publish, POST /commit, GET /metrics, GET /healthz, GET /");
        }
        if (!method.equals(allowed))
        {
            throw new MethodNotAllowed(path, method, allowed);
        }
        return route;
    }

    private void startBody(final ChannelHandlerContext ctx, final HttpRequest r)
    {
        final String contentType = r.headers().get(HttpHeaderNames.CONTENT_TYPE);
        final String mime = contentType == null ? "" : HttpUtil.getMimeType(contentType).toString().trim();
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
                (contentType == null ? "" : contentType) + "'");
        }
        publisher = authenticate(r, new QueryStringDecoder(r.uri()));
        final long length = HttpUtil.getContentLength(r, -1L);
        if (length > server.config.maxBodyBytes())
        {
            throw HttpError.tooLarge("the request body is " + length + " bytes; at most " +
                server.config.maxBodyBytes() + " are accepted");
        }
        if (HttpUtil.is100ContinueExpected(r))
        {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        body = ctx.alloc().heapBuffer((int)Math.max(256, Math.min(length, server.config.maxBodyBytes())));
        publishInFlight = true;
        server.publishesInFlight.incrementAndGet();
    }

    private void openStream(final ChannelHandlerContext ctx, final HttpRequest r)
    {
        final QueryStringDecoder query = new QueryStringDecoder(r.uri());
        final List<String> topics = query.parameters().get("topic");
        final Filter filter = Topics.filter(topics);
        final Principal principal = authenticate(r, query);
        for (final String topic : topics)
        {
            if (!principal.maySubscribe(topic))
            {
                server.metrics.authFailures.increment();
                throw HttpError.forbidden("the token does not grant subscribe on '" + topic + "'");
            }
        }
        final String[] source = new String[1];
        final String lastEventId = lastEventId(r, query, source);
        final String consumer = ConsumerEndpoints.streamConsumer(query, principal, server);
        String user = principal.user();
        if (server.authenticator == null)
        {
            user = first(query, "user");
        }
        if (server.engine.isClosed())
        {
            throw new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting_down", "the engine is closed");
        }
        final boolean http10 = r.protocolVersion().equals(HttpVersion.HTTP_1_0);
        if (lastEventId != null && server.replication != null && !isDecimal(lastEventId))
        {
            stream = SseStream.openResumed(ctx, server, filter, lastEventId, source[0], user, http10);
            return;
        }
        final long resumeAfter = consumer != null && lastEventId == null ?
            server.durableLog.consumerStart(consumer) : resumePoint(lastEventId, source[0]);
        try
        {
            stream = SseStream.open(ctx, server.engine, filter, resumeAfter, user, http10, server.streams,
                server.metrics);
        }
        catch (final IllegalArgumentException e)
        {
            throw HttpError.badRequest(e.getMessage());
        }
        catch (final IllegalStateException e)
        {
            throw new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting_down", e.getMessage());
        }
    }

    /** @return the trimmed {@code Last-Event-ID} header, else the {@code lastEventId} parameter, else null. */
    private static String lastEventId(final HttpRequest r, final QueryStringDecoder query, final String[] source)
    {
        String id = r.headers().get(LAST_EVENT_ID);
        source[0] = "Last-Event-ID header";
        if (id == null || id.isEmpty())
        {
            id = first(query, "lastEventId");
            source[0] = "lastEventId parameter";
        }
        return id == null || id.trim().isEmpty() ? null : id.trim();
    }

    private static boolean isDecimal(final String id)
    {
        for (int i = 0; i < id.length(); i++)
        {
            if (id.charAt(i) < '0' || id.charAt(i) > '9')
            {
                return false;
            }
        }
        return true;
    }

    private static long resumePoint(final String id, final String source)
    {
        if (id == null)
        {
            return SubscribeOptions.NO_RESUME;
        }
        try
        {
            return EventIds.parse(id);
        }
        catch (final IllegalArgumentException e)
        {
            throw HttpError.badRequest("invalid " + source + ": " + e.getMessage());
        }
    }

    private void publish(final ChannelHandlerContext ctx, final HttpRequest r, final boolean keepAlive)
    {
        final Principal principal = publisher;
        publisher = null;
        final byte[] bytes = ByteBufUtil.getBytes(body);
        body.release();
        body = null;
        final Engine engine = server.engine;
        final DurableLog journal = server.durableLog;
        final boolean durable = DurableAck.requested(r.uri(), journal);
        if (journal != null)
        {
            journal.refuseIfUnwritable();
        }
        if (ndjson)
        {
            final List<Message> messages = server.parser.parseNdjson(bytes);
            authorize(principal, messages);
            if (messages.size() > engine.metrics().ringSize())
            {
                throw HttpError.tooLarge("a batch holds at most " + engine.metrics().ringSize() +
                    " events (the ring size), got " + messages.size());
            }
            final long first = accepted(engine.tryPublishBatch(messages), messages.size());
            final StringBuilder json = new StringBuilder(24 * messages.size() + 12).append("{\"ids\":[");
            for (int i = 0; i < messages.size(); i++)
            {
                json.append(i == 0 ? "\"" : ",\"").append(EventIds.format(first + i)).append('"');
            }
            DurableAck.answer(ctx, durable ? journal : null, first + messages.size() - 1, json.append("]}").toString(),
                keepAlive);
        }
        else
        {
            final Message message = server.parser.parseJson(bytes);
            authorize(principal, List.of(message));
            final long id = accepted(engine.tryPublish(message), 1);
            DurableAck.answer(ctx, durable ? journal : null, id, "{\"id\":\"" + EventIds.format(id) + "\"}",
                keepAlive);
        }
    }

    private long accepted(final long result, final int events)
    {
        if (result == Engine.RING_FULL)
        {
            server.metrics.publishRejectedRingFull.increment();
            throw new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "ring_full",
                "the engine's ring is full; nothing was published, retry after the Retry-After delay");
        }
        if (result < 0)
        {
            throw new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting_down",
                "the engine is closed; nothing was published");
        }
        server.metrics.publishRequests.increment();
        server.metrics.publishedEvents.add(events);
        return result;
    }

    private void authorize(final Principal principal, final List<Message> messages)
    {
        for (final Message m : messages)
        {
            if (!principal.mayPublish(m.topic()))
            {
                server.metrics.authFailures.increment();
                throw HttpError.forbidden("the token does not grant publish on '" + m.topic() + "'");
            }
        }
    }

    private Principal authenticate(final HttpRequest r, final QueryStringDecoder query)
    {
        final Authenticator authenticator = server.authenticator;
        if (authenticator == null)
        {
            return Principal.ANONYMOUS;
        }
        try
        {
            return authenticator.verify(Authenticator.token(r.headers(), query));
        }
        catch (final HttpError e)
        {
            server.metrics.authFailures.increment();
            throw e;
        }
    }

    private void refuse(final ChannelHandlerContext ctx, final HttpError e, final boolean keepAlive)
    {
        server.metrics.countError(e.status.code());
        final FullHttpResponse response = Responses.error(e);
        if (e instanceof MethodNotAllowed m)
        {
            response.headers().set(HttpHeaderNames.ALLOW, m.allowed.name());
        }
        Responses.write(ctx, response, keepAlive);
    }

    private void refuseAndClose(final ChannelHandlerContext ctx, final HttpError e)
    {
        releaseBody();
        request = null;
        discarding = true;
        ctx.channel().config().setAutoRead(false);
        refuse(ctx, e, false);
    }

    private static HttpError decoderError(final Throwable cause)
    {
        if (cause instanceof TooLongHttpHeaderException)
        {
            return new HttpError(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large",
                "request headers exceed the limit: " + cause.getMessage());
        }
        if (cause instanceof TooLongHttpLineException)
        {
            return new HttpError(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request_line_too_long",
                "the request line exceeds the limit: " + cause.getMessage());
        }
        if (cause instanceof TooLongFrameException)
        {
            return new HttpError(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large",
                cause.getMessage());
        }
        return HttpError.badRequest("malformed HTTP request: " + cause.getMessage());
    }

    private static String first(final QueryStringDecoder query, final String name)
    {
        final List<String> values = query.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private void releaseBody()
    {
        if (body != null)
        {
            body.release();
            body = null;
        }
        if (publishInFlight)
        {
            publishInFlight = false;
            server.publishesInFlight.decrementAndGet();
        }
    }

    /** A 405 that also carries the one method the path accepts, for the {@code Allow} header. */
    private static final class MethodNotAllowed extends HttpError
    {
        private static final long serialVersionUID = 1L;

        final transient HttpMethod allowed;

        MethodNotAllowed(final String path, final HttpMethod method, final HttpMethod allowed)
        {
            super(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                method + " is not allowed on " + path + "; use " + allowed);
            this.allowed = allowed;
        }
    }
}
