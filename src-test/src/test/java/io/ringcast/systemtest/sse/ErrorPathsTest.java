package io.ringcast.systemtest.sse;

import io.ringcast.test.sse.SseStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every refused request gets a clear JSON error, publishes nothing and leaves the server serving. */
@Timeout(60)
class ErrorPathsTest
{
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static TestServer server;
    private static Api api;

    @BeforeAll
    static void start()
    {
        server = TestServer.start(c -> c.requestTimeoutMs(500).idleTimeoutMs(1_000));
        api = server.api();
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    @AfterEach
    void serverStillDeliversEvents()
    {
        try (SseStream stream = api.subscribe("after/check"))
        {
            final long id = api.publish("after/check", "\"still alive\"");
            assertEquals(id, stream.awaitFrames(1, WAIT).frames().get(0).numericId());
        }
    }

    private static void assertJsonError(final int status, final Api.Reply reply)
    {
        assertEquals(status, reply.status(), reply.toString());
        assertTrue(reply.header("Content-Type").startsWith("application/json"), reply.header("Content-Type"));
        assertNotNull(reply.jsonField("error"), "an error field in " + reply.body());
    }

    private static void assertJsonError(final int status, final RawHttp.Read read)
    {
        assertEquals(status, read.status(), read.abbreviated());
        assertTrue(read.header("Content-Type").startsWith("application/json"), read.abbreviated());
        assertNotNull(Api.jsonField(read.body(), "error"), read.abbreviated());
    }

    @Test
    void shouldRefuseMalformedJsonWith400AndPublishNothing()
    {
        try (SseStream stream = api.subscribe("err/json"))
        {
            assertJsonError(400, api.post("/publish", "application/json", "{\"topic\":\"err/json\",\"data\":"));
            assertJsonError(400, api.post("/publish", "application/json", "{\"topic\":\"err/json\",\"data\":nope}"));
            assertJsonError(400, api.post("/publish", "application/json", "[1,2]"));
            assertJsonError(400, api.post("/publish", "application/json", "{\"topic\":\"err/json\"}"));
            assertJsonError(400, api.post("/publish", "application/json",
                "{\"topic\":\"err/json\",\"data\":1} trailing"));
            assertJsonError(400, api.post("/publish", "application/x-ndjson",
                Api.eventJson("err/json", null, "1", null) + "\n{broken\n"));

            final long sentinel = api.publish("err/json", "\"ok\"");
            assertEquals(sentinel, stream.awaitFrames(1, WAIT).frames().get(0).numericId(),
                "nothing from a refused request reached the stream");
        }
    }

    @Test
    void shouldRefuseMissingOrInvalidTopicsWith400()
    {
        assertJsonError(400, api.post("/publish", "application/json", "{\"data\":1}"));
        assertJsonError(400, api.post("/publish", "application/json", "{\"topic\":\"\",\"data\":1}"));
        assertJsonError(400, api.post("/publish", "application/json", "{\"topic\":7,\"data\":1}"));
        assertJsonError(400, api.post("/publish", "application/json", "{\"topic\":\"a\\u0001b\",\"data\":1}"));
        assertJsonError(400, api.post("/publish", "application/json",
            "{\"topic\":\"" + "t".repeat(300) + "\",\"data\":1}"));
        assertJsonError(400, api.get("/events"));
        assertJsonError(400, api.get("/events?topic="));
        assertJsonError(400, api.get("/events?topic=" + "t".repeat(300)));
        assertJsonError(400, api.get("/events?topic=a%01b"));
    }

    @Test
    void shouldRefuseABadLastEventIdWith400()
    {
        assertJsonError(400, api.get("/events?topic=err/id", "Last-Event-ID", "abc"));
        assertJsonError(400, api.get("/events?topic=err/id", "Last-Event-ID", "-5"));
        assertJsonError(400, api.get("/events?topic=err/id", "Last-Event-ID", "99999999999999999999999"));
        assertJsonError(400, api.get("/events?topic=err/id&lastEventId=x1"));
    }

    @Test
    void shouldRefuseABodyAboveTheLimitWith413FromItsContentLength()
    {
        try (RawHttp raw = new RawHttp(server.port()))
        {
            raw.send("POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
                "Content-Length: " + (2 * 1024 * 1024) + "\r\n\r\n");
            assertJsonError(413, raw.readResponse(WAIT));
        }
    }

    @Test
    void shouldRefuseAnEventAboveTheEventLimitWith413()
    {
        final String big = "\"" + "x".repeat(70 * 1024) + "\"";
        assertJsonError(413, api.post("/publish", "application/json", Api.eventJson("err/big", null, big, null)));
        final String almost = "\"" + "x".repeat(60 * 1024) + "\"";
        assertEquals(202, api.post("/publish", "application/json",
            Api.eventJson("err/big", null, almost, null)).status(), "an event under 64 KiB is accepted");
    }

    @Test
    void shouldAnswer404ForUnknownPathsAnd405ForWrongMethods()
    {
        assertJsonError(404, api.get("/nope"));
        assertJsonError(404, api.get("/events/extra?topic=a"));
        assertJsonError(405, api.method("DELETE", "/publish"));
        assertJsonError(405, api.get("/publish"));
        assertJsonError(405, api.post("/events?topic=a", "application/json", "{}"));
        assertJsonError(405, api.method("PUT", "/healthz"));
    }

    @Test
    void shouldRefuseAnUnsupportedContentTypeWithAClearError()
    {
        final Api.Reply reply = api.post("/publish", "text/plain", Api.eventJson("err/ct", null, "1", null));
        assertTrue(reply.status() == 415 || reply.status() == 400, reply.toString());
        assertNotNull(reply.jsonField("error"), reply.body());
    }

    @Test
    void shouldRefuseOversizedHeadersAndRequestLines()
    {
        try (RawHttp raw = new RawHttp(server.port()))
        {
            raw.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(20 * 1024) + "\r\n\r\n");
            final RawHttp.Read read = raw.readResponse(WAIT);
            assertTrue(read.status() == 431 || read.status() == 400, read.abbreviated());
            assertNotNull(Api.jsonField(read.body(), "error"), read.abbreviated());
        }
        try (RawHttp raw = new RawHttp(server.port()))
        {
            raw.send("GET /events?topic=" + "a".repeat(10 * 1024) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            final RawHttp.Read read = raw.readResponse(WAIT);
            assertTrue(read.status() == 414 || read.status() == 400, read.abbreviated());
            assertNotNull(Api.jsonField(read.body(), "error"), read.abbreviated());
        }
    }

    @Test
    void shouldCloseAConnectionWhoseHeadersNeverFinish()
    {
        try (RawHttp raw = new RawHttp(server.port()))
        {
            raw.send("GET /events?topic=slowloris HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Drip: 1\r\n");
            final RawHttp.Read read = raw.readToEnd(Duration.ofSeconds(8));
            assertTrue(read.endOfStream(), "the server closed the half-sent request: " + read);
            assertTrue(read.text().isEmpty() || read.status() == 408, read.abbreviated());
        }
    }

    @Test
    void shouldCloseAnIdleKeepAliveConnection()
    {
        try (RawHttp raw = new RawHttp(server.port()))
        {
            raw.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertEquals(200, raw.readResponse(WAIT).status());
            final RawHttp.Read rest = raw.readToEnd(Duration.ofSeconds(8));
            assertTrue(rest.endOfStream(), "the idle keep-alive connection was closed: " + rest);
        }
    }
}
