package io.ringcast.sse;

import io.ringcast.test.Await;
import io.ringcast.test.Tokens;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.Event;
import io.ringcast.engine.Filter;
import io.ringcast.engine.SubscribeOptions;
import io.ringcast.engine.Subscription;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RequestRouterTest
{
    private final List<Engine> engines = new ArrayList<>();
    private final CountDownLatch stageGate = new CountDownLatch(1);

    @AfterEach
    void closeEngines()
    {
        stageGate.countDown();
        engines.forEach(Engine::close);
    }

    private ServerContext context(final ServerConfig config, final Authenticator authenticator, final boolean blocked)
    {
        final EngineConfig engineConfig = new EngineConfig().ringSize(config.ringSize());
        if (blocked)
        {
            engineConfig.stage((event, endOfBatch) ->
            {
                try
                {
                    stageGate.await();
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                }
            });
        }
        final Engine engine = Engine.start(engineConfig);
        engines.add(engine);
        final ServerMetrics metrics = new ServerMetrics();
        return new ServerContext(config, engine, authenticator, metrics, new Pages(engine, metrics, null, null));
    }

    private static EmbeddedChannel channel(final ServerContext server)
    {
        final ServerConfig c = server.config;
        final EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        ServerInitializer.configure(channel.pipeline(), server);
        return channel;
    }

    private EmbeddedChannel channel()
    {
        return channel(context(new ServerConfig(), null, false));
    }

    private static String exchange(final EmbeddedChannel channel, final String request)
    {
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.UTF_8));
        return output(channel);
    }

    /** Sends a stream request and waits until its head arrives (written once the engine registered it). */
    private static String openStream(final EmbeddedChannel channel, final String request)
    {
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.UTF_8));
        final String[] out = {""};
        Await.until(Duration.ofSeconds(10), "the stream's response head", () -> !(out[0] = output(channel)).isEmpty());
        return out[0];
    }

    private static String output(final EmbeddedChannel channel)
    {
        channel.runPendingTasks();
        final StringBuilder out = new StringBuilder();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null)
        {
            out.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return out.toString();
    }

    private static String post(final String path, final String contentType, final String body)
    {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + contentType + "\r\nContent-Length: " +
            body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private static String get(final String path, final String... headers)
    {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + String.join("", headers) + "\r\n";
    }

    private static void assertError(final String response, final int status, final String error)
    {
        assertTrue(response.startsWith("HTTP/1.1 " + status + " "), response);
        assertTrue(response.contains("content-type: application/json"), response);
        assertTrue(response.contains("{\"error\":\"" + error + "\",\"detail\":\""), response);
    }

    @Test
    void shouldAnswer404WithAJsonErrorForAnUnknownPath()
    {
        assertError(exchange(channel(), get("/nope")), 404, "not_found");
    }

    @Test
    void shouldAnswer405WithAllowForAWrongMethod()
    {
        final EmbeddedChannel channel = channel();
        final String response = exchange(channel, get("/publish"));
        assertError(response, 405, "method_not_allowed");
        assertTrue(response.contains("allow: POST"), response);
        assertError(exchange(channel, "DELETE /events HTTP/1.1\r\nHost: x\r\n\r\n"), 405, "method_not_allowed");
        assertTrue(channel.isActive());
    }

    @Test
    void shouldPublishOneJsonEventAndAnswer202WithItsId()
    {
        final ServerContext server = context(new ServerConfig(), null, false);
        final Subscription s = server.engine.subscribe(Filter.topic("t"), SubscribeOptions.defaults());
        final String response = exchange(channel(server), post("/publish", "application/json",
            "{\"topic\":\"t\",\"type\":\"x\",\"data\":{\"a\": 1}}"));
        assertTrue(response.startsWith("HTTP/1.1 202 Accepted"), response);
        final Event event = awaitEvent(s);
        assertTrue(response.endsWith("{\"id\":\"" + event.idString() + "\"}"), response);
        assertEquals("{\"a\": 1}", event.payloadAsString());
        final FrameBatch batch = new FrameBatch();
        batch.addEvent(null, event);
        final ByteBuf frame = Unpooled.buffer();
        batch.moveTo(frame);
        assertEquals("id: " + event.idString() + "\nevent: x\ndata: {\"a\": 1}\n\n",
            frame.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldPublishAnNdjsonBodyAsOneBatchWithConsecutiveIds()
    {
        final ServerContext server = context(new ServerConfig(), null, false);
        final Subscription s = server.engine.subscribe(Filter.topicPattern("t/*"), SubscribeOptions.defaults());
        final String response = exchange(channel(server), post("/publish", "application/x-ndjson",
            "{\"topic\":\"t/1\",\"data\":1}\n{\"topic\":\"t/2\",\"data\":2}\n"));
        assertTrue(response.startsWith("HTTP/1.1 202 Accepted"), response);
        final Event first = awaitEvent(s);
        final Event second = awaitEvent(s);
        assertEquals(first.id() + 1, second.id());
        assertTrue(response.endsWith("{\"ids\":[\"" + first.idString() + "\",\"" + second.idString() + "\"]}"),
            response);
    }

    @Test
    void shouldAnswer400ForMalformedJsonAndKeepTheConnection()
    {
        final EmbeddedChannel channel = channel();
        assertError(exchange(channel, post("/publish", "application/json", "{\"topic\":")), 400, "bad_request");
        assertTrue(channel.isActive());
        assertError(exchange(channel, post("/publish", "application/json", "{\"data\":1}")), 400, "bad_request");
    }

    @Test
    void shouldAnswer415ForAnUnsupportedContentTypeAndClose()
    {
        final EmbeddedChannel channel = channel();
        assertError(exchange(channel, post("/publish", "text/plain", "hello")), 415, "unsupported_media_type");
        assertFalse(channel.isActive());
    }

    @Test
    void shouldAnswer413WhenTheDeclaredBodyIsTooLarge()
    {
        final EmbeddedChannel channel = channel(context(new ServerConfig().maxBodyBytes(100).maxEventBytes(50),
            null, false));
        final String response = exchange(channel, "POST /publish HTTP/1.1\r\nHost: x\r\n" +
            "Content-Type: application/json\r\nContent-Length: 101\r\n\r\n");
        assertError(response, 413, "payload_too_large");
        assertFalse(channel.isActive());
    }

    @Test
    void shouldAnswer413WhenAChunkedBodyGrowsTooLarge()
    {
        final EmbeddedChannel channel = channel(context(new ServerConfig().maxBodyBytes(100).maxEventBytes(50),
            null, false));
        final String chunk = "x".repeat(80);
        final String response = exchange(channel, "POST /publish HTTP/1.1\r\nHost: x\r\n" +
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
            "50\r\n" + chunk + "\r\n50\r\n" + chunk + "\r\n0\r\n\r\n");
        assertError(response, 413, "payload_too_large");
        assertFalse(channel.isActive());
    }

    @Test
    void shouldAnswer413ForAnEventAboveTheEventLimit()
    {
        final EmbeddedChannel channel = channel(context(new ServerConfig().maxEventBytes(10), null, false));
        assertError(exchange(channel, post("/publish", "application/json",
            "{\"topic\":\"t\",\"data\":\"0123456789abc\"}")), 413, "payload_too_large");
    }

    @Test
    void shouldAnswer431ForOversizedHeadersAnd414ForAnOversizedRequestLine()
    {
        final EmbeddedChannel headers = channel(context(new ServerConfig().maxHeaderBytes(1024), null, false));
        assertError(exchange(headers, get("/healthz", "X-Big: " + "y".repeat(2000) + "\r\n")),
            431, "headers_too_large");
        assertFalse(headers.isActive());
        final EmbeddedChannel line = channel(context(new ServerConfig().maxInitialLineBytes(256), null, false));
        assertError(exchange(line, get("/events?topic=" + "z".repeat(400))), 414, "request_line_too_long");
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenTheRingIsFull()
    {
        final ServerContext server = context(new ServerConfig().ringSize(2), null, true);
        final EmbeddedChannel channel = channel(server);
        String response = "";
        for (int i = 0; i < 10 && !response.startsWith("HTTP/1.1 503"); i++)
        {
            response = exchange(channel, post("/publish", "application/json", "{\"topic\":\"t\",\"data\":" + i + "}"));
        }
        assertError(response, 503, "ring_full");
        assertTrue(response.contains("retry-after: 1"), response);
        assertTrue(server.pages.metrics(0).contains("ringcast_publish_rejected_total 1"));
    }

    @Test
    void shouldRefuseStreamsWithMissingTopicsBadIdsOrMixedPatterns()
    {
        final EmbeddedChannel channel = channel();
        assertError(exchange(channel, get("/events")), 400, "bad_request");
        assertError(exchange(channel, get("/events?topic=a&lastEventId=x1")), 400, "bad_request");
        assertError(exchange(channel, get("/events?topic=a", "Last-Event-ID: -5\r\n")), 400, "bad_request");
        assertError(exchange(channel, get("/events?topic=a/*&topic=b")), 400, "bad_request");
        assertError(exchange(channel, get("/events?topic=a*b")), 400, "bad_request");
    }

    @Test
    void shouldAnswer401WithoutATokenAnd403OutsideItsGrants()
    {
        final ServerContext server = context(new ServerConfig(), Authenticator.hmac(Tokens.SECRET), false);
        final EmbeddedChannel channel = channel(server);
        final String unauthorized = exchange(channel, get("/events?topic=a"));
        assertError(unauthorized, 401, "unauthorized");
        assertTrue(unauthorized.contains("www-authenticate: Bearer"), unauthorized);
        final String token = Tokens.hs256("alice", List.of("a"), List.of("a"));
        assertError(exchange(channel, get("/events?topic=b&access_token=" + token)), 403, "forbidden");
        assertError(exchange(channel, get("/events?topic=*", "Authorization: Bearer " + token + "\r\n")),
            403, "forbidden");
        final String publish = "POST /publish HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
            "\r\nContent-Type: application/json\r\nContent-Length: 24\r\n\r\n{\"topic\":\"b\",\"data\":1}  ";
        assertError(exchange(channel, publish), 403, "forbidden");
        assertError(exchange(channel, post("/publish", "application/json", "{\"topic\":\"a\",\"data\":1}")),
            401, "unauthorized");
        assertTrue(server.pages.metrics(0).contains("ringcast_http_auth_failures_total 5"));
    }

    @Test
    void shouldAnswer408WhenARequestArrivesTooSlowly()
    {
        final ServerContext server = context(new ServerConfig().requestTimeoutMs(1000), null, false);
        final EmbeddedChannel channel = channel(server);
        assertEquals("", exchange(channel, "GET /healthz HTTP/1.1\r\nHost: x\r\n"));
        channel.advanceTimeBy(1001, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertError(output(channel), 408, "request_timeout");
        assertFalse(channel.isActive());
    }

    @Test
    void shouldCloseAnIdleKeepAliveConnection()
    {
        final ServerContext server = context(new ServerConfig().idleTimeoutMs(5000), null, false);
        final EmbeddedChannel channel = channel(server);
        assertTrue(exchange(channel, get("/healthz")).startsWith("HTTP/1.1 200 OK"));
        channel.advanceTimeBy(4000, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isActive());
        channel.advanceTimeBy(1001, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isActive());
    }

    @Test
    void shouldCloseAConnectionLeftIdleAfterACorsPreflight()
    {
        final ServerContext server = context(new ServerConfig().corsOrigins(List.of("https://app.example"))
            .idleTimeoutMs(5000), null, false);
        final EmbeddedChannel channel = channel(server);
        assertTrue(exchange(channel, "OPTIONS /publish HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n" +
            "Access-Control-Request-Method: POST\r\n\r\n").startsWith("HTTP/1.1 200"));
        channel.advanceTimeBy(5001, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isActive());
    }

    @Test
    void shouldOpenAChunkedStreamForHttp11AndACloseDelimitedOneForHttp10()
    {
        final EmbeddedChannel http11 = channel();
        final String chunked = openStream(http11, get("/events?topic=a"));
        assertTrue(chunked.startsWith("HTTP/1.1 200 OK"), chunked);
        assertTrue(chunked.contains("content-type: text/event-stream; charset=utf-8"), chunked);
        assertTrue(chunked.contains("cache-control: no-cache"), chunked);
        assertTrue(chunked.contains("transfer-encoding: chunked"), chunked);
        assertTrue(chunked.endsWith("\r\n\r\nd\r\nretry: 2000\n\n\r\n"), chunked);
        http11.close();

        final EmbeddedChannel http10 = channel();
        final String plain = openStream(http10, "GET /events?topic=a HTTP/1.0\r\n\r\n");
        assertTrue(plain.contains("connection: close"), plain);
        assertFalse(plain.contains("transfer-encoding"), plain);
        assertTrue(plain.endsWith("\r\n\r\nretry: 2000\n\n"), plain);
        // the body ends with the connection: no terminating chunk
        ((StreamOpener)http10.pipeline().get("events")).stream().end();
        assertEquals("", output(http10));
        assertFalse(http10.isActive());
    }

    @Test
    void shouldKeepOnlyTheWritePathOnceAConnectionCarriesAStream()
    {
        final ServerContext server = context(new ServerConfig().corsOrigins(List.of("https://app.example")), null,
            false);
        final EmbeddedChannel stream = channel(server);
        final String head = openStream(stream, get("/events?topic=a", "Origin: https://app.example\r\n"));
        assertTrue(head.contains("access-control-allow-origin: https://app.example"), head);
        assertEquals(List.of("http", "events", "errors"), stream.pipeline().names().subList(0, 3), "handlers left");
        assertTrue(stream.pipeline().get("http") instanceof StreamBodyEncoder);

        // a request pipelined behind the stream's is not read, and the stream goes on
        assertEquals("", exchange(stream, get("/healthz")));
        assertTrue(exchange(channel(server), post("/publish", "application/json",
            "{\"topic\":\"a\",\"data\":1}")).startsWith("HTTP/1.1 202"));
        final String[] frame = {""};
        Await.until(Duration.ofSeconds(10), "the event's chunk", () -> !(frame[0] += output(stream)).isEmpty());
        assertTrue(frame[0].matches("[0-9a-f]+\r\nid: \\d+\ndata: 1\n\n\r\n"), frame[0]);

        // the end is the terminating chunk, written by the body encoder
        ((StreamOpener)stream.pipeline().get("events")).stream().end();
        assertEquals("0\r\n\r\n", output(stream));
    }

    @Test
    void shouldServeHealthMetricsAndTheDemoPage()
    {
        final EmbeddedChannel channel = channel();
        final String health = exchange(channel, get("/healthz"));
        assertTrue(health.startsWith("HTTP/1.1 200 OK") && health.contains("\"status\":\"ok\""), health);
        final String metrics = exchange(channel, get("/metrics"));
        assertTrue(metrics.contains("text/plain; version=0.0.4"), metrics);
        assertTrue(metrics.contains("# TYPE ringcast_streams_open gauge"), metrics);
        assertTrue(metrics.contains("ringcast_slow_client_disconnects_total 0"), metrics);
        final String page = exchange(channel, get("/"));
        assertTrue(page.contains("text/html") && page.contains("/assets/dashboard.js"), page);
    }

    @Test
    void shouldAnswerCorsPreflightForAnAllowedOriginOnly()
    {
        final ServerContext server = context(new ServerConfig().corsOrigins(List.of("https://app.example")), null,
            false);
        final String preflight = "OPTIONS /publish HTTP/1.1\r\nHost: x\r\nOrigin: %s\r\n" +
            "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n\r\n";
        final String allowed = exchange(channel(server), String.format(preflight, "https://app.example"));
        assertTrue(allowed.startsWith("HTTP/1.1 200"), allowed);
        assertTrue(allowed.contains("access-control-allow-origin: https://app.example"), allowed);
        assertTrue(allowed.contains("access-control-allow-credentials: true"), allowed);
        final String other = exchange(channel(server), String.format(preflight, "https://evil.example"));
        assertFalse(other.contains("access-control-allow-origin"), other);
        final String simple = exchange(channel(server), get("/healthz", "Origin: https://app.example\r\n"));
        assertTrue(simple.contains("access-control-allow-origin: https://app.example"), simple);
    }

    private static Event awaitEvent(final Subscription s)
    {
        final Event[] got = {null};
        Await.until(Duration.ofSeconds(10), "an event on " + s, () ->
        {
            final Event e = s.poll();
            got[0] = e == null ? null : e.copy(); // a view is valid until the next poll
            return e != null;
        });
        return got[0];
    }
}
