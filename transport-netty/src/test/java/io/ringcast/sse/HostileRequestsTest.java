package io.ringcast.sse;

import io.ringcast.test.Await;
import io.ringcast.test.Tokens;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each hostile request a probe found: the answer is a 4xx naming the problem, and nothing is logged at WARN. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostileRequestsTest
{
    private final List<Engine> engines = new ArrayList<>();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureLogs()
    {
        log.start();
        root().addAppender(log);
    }

    @AfterEach
    void close()
    {
        root().detachAppender(log);
        engines.forEach(Engine::close);
    }

    private static Logger root()
    {
        return (Logger)LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private EmbeddedChannel channel(final ServerConfig config, final Authenticator authenticator)
    {
        final Engine engine = Engine.start(new EngineConfig().ringSize(config.ringSize()));
        engines.add(engine);
        final ServerMetrics metrics = new ServerMetrics();
        final ServerContext server = new ServerContext(config, engine, authenticator, metrics,
            new Pages(engine, metrics, null, null));
        final EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        ServerInitializer.configure(channel.pipeline(), server);
        return channel;
    }

    private EmbeddedChannel channel()
    {
        return channel(new ServerConfig(), null);
    }

    private static String exchange(final EmbeddedChannel channel, final String request)
    {
        return exchange(channel, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String exchange(final EmbeddedChannel channel, final byte[] request)
    {
        channel.writeInbound(Unpooled.wrappedBuffer(request));
        return output(channel);
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

    private static byte[] post(final String contentType, final byte[] body)
    {
        final byte[] head = ("POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: " + contentType +
            "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        final byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private static void assertError(final String response, final int status, final String detailPart)
    {
        assertTrue(response.startsWith("HTTP/1.1 " + status + " "), response);
        assertTrue(response.contains("content-type: application/json"), response);
        assertTrue(response.contains(detailPart), response);
    }

    private void assertNothingLoggedAtWarn()
    {
        for (final ILoggingEvent e : log.list)
        {
            assertFalse(e.getLevel().isGreaterOrEqual(Level.WARN), e.getFormattedMessage());
        }
    }

    @Test
    void shouldAnswer400ToBadPercentEscapesAndKeepTheConnectionWithoutLoggingTheToken()
    {
        final EmbeddedChannel channel = channel();
        assertError(exchange(channel, "GET /%ZZ HTTP/1.1\r\nHost: x\r\n\r\n"), 400, "percent-escape in the path");
        assertError(exchange(channel, "GET /events?topic=a%4&access_token=SECRET-TOKEN HTTP/1.1\r\nHost: x\r\n\r\n"),
            400, "percent-escape in the query parameter 'topic'");
        final String overlong = exchange(channel, "GET /events?topic=ov%C0%AFb HTTP/1.1\r\nHost: x\r\n\r\n");
        assertError(overlong, 400, "not valid UTF-8");
        assertTrue(channel.isActive());
        assertTrue(exchange(channel, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200"));
        assertNothingLoggedAtWarn();
        for (final ILoggingEvent e : log.list)
        {
            assertFalse(e.getFormattedMessage().contains("SECRET-TOKEN"), e.getFormattedMessage());
        }
    }

    @Test
    void shouldRefuseUtf16AndUtf32BodiesInJsonAndNdjson()
    {
        final String json = "{\"topic\":\"t\",\"data\":1}";
        for (final String charset : List.of("UTF-16BE", "UTF-16LE", "UTF-16", "UTF-32BE", "UTF-32LE"))
        {
            final byte[] body = json.getBytes(java.nio.charset.Charset.forName(charset));
            assertError(exchange(channel(), post("application/json", body)), 400, "UTF-");
            final byte[] ndjson = (json + "\n" + new String(body, StandardCharsets.ISO_8859_1))
                .getBytes(StandardCharsets.ISO_8859_1);
            assertError(exchange(channel(), post("application/x-ndjson", ndjson)), 400, "line 2: ");
        }
        assertError(exchange(channel(), post("application/json; charset=utf-16", json.getBytes())), 415, "UTF-8");
        assertNothingLoggedAtWarn();
    }

    @Test
    void shouldRefuseOverlongSurrogateAndOutOfRangeUtf8()
    {
        final byte[][] invalid = {{(byte)0xC0, (byte)0xAF}, {(byte)0xED, (byte)0xA0, (byte)0x80},
            {(byte)0xF4, (byte)0x90, (byte)0x80, (byte)0x80}};
        for (final byte[] bad : invalid)
        {
            final byte[] head = "{\"topic\":\"ov".getBytes(StandardCharsets.US_ASCII);
            final byte[] tail = "b\",\"data\":1}".getBytes(StandardCharsets.US_ASCII);
            final byte[] body = new byte[head.length + bad.length + tail.length];
            System.arraycopy(head, 0, body, 0, head.length);
            System.arraycopy(bad, 0, body, head.length, bad.length);
            System.arraycopy(tail, 0, body, head.length + bad.length, tail.length);
            assertError(exchange(channel(), post("application/json", body)), 400, "invalid UTF-8 at byte offset 12");
        }
    }

    @Test
    void shouldRefuseReservedEventTypesNamingThem()
    {
        for (final String type : PublishParser.RESERVED_TYPES)
        {
            final String body = "{\"topic\":\"t\",\"type\":\"" + type + "\",\"data\":1}";
            assertError(exchange(channel(), post("application/json", body.getBytes())), 400,
                "event type '" + type + "' is reserved");
        }
    }

    @Test
    void shouldNeverSendCredentialsForAnyOrigin()
    {
        final EmbeddedChannel any = channel(new ServerConfig().corsOrigins(List.of("*")), null);
        for (final String origin : List.of("https://evil.example", "null"))
        {
            final String response = exchange(any, "GET /healthz HTTP/1.1\r\nHost: x\r\nOrigin: " + origin + "\r\n\r\n")
                .toLowerCase();
            assertTrue(response.startsWith("http/1.1 200"), response);
            assertFalse(response.contains("access-control-allow-credentials"), response);
            assertFalse(response.contains("access-control-allow-origin: " + origin), response);
        }
        final EmbeddedChannel listed = channel(new ServerConfig().corsOrigins(List.of("https://app.example")), null);
        final String allowed = exchange(listed, "GET /healthz HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n\r\n")
            .toLowerCase();
        assertTrue(allowed.contains("access-control-allow-origin: https://app.example"), allowed);
        assertTrue(allowed.contains("access-control-allow-credentials: true"), allowed);
        final String nullOrigin = exchange(listed, "GET /healthz HTTP/1.1\r\nHost: x\r\nOrigin: null\r\n\r\n")
            .toLowerCase();
        assertFalse(nullOrigin.contains("access-control-allow-origin"), nullOrigin);
    }

    @Test
    void shouldGiveSlowHeadersOfASecondKeepAliveRequestTheRequestTimeout()
    {
        final EmbeddedChannel channel = channel(new ServerConfig().requestTimeoutMs(1000).idleTimeoutMs(60_000), null);
        assertTrue(exchange(channel, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200"));
        assertEquals("", exchange(channel, "GET /healthz HTTP/1.1\r\nHo"));
        channel.advanceTimeBy(1001, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertError(output(channel), 408, "request_timeout");
        assertFalse(channel.isActive());
    }

    @Test
    void shouldRefuseObsFoldedHeadersButNotABodyThatLooksLikeOne()
    {
        final EmbeddedChannel channel = channel();
        assertError(exchange(channel, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n\r\n"), 400,
            "obsolete line folding");
        assertFalse(channel.isActive());
        final String body = "{\"topic\":\"t\",\r\n \"data\":1}";
        final String accepted = exchange(channel(), post("application/json", body.getBytes()));
        assertTrue(accepted.startsWith("HTTP/1.1 202"), accepted);
        final EmbeddedChannel pipelined = channel();
        final String both = exchange(pipelined, new String(post("application/json", body.getBytes()),
            StandardCharsets.ISO_8859_1) + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(both.startsWith("HTTP/1.1 202") && both.contains("HTTP/1.1 200"), both);
    }

    @Test
    void shouldRefuseAmbiguousFramingAndClose()
    {
        final EmbeddedChannel both = channel();
        assertError(exchange(both, "POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
            "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400, "Content-Length");
        assertFalse(both.isActive());
        final EmbeddedChannel twice = channel();
        assertError(exchange(twice, "POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
            "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}"), 400, "");
        assertFalse(twice.isActive());
        assertNothingLoggedAtWarn();
    }

    @Test
    void shouldAnswerHeadOnHealthAndMetricsWithoutABody()
    {
        final EmbeddedChannel channel = channel();
        final String health = exchange(channel, "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(health.startsWith("HTTP/1.1 200"), health);
        assertTrue(health.endsWith("\r\n\r\n"), health);
        final String metrics = exchange(channel, "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(metrics.startsWith("HTTP/1.1 200") && metrics.endsWith("\r\n\r\n"), metrics);
        assertTrue(exchange(channel, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").contains("\"status\":\"ok\""));
    }

    @Test
    void shouldProtectMetricsWithTheMetricsToken()
    {
        final EmbeddedChannel channel = channel(new ServerConfig().metricsToken("m3trics-t0ken-0123456789"), null);
        assertError(exchange(channel, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), 401, "--metrics-token");
        assertError(exchange(channel, "GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\n\r\n"), 401,
            "unauthorized");
        final String ok = exchange(channel,
            "GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer m3trics-t0ken-0123456789\r\n\r\n");
        assertTrue(ok.startsWith("HTTP/1.1 200") && ok.contains("ringcast_engine_published_total"), ok);
        assertTrue(exchange(channel, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200"));
    }

    @Test
    void shouldRefuseTokensWithoutExpWithANumericSubOrTheWrongAudienceOrIssuer()
    {
        final Authenticator auth = Authenticator.hmac(Tokens.SECRET).claims("ringcast", "https://idp.example", true);
        final EmbeddedChannel channel = channel(new ServerConfig(), auth);
        final java.util.function.Function<String, String> open = token ->
            exchange(channel, "GET /events?topic=a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n");
        final com.nimbusds.jwt.JWTClaimsSet.Builder good = Tokens.claims("alice", List.of("*"), List.of())
            .audience("ringcast").issuer("https://idp.example");
        final String noExp = Tokens.sign(Tokens.macSigner(Tokens.SECRET.getBytes(StandardCharsets.UTF_8)),
            com.nimbusds.jose.JWSAlgorithm.HS256, good.build());
        assertError(open.apply(noExp), 401, "no 'exp'");
        assertError(open.apply(Tokens.hs256(Tokens.claims("alice", List.of("*"), List.of()).audience("other")
            .issuer("https://idp.example"))), 401, "'aud' claim");
        assertError(open.apply(Tokens.hs256(Tokens.claims("alice", List.of("*"), List.of()).audience("ringcast")
            .issuer("https://evil.example"))), 401, "'iss' claim");
        assertError(open.apply(Tokens.hs256(Tokens.claims(null, List.of("*"), List.of()).audience("ringcast")
            .issuer("https://idp.example").claim("sub", 42))), 401, "'sub' must be a non-empty string");
        assertNothingLoggedAtWarn();
    }

    @Test
    void shouldOpenAStreamOnAConnectionThatPublishedBefore() throws Exception
    {
        final EmbeddedChannel channel = channel();
        assertTrue(exchange(channel, post("application/json", "{\"topic\":\"t\",\"data\":1}".getBytes()))
            .startsWith("HTTP/1.1 202"));
        channel.writeInbound(Unpooled.copiedBuffer("GET /events?topic=t HTTP/1.1\r\nHost: x\r\n\r\n",
            StandardCharsets.US_ASCII));
        final StringBuilder out = new StringBuilder();
        Await.until(Duration.ofSeconds(5), "the stream's retry line",
            () -> out.append(output(channel)).indexOf("retry:") >= 0, out::toString);
        final EmbeddedChannel other = channel;
        engines.get(0).tryPublish(io.ringcast.engine.Message.builder("t").payload("2".getBytes()).build());
        Await.until(Duration.ofSeconds(5), "the event published after the head",
            () -> out.append(output(channel)).indexOf("data: 2") >= 0, out::toString);
    }
}
