package io.ringcast.systemtest.sse;

import io.ringcast.test.Tokens;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ringcast.test.sse.SseStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An attacker's probe against a live server over raw sockets: malformed request lines, headers and chunking, bad
 * escapes, foreign encodings, invalid UTF-8, forged server events, slow headers, token abuse and cross-site reads.
 * Every probe gets a 4xx with a JSON error (or the documented safe behaviour), the server keeps serving, nothing is
 * logged at WARN and no token reaches the log.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdversarialHttpTest
{
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String METRICS_TOKEN = "metrics-0123456789abcdef";
    private static final String LEAKED = "LEAKED-TOKEN-TEXT";
    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();
    private static TestServer server;
    private static String publisher;

    @BeforeAll
    static void start()
    {
        LOG.start();
        root().addAppender(LOG);
        server = TestServer.start(c -> c.jwtSecret(Tokens.SECRET).corsOrigins(List.of("*")).requestTimeoutMs(1_000)
            .idleTimeoutMs(30_000).metricsToken(METRICS_TOKEN));
        publisher = Tokens.token("svc", List.of("*"), List.of("*"));
    }

    @AfterAll
    static void stop()
    {
        server.close();
        root().detachAppender(LOG);
    }

    private static Logger root()
    {
        return (Logger)LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @AfterEach
    void serverStillServesAndLoggedNoWarningNorToken()
    {
        try (SseStream stream = server.api().stream("/events?topic=after", "Authorization", "Bearer " + publisher))
        {
            assertEquals(200, stream.status());
            final long id = server.api().publish("after", null, "\"alive\"", null, "Authorization", "Bearer " + publisher);
            assertEquals(id, stream.awaitFrames(1, WAIT).frames().get(0).numericId());
        }
        for (final ILoggingEvent e : new ArrayList<>(LOG.list))
        {
            assertFalse(e.getLevel().isGreaterOrEqual(Level.WARN), e.getFormattedMessage());
            assertFalse(e.getFormattedMessage().contains(LEAKED), e.getFormattedMessage());
            assertFalse(e.getFormattedMessage().contains(publisher), e.getFormattedMessage());
        }
    }

    private static RawHttp.Read raw(final byte[] request)
    {
        try (RawHttp http = new RawHttp(server.port()))
        {
            http.send(request);
            return http.readResponse(WAIT);
        }
    }

    private static RawHttp.Read raw(final String request)
    {
        return raw(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void assertRefused(final String probe, final RawHttp.Read read, final int... statuses)
    {
        assertFalse(read.text().isEmpty(), probe + ": no answer");
        final int status = read.status();
        boolean expected = false;
        for (final int s : statuses)
        {
            expected |= s == status;
        }
        assertTrue(expected, probe + ": " + read.abbreviated());
        assertTrue(read.header("Content-Type").startsWith("application/json"), probe + ": " + read.abbreviated());
        assertNotNull(Api.jsonField(read.body(), "error"), probe + ": " + read.abbreviated());
    }

    private static byte[] publish(final String contentType, final byte[] body)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("POST /publish HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + publisher +
            "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + body.length + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static byte[] concat(final String a, final byte[] b, final String c)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(b);
        out.writeBytes(c.getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    @Test
    void malformedRequestLinesGet4xx()
    {
        final String[] probes = {
            "GARBAGE\r\n\r\n",
            "GET /healthz\r\n\r\n",
            "GET /healthz HTTP/1.1 extra\r\nHost: x\r\n\r\n",
            "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n",
            "GET http://evil.example/healthz HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET * HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /heal\u0000thz HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /%ZZ HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /events?topic=a%4&access_token=" + LEAKED + " HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /events?topic=%C0%AF HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /events?topic=%ED%A0%80 HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
            "BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
        };
        for (final String probe : probes)
        {
            assertRefused(probe.substring(0, Math.min(60, probe.length())), raw(probe), 400, 404, 405, 414, 505);
        }
    }

    @Test
    void manyBadEscapesAreCheapClientErrorsThatLeaveTheLogQuiet()
    {
        final int before = LOG.list.size();
        for (int i = 0; i < 300; i++)
        {
            assertRefused("escape " + i, raw("GET /events?topic=a%4&access_token=" + LEAKED + " HTTP/1.1\r\n" +
                "Host: x\r\n\r\n"), 400);
        }
        assertTrue(LOG.list.size() - before < 10, "log lines for 300 bad requests: " + (LOG.list.size() - before));
        final Api.Reply metrics = server.api().get("/metrics", "Authorization", "Bearer " + METRICS_TOKEN);
        assertTrue(metrics.body().contains("ringcast_http_server_errors_total 0"), metrics.body());
    }

    @Test
    void malformedHeadersGet4xx()
    {
        final String[] probes = {
            "GET /healthz HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n",
            "GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n",
            "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n",
            "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\tfolded\r\n\r\n",
            "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n",
            "POST /publish HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n" +
                "Content-Type: application/json\r\n\r\n12345",
            "POST /publish HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\nContent-Type: application/json\r\n\r\n",
            "POST /publish HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\nContent-Type: application/json\r\n\r\n",
            "POST /publish HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n" +
                "Content-Type: application/json\r\n\r\n0\r\n\r\n",
            "POST /publish HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\nContent-Type: application/json\r\n\r\n",
            "POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}",
            "POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: teapot\r\n" +
                "Content-Length: 2\r\n\r\n{}",
        };
        for (final String probe : probes)
        {
            assertRefused(probe.substring(0, Math.min(80, probe.length())).replace("\r\n", "|"), raw(probe),
                400, 401, 413, 415, 417, 431, 501);
        }
    }

    @Test
    void malformedChunkingGets4xx()
    {
        final String head = "POST /publish HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + publisher +
            "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        final String[] bodies = {
            "zz\r\n{}\r\n0\r\n\r\n",
            "ffffffffffffffffff\r\n{}\r\n0\r\n\r\n",
            "2;" + "e".repeat(20_000) + "\r\n{}\r\n0\r\n\r\n",
            "-2\r\n{}\r\n0\r\n\r\n",
            "2\r\n{}XX0\r\n\r\n",
            "100001\r\n" + "x".repeat(0x100001) + "\r\n0\r\n\r\n",
        };
        for (final String body : bodies)
        {
            assertRefused("chunked " + body.substring(0, Math.min(30, body.length())), raw(head + body),
                400, 413, 431);
        }
        assertRefused("a chunk declared but never sent", raw(head + "200000\r\n" + "x".repeat(10)), 408);
        final RawHttp.Read ok = raw(head + "19\r\n{\"topic\":\"t\",\"data\":1234}\r\n0\r\n\r\n");
        assertEquals(202, ok.status(), ok.abbreviated());
    }

    @Test
    void foreignEncodingsInvalidUtf8AndForgedServerEventsGet400()
    {
        final String event = "{\"topic\":\"t\",\"data\":\"x\"}";
        for (final String charset : List.of("UTF-16BE", "UTF-16LE", "UTF-16", "UTF-32BE", "UTF-32LE"))
        {
            final byte[] foreign = event.getBytes(Charset.forName(charset));
            assertRefused(charset, raw(publish("application/json", foreign)), 400);
            assertRefused("ndjson " + charset, raw(publish("application/x-ndjson",
                concat(event + "\n", foreign, "\n"))), 400);
        }
        final byte[][] invalid = {{(byte)0xC0, (byte)0xAF}, {(byte)0xED, (byte)0xA0, (byte)0x80},
            {(byte)0xF4, (byte)0x90, (byte)0x80, (byte)0x80}};
        for (final byte[] bad : invalid)
        {
            assertRefused("topic", raw(publish("application/json", concat("{\"topic\":\"ov", bad,
                "b\",\"data\":1}"))), 400);
            assertRefused("data", raw(publish("application/json", concat("{\"topic\":\"t\",\"data\":\"", bad,
                "\"}"))), 400);
            assertRefused("ndjson", raw(publish("application/x-ndjson", concat("{\"topic\":\"t\",\"data\":\"", bad,
                "\"}\n"))), 400);
        }
        for (final String type : List.of("reset", "token-expired", "error", "open"))
        {
            final RawHttp.Read read = raw(publish("application/json",
                ("{\"topic\":\"t\",\"type\":\"" + type + "\",\"data\":1}").getBytes(StandardCharsets.UTF_8)));
            assertRefused(type, read, 400);
            assertTrue(read.body().contains(type), read.body());
        }
    }

    @Test
    void slowHeadersOfASecondKeepAliveRequestGet408()
    {
        try (RawHttp http = new RawHttp(server.port()))
        {
            http.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, http.readResponse(WAIT).status());
            http.send("GET /healthz HTTP/1.1\r\nHo");
            final long start = System.nanoTime();
            final RawHttp.Read read = http.readToEnd(Duration.ofSeconds(20));
            assertRefused("second request", read, 408);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15), "408 came after the idle timeout");
        }
    }

    @Test
    void anyOriginIsNeverGivenCredentials()
    {
        for (final String origin : List.of("https://evil.example", "null"))
        {
            final RawHttp.Read preflight = raw("OPTIONS /publish HTTP/1.1\r\nHost: x\r\nOrigin: " + origin +
                "\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n\r\n");
            assertEquals(null, preflight.header("Access-Control-Allow-Credentials"), preflight.abbreviated());
            try (RawHttp http = new RawHttp(server.port()))
            {
                http.send("GET /events?topic=inbox HTTP/1.1\r\nHost: x\r\nOrigin: " + origin +
                    "\r\nCookie: access_token=" + Tokens.token("alice", List.of("inbox"), List.of()) + "\r\n\r\n");
                final RawHttp.Read read = new RawHttp.Read(http.readHeaders(WAIT), false, false, false);
                assertEquals(200, read.status(), read.abbreviated());
                assertEquals(null, read.header("Access-Control-Allow-Credentials"), read.abbreviated());
                assertFalse(origin.equals(read.header("Access-Control-Allow-Origin")), read.abbreviated());
            }
        }
    }

    @Test
    void tokensWithoutExpWithNumericSubOrAddressingOthersAreRefused()
    {
        final String noExp = Tokens.edited("a", b -> b.expirationTime(null));
        final String numericSub = Tokens.edited(null, b -> b.claim("sub", 42));
        for (final String token : List.of(noExp, numericSub))
        {
            assertRefused("token", raw("GET /events?topic=x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                "\r\n\r\n"), 401);
        }
        final String web = Tokens.token("mallory", List.of(), List.of("inbox"));
        final byte[] forged = ("{\"topic\":\"inbox\",\"user\":\"alice\",\"data\":1}").getBytes(StandardCharsets.UTF_8);
        final RawHttp.Read read = raw(concat("POST /publish HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + web +
            "\r\nContent-Type: application/json\r\nContent-Length: " + forged.length + "\r\n\r\n", forged, ""));
        assertRefused("publish_private", read, 403);
    }

    @Test
    void audienceAndIssuerAreChecked()
    {
        try (TestServer checked = TestServer.start(c -> c.jwtSecret(Tokens.SECRET).jwtAudience("hub")
            .jwtIssuer("https://idp.example")))
        {
            final String good = Tokens.edited("a", b -> b.audience("hub").issuer("https://idp.example"));
            final String otherAudience = Tokens.edited("a", b -> b.audience("other").issuer("https://idp.example"));
            final String otherIssuer = Tokens.edited("a", b -> b.audience("hub").issuer("https://evil.example"));
            assertEquals(200, checked.api().get("/healthz").status());
            try (SseStream ok = checked.api().stream("/events?topic=x", "Authorization", "Bearer " + good))
            {
                assertEquals(200, ok.status());
            }
            assertEquals(401, checked.api().get("/events?topic=x", "Authorization", "Bearer " + otherAudience)
                .status());
            assertEquals(401, checked.api().get("/events?topic=x", "Authorization", "Bearer " + otherIssuer)
                .status());
        }
    }

    @Test
    void aStreamEndsWithTokenExpiredWhenItsTokenExpires()
    {
        final String token = Tokens.edited("alice", b -> b.expirationTime(
            new Date(System.currentTimeMillis() - 28_000)));
        try (RawHttp http = new RawHttp(server.port()))
        {
            http.send("GET /events?topic=x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n");
            final RawHttp.Read read = http.readToEnd(Duration.ofSeconds(15));
            assertTrue(read.endOfStream(), read.abbreviated());
            assertTrue(read.text().contains("event: token-expired\ndata: {\"reason\":\"token-expired\""),
                read.abbreviated());
            assertTrue(read.text().endsWith("0\r\n\r\n"), read.abbreviated());
        }
    }

    @Test
    void healthAnswersHeadAndMetricsNeedTheirToken()
    {
        try (RawHttp http = new RawHttp(server.port()))
        {
            http.send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
            final RawHttp.Read read = http.readResponse(WAIT);
            assertTrue(read.text().startsWith("HTTP/1.1 200"), read.abbreviated());
            assertTrue(read.text().indexOf("HTTP/1.1 200", 5) > 0, "the GET after the HEAD: " + read.abbreviated());
        }
        assertEquals(401, server.api().get("/metrics").status());
        assertEquals(200, server.api().get("/metrics", "Authorization", "Bearer " + METRICS_TOKEN).status());
        assertEquals(200, server.api().method("HEAD", "/metrics", "Authorization", "Bearer " + METRICS_TOKEN)
            .status());
    }

    @Test
    void aMisspeltVariableStopsTheServerNamingIt() throws Exception
    {
        final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        final ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
            "io.ringcast.server.Main").redirectErrorStream(true);
        builder.environment().put("RINGCAST_JWT_SECRT", "x");
        final Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, process.exitValue(), output);
        assertTrue(output.contains("RINGCAST_JWT_SECRT"), output);
    }
}
