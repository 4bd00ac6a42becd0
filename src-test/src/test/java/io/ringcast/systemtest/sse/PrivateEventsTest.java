package io.ringcast.systemtest.sse;

import io.ringcast.test.Tokens;
import io.ringcast.test.Await;
import io.ringcast.test.sse.SseFrame;
import io.ringcast.test.sse.SseStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** JWT-authenticated streams: private events reach only their user; every auth failure is a 401 or 403. */
@Timeout(60)
class PrivateEventsTest
{
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final int USERS = 40;
    private static final String PUBLISHER =
        Tokens.publisherOfPrivateEvents("publisher", List.of("chat", "news/*"), List.of("chat"));
    private static TestServer server;
    private static Api api;

    @BeforeAll
    static void start()
    {
        server = TestServer.start(c -> c.jwtSecret(Tokens.SECRET));
        api = server.api();
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    private static String bearer(final String token)
    {
        return "Bearer " + token;
    }

    @Test
    void shouldDeliverEachPrivateEventOnlyToItsUserAcrossManyUsers()
    {
        // resuming after a marker: events published after it reach every stream even before its registration
        final long marker = api.publish("news/marker", null, "0", null, "Authorization", bearer(PUBLISHER));
        final String chat = "/events?topic=chat&lastEventId=" + marker;
        final List<SseStream> streams = new ArrayList<>();
        for (int i = 0; i < USERS; i++)
        {
            final String token = Tokens.token("user-" + i, List.of("chat"), List.of());
            streams.add(switch (i % 3)
            {
                case 0 -> api.stream(chat + "&access_token=" + token);
                case 1 -> api.stream(chat, "Authorization", bearer(token));
                default -> api.stream(chat, "Cookie", "access_token=" + token);
            });
        }
        final SseStream anonymous = api.stream(chat + "&access_token=" +
            Tokens.token(null, List.of("chat"), List.of()));
        for (final SseStream s : streams)
        {
            assertEquals(200, s.status(), s.describe());
        }
        assertEquals(200, anonymous.status());

        final List<Long> privateIds = new ArrayList<>();
        for (int i = 0; i < USERS; i++)
        {
            privateIds.add(api.publish("chat", "dm", "{\"to\":" + i + "}", "user-" + i,
                "Authorization", bearer(PUBLISHER)));
        }
        final long everyone = api.publish("chat", "all", "{\"to\":\"all\"}", null, "Authorization", bearer(PUBLISHER));
        final long end = api.publish("chat", "end", "0", null, "Authorization", bearer(PUBLISHER));

        for (int i = 0; i < USERS; i++)
        {
            final SseStream s = streams.get(i);
            Await.until(WAIT, "the end event", () -> s.lastFrame() != null && s.lastFrame().numericId() == end,
                s::describe);
            assertEquals(List.of(privateIds.get(i), everyone, end),
                s.frames().stream().map(SseFrame::numericId).toList(), "user-" + i + " sees only its own dm");
            assertEquals("{\"to\":" + i + "}", s.frames().get(0).data());
        }
        Await.until(WAIT, "the end event", () -> anonymous.lastFrame() != null &&
            anonymous.lastFrame().numericId() == end, anonymous::describe);
        assertEquals(List.of(everyone, end), anonymous.frames().stream().map(SseFrame::numericId).toList(),
            "a token without sub sees public events only");
        streams.forEach(SseStream::close);
        anonymous.close();
    }

    private static void assertRefused(final int status, final Api.Reply reply)
    {
        assertEquals(status, reply.status(), reply.toString());
        assertNotNull(reply.jsonField("error"), reply.body());
    }

    @Test
    void shouldAnswer401ForMissingInvalidExpiredOrUnsignedTokens()
    {
        assertRefused(401, api.get("/events?topic=chat"));
        assertRefused(401, api.get("/events?topic=chat&access_token=not-a-jwt"));
        assertRefused(401, api.get("/events?topic=chat", "Authorization",
            bearer(Tokens.signedWith("another-secret-another-secret-another-secret", "u", List.of("chat")))));
        assertRefused(401, api.get("/events?topic=chat", "Authorization", bearer(Tokens.expired("u", List.of("chat")))));
        assertRefused(401, api.get("/events?topic=chat", "Authorization",
            bearer(Tokens.notYetValid("u", List.of("chat")))));
        assertRefused(401, api.get("/events?topic=chat", "Authorization", bearer(Tokens.algNone("u"))));
        assertRefused(401, api.post("/publish", "application/json", Api.eventJson("chat", null, "1", null)));
        assertRefused(401, api.post("/publish", "application/json", Api.eventJson("chat", null, "1", null),
            "Authorization", bearer(Tokens.algNone("u"))));
    }

    @Test
    void shouldAnswer403ForTopicsTheTokenDoesNotGrant()
    {
        final String reader = Tokens.token("u", List.of("chat", "news/*"), List.of());
        assertRefused(403, api.get("/events?topic=secret", "Authorization", bearer(reader)));
        assertRefused(403, api.get("/events?topic=chat/*", "Authorization", bearer(reader)));
        assertRefused(403, api.get("/events?topic=news/eu&topic=secret", "Authorization", bearer(reader)));
        assertRefused(403, api.post("/publish", "application/json", Api.eventJson("chat", null, "1", null),
            "Authorization", bearer(reader)));
        assertRefused(403, api.post("/publish", "application/json", Api.eventJson("secret", null, "1", null),
            "Authorization", bearer(PUBLISHER)));
        assertRefused(403, api.post("/publish", "application/x-ndjson",
            Api.eventJson("chat", null, "1", null) + "\n" + Api.eventJson("secret", null, "2", null) + "\n",
            "Authorization", bearer(PUBLISHER)));
        try (SseStream granted = api.stream("/events?topic=news/*", "Authorization", bearer(reader)))
        {
            assertEquals(200, granted.status());
        }
    }
}
