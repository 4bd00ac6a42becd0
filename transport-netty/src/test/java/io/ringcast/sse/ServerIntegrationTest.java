package io.ringcast.sse;

import io.ringcast.test.Await;
import io.ringcast.test.Tokens;
import io.ringcast.test.sse.SseFrame;
import io.ringcast.test.sse.SseStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerIntegrationTest
{
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private RingcastServer server;

    @AfterEach
    void close() throws Exception
    {
        for (final AutoCloseable r : resources)
        {
            r.close();
        }
        if (server != null)
        {
            server.close();
        }
    }

    private RingcastServer start(final ServerConfig config)
    {
        server = RingcastServer.start(config.bindAddress("127.0.0.1").port(0));
        return server;
    }

    private URI uri(final String pathAndQuery)
    {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    private SseStream stream(final String pathAndQuery, final String... headers) throws Exception
    {
        final SseStream c = SseStream.open(client, uri(pathAndQuery), headers);
        resources.add(c);
        return c;
    }

    private HttpResponse<String> publish(final String json, final String... headers) throws Exception
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(uri("/publish"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2)
        {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String publishedId(final String json) throws Exception
    {
        final HttpResponse<String> r = publish(json);
        assertEquals(202, r.statusCode(), r.body());
        return r.body().replaceAll("\\{\"id\":\"(\\d+)\"}", "$1");
    }

    private static void await(final BooleanSupplier condition, final String what)
    {
        Await.until(Duration.ofSeconds(10), what, condition);
    }

    private void awaitSubscriptions(final int n) throws InterruptedException
    {
        await(() -> server.engine().metrics().activeSubscriptions() >= n, n + " registered subscriptions");
    }

    @Test
    void shouldDeliverAPublishedEventWithMultiLineDataToAPrefixStream() throws Exception
    {
        start(new ServerConfig());
        final SseStream events = stream("/events?topic=orders/*");
        assertEquals(200, events.status());
        assertEquals("text/event-stream; charset=utf-8", events.headers().firstValue("content-type")
            .orElseThrow());
        assertEquals(2000, events.next().retryMs());
        awaitSubscriptions(1);
        final String id = publishedId("{\"topic\":\"orders/eu\",\"type\":\"created\",\"data\":{\"a\":1,\n\"b\":2}}");
        final SseFrame f = events.nextEvent();
        assertEquals(id, f.id());
        assertEquals("created", f.type());
        assertEquals("{\"a\":1,\n\"b\":2}", f.data());
    }

    @Test
    void shouldDeliverWhereverTheDispatcherRuns() throws Exception
    {
        // the other placements than the default one here: its own thread with one loop, a loop among two
        for (final ServerConfig config : List.of(
            new ServerConfig().ioThreads(1).dispatcher(DispatcherPlacement.THREAD),
            new ServerConfig().ioThreads(2).dispatcher(DispatcherPlacement.LOOP)))
        {
            start(config);
            final List<SseStream> streams = new ArrayList<>();
            for (int i = 0; i < 4; i++) // spread over the loops
            {
                streams.add(stream("/events?topic=p"));
            }
            awaitSubscriptions(4);
            final String id = publishedId("{\"topic\":\"p\",\"data\":1}");
            for (final SseStream s : streams)
            {
                assertEquals(id, s.nextEvent().id(), config.dispatcher().name());
                s.close();
            }
            server.close();
        }
    }

    @Test
    void shouldSendCommentHeartbeatsOnAnIdleStream() throws Exception
    {
        start(new ServerConfig().heartbeatIntervalMs(100).retryMs(500));
        final SseStream events = stream("/events?topic=quiet");
        assertEquals(500, events.next().retryMs());
        assertEquals("hb", events.next().comment());
        assertEquals("hb", events.next().comment());
    }

    @Test
    void shouldResumeAfterLastEventIdWithoutGapOrDuplicate() throws Exception
    {
        start(new ServerConfig());
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++)
        {
            ids.add(publishedId("{\"topic\":\"t\",\"data\":" + i + "}"));
        }
        final SseStream resumed = stream("/events?topic=t", "Last-Event-ID", ids.get(3));
        final List<SseFrame> replayed = resumed.events(6);
        for (int i = 0; i < 6; i++)
        {
            assertEquals(ids.get(4 + i), replayed.get(i).id());
            assertEquals(Integer.toString(4 + i), replayed.get(i).data());
        }
        final String live = publishedId("{\"topic\":\"t\",\"data\":10}");
        assertEquals(live, resumed.nextEvent().id());
    }

    @Test
    void shouldSendResetFirstWhenTheResumeIdIsOlderThanHistory() throws Exception
    {
        start(new ServerConfig().historySize(4));
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++)
        {
            ids.add(publishedId("{\"topic\":\"t\",\"data\":" + i + "}"));
        }
        final SseStream resumed = stream("/events?topic=t&lastEventId=" + ids.get(0));
        final SseFrame reset = resumed.nextEvent();
        assertEquals("reset", reset.type());
        assertFalse(reset.hadId(), "a reset carries no id: the client keeps its last one");
        assertEquals("{\"reason\":\"history-gap\",\"lastEventId\":\"" + ids.get(0) + "\"}", reset.data());
        final List<SseFrame> retained = resumed.events(4);
        assertEquals(ids.get(6), retained.get(0).id());
        assertEquals(ids.get(9), retained.get(3).id());
    }

    @Test
    void shouldEndAStreamWithTokenExpiredWhenItsTokenExpires() throws Exception
    {
        start(new ServerConfig().jwtSecret(Tokens.SECRET));
        final long exp = System.currentTimeMillis() - (Authenticator.CLOCK_SKEW_SECONDS - 2) * 1000;
        final String token = Tokens.hs256(Tokens.claims("alice", List.of("news"), List.of("news"))
            .expirationTime(new java.util.Date(exp)));
        final SseStream s = stream("/events?topic=news", "Authorization", "Bearer " + token);
        awaitSubscriptions(1);
        final SseFrame expired = s.nextEvent();
        assertEquals("token-expired", expired.type());
        assertTrue(expired.data().contains("\"reason\":\"token-expired\""), expired.data());
        assertEquals(SseStream.Received.Kind.END, s.next().kind());
        assertEquals(1, metric("ringcast_stream_token_expiries_total"));
    }

    @Test
    void shouldDeliverPrivateEventsOnlyToTheirUser() throws Exception
    {
        start(new ServerConfig().jwtSecret(Tokens.SECRET));
        final String alice = Tokens.hs256("alice", List.of("inbox"), List.of());
        final String bob = Tokens.hs256("bob", List.of("inbox"), List.of());
        final String publisher = Tokens.hs256(Tokens.claims("svc", List.of(), List.of("*"))
            .claim("publish_private", List.of("inbox")));
        final String plainPublisher = Tokens.hs256("web", List.of(), List.of("*"));
        final String carol = Tokens.hs256("carol", List.of(), List.of("inbox"));
        final SseStream aliceStream = stream("/events?topic=inbox", "Authorization", "Bearer " + alice);
        final SseStream bobStream = stream("/events?topic=inbox&access_token=" + bob);
        awaitSubscriptions(2);
        assertEquals(401, publish("{\"topic\":\"inbox\",\"data\":0}").statusCode());
        final HttpResponse<String> forAlice = publish("{\"topic\":\"inbox\",\"user\":\"alice\",\"data\":\"a\"}",
            "Authorization", "Bearer " + publisher);
        assertEquals(202, forAlice.statusCode(), forAlice.body());
        final HttpResponse<String> forged = publish("{\"topic\":\"inbox\",\"user\":\"alice\",\"data\":\"x\"}",
            "Authorization", "Bearer " + plainPublisher);
        assertEquals(403, forged.statusCode(), forged.body());
        assertTrue(forged.body().contains("publish_private"), forged.body());
        assertEquals(202, publish("{\"topic\":\"inbox\",\"user\":\"carol\",\"data\":\"self\"}",
            "Authorization", "Bearer " + carol).statusCode());
        publish("{\"topic\":\"inbox\",\"user\":\"bob\",\"data\":\"b\"}", "Authorization", "Bearer " + publisher);
        publish("{\"topic\":\"inbox\",\"data\":\"all\"}", "Authorization", "Bearer " + publisher);
        assertEquals("\"a\"", aliceStream.nextEvent().data());
        assertEquals("\"all\"", aliceStream.nextEvent().data());
        assertEquals("\"b\"", bobStream.nextEvent().data());
        assertEquals("\"all\"", bobStream.nextEvent().data());
    }

    @Test
    void shouldEndStreamsCleanlyOnGracefulShutdown() throws Exception
    {
        start(new ServerConfig());
        final SseStream events = stream("/events?topic=t");
        awaitSubscriptions(1);
        publishedId("{\"topic\":\"t\",\"data\":1}");
        assertEquals("1", events.nextEvent().data());
        server.close();
        assertSame(SseStream.END, events.nextEvent());
        assertThrows(java.io.IOException.class, () -> publish("{\"topic\":\"t\",\"data\":2}"));
    }

    @Test
    void shouldFinishAnInFlightPublishBeforeClosingTheEngineOnShutdown() throws Exception
    {
        start(new ServerConfig());
        final SseStream events = stream("/events?topic=t");
        awaitSubscriptions(1);
        final Socket publisher = new Socket("127.0.0.1", server.port());
        resources.add(publisher);
        final String body = "{\"topic\":\"t\",\"data\":\"last\"}";
        final OutputStream out = publisher.getOutputStream();
        out.write(("POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
            body.length() + "\r\n\r\n" + body.substring(0, 10)).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        await(() -> server.publishesInFlight() == 1, "the publish to be in flight");
        final Thread closer = new Thread(server::close);
        closer.start();
        await(server::isClosing, "shutdown to begin");
        out.write(body.substring(10).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        final String response = new String(publisher.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
        assertEquals("HTTP/1.1 202", response);
        assertEquals("\"last\"", events.nextEvent().data());
        assertSame(SseStream.END, events.nextEvent());
        closer.join(10_000);
    }

    @Test
    void shouldCutOffAStalledClientWhileAHealthyOneReceivesEverything() throws Exception
    {
        start(new ServerConfig().queueCapacity(64));
        final SseStream healthy = stream("/events?topic=t");
        final Socket stalled = new Socket();
        stalled.setReceiveBufferSize(4096);
        stalled.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
        resources.add(stalled);
        final OutputStream out = stalled.getOutputStream();
        out.write("GET /events?topic=t HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        awaitSubscriptions(2);
        final String payload = "\"" + "x".repeat(16_000) + "\"";
        final int events = 600;
        final StringBuilder batch = new StringBuilder();
        for (int i = 0; i < events; i++)
        {
            batch.append("{\"topic\":\"t\",\"data\":").append(payload).append("}\n");
            if (i % 10 == 9)
            {
                final HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/publish"))
                    .header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofString(batch.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertEquals(202, r.statusCode(), r.body());
                batch.setLength(0);
                assertEquals(payload, healthy.events(10).get(9).data());
            }
        }
        await(() -> metric("ringcast_slow_client_disconnects_total") >= 1, "the stalled client to be cut off");
        final InputStream in = stalled.getInputStream();
        final byte[] buffer = new byte[65536];
        while (in.read(buffer) >= 0)
        {
            // read what was flushed before the disconnect, up to the end of the stream
        }
    }

    @Test
    void shouldAnswer503BeyondTheConnectionLimit() throws Exception
    {
        start(new ServerConfig().maxConnections(1));
        final SseStream first = stream("/events?topic=t");
        assertEquals(200, first.status());
        final HttpResponse<String> refused = client.send(HttpRequest.newBuilder(uri("/healthz")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(503, refused.statusCode());
        assertEquals("1", refused.headers().firstValue("retry-after").orElseThrow());
        assertTrue(refused.body().contains("too_many_connections"), refused.body());
        final HttpResponse<String> eventSource = client.send(HttpRequest.newBuilder(uri("/events?topic=t"))
            .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofString());
        assertEventStreamRefusal(eventSource, "too_many_connections");
    }

    /** The form a browser's EventSource survives: 200 text/event-stream, retry:, event: error with the JSON reason. */
    private static void assertEventStreamRefusal(final HttpResponse<String> r, final String error)
    {
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"),
            r.headers().toString());
        assertTrue(r.body().startsWith("retry: 2000\n\nevent: error\ndata: {\"error\":\"" + error + "\","), r.body());
        assertTrue(r.body().endsWith("}\n\n"), r.body());
    }

    @Test
    void shouldRefuseANonLoopbackBindWithoutAKey()
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> RingcastServer.start(new ServerConfig().bindAddress("0.0.0.0").port(0)));
        assertTrue(e.getMessage().contains("without authentication"), e.getMessage());
    }

    @Test
    void shouldWireAConfiguredReplicationProviderAndReportItsHealthAndFigures() throws Exception
    {
        FakeReplicationProvider.CALLS.clear();
        start(new ServerConfig().nodeId("n1").setting("fake-replication", "on"));
        assertEquals(List.of("create n1", "configure", "start n1"), FakeReplicationProvider.CALLS);
        final HttpResponse<String> health = client.send(HttpRequest.newBuilder(uri("/healthz")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertTrue(health.body().contains("\"status\":\"degraded\"") &&
            health.body().contains("\"replication\":{\"provider\":\"fake\",\"state\":\"degraded\"}") &&
            !health.body().contains("peer unreachable"), health.body());
        assertEquals(7, metric("ringcast_relay_written_total"));
        server.close();
        assertEquals("close", FakeReplicationProvider.CALLS.get(3));
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenTooManyReplicaResumesAreInProgress() throws Exception
    {
        FakeReplicationProvider.RESUMES_ENTERED.set(0);
        FakeReplicationProvider.RESUME_GATE = new CountDownLatch(1);
        try
        {
            start(new ServerConfig().nodeId("n1").setting("fake-replication", "blocking-resume"));
            final int accepted = RingcastServer.RESUME_THREADS + RingcastServer.RESUME_QUEUE;
            final List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
            for (int i = 0; i < accepted; i++)
            {
                pending.add(client.sendAsync(HttpRequest.newBuilder(uri("/events?topic=a"))
                    .header("Last-Event-ID", "t=1,n1=" + i).build(), HttpResponse.BodyHandlers.ofString()));
            }
            await(() -> FakeReplicationProvider.RESUMES_ENTERED.get() == RingcastServer.RESUME_THREADS &&
                metric("ringcast_streams_open") == accepted, "every resume thread busy and the queue full");

            final HttpResponse<String> refused = client.send(HttpRequest.newBuilder(uri("/events?topic=a"))
                .header("Accept", "application/json")
                .header("Last-Event-ID", "t=1,n1=999").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.headers().firstValue("Retry-After").isPresent(), refused.headers().toString());
            assertTrue(refused.body().contains("\"error\":\"resume_busy\""), refused.body());
            assertEventStreamRefusal(client.send(HttpRequest.newBuilder(uri("/events?topic=a"))
                .header("Last-Event-ID", "t=1,n1=998").build(), HttpResponse.BodyHandlers.ofString()), "resume_busy");

            FakeReplicationProvider.RESUME_GATE.countDown();
            for (final CompletableFuture<HttpResponse<String>> f : pending)
            {
                final HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
                assertEquals(400, r.statusCode(), r.body()); // the fake declines every id once released
            }
            await(() -> metric("ringcast_streams_open") == 0, "no stream left open");
        }
        finally
        {
            FakeReplicationProvider.RESUME_GATE.countDown();
        }
    }

    @Test
    void shouldAnswer503ResumeUnavailableWhenTheReplicationCannotReachItsStore() throws Exception
    {
        start(new ServerConfig().nodeId("n1").setting("fake-replication", "failing-resume"));
        for (int i = 0; i < 20; i++)
        {
            final HttpRequest.Builder request = HttpRequest.newBuilder(uri("/events?topic=a"))
                .header("Last-Event-ID", "t=1,n2=" + i);
            if (i % 2 == 1)
            {
                final HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                assertEventStreamRefusal(r, "resume_unavailable");
                continue;
            }
            final HttpResponse<String> refused = client.send(request.header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.headers().firstValue("Retry-After").isPresent(), refused.headers().toString());
            assertTrue(refused.body().contains("\"error\":\"resume_unavailable\"") &&
                refused.body().contains("Connection to 127.0.0.1:5432 refused"), refused.body());
        }
        assertEquals(20, metric("ringcast_http_server_errors_total"));
        await(() -> metric("ringcast_streams_open") == 0, "no stream left open");
    }

    @Test
    void shouldReportAStreamWhoseQueueOverflowedDuringItsResumeAsASlowClientNotAsShuttingDown() throws Exception
    {
        FakeReplicationProvider.RESUMES_ENTERED.set(0);
        start(new ServerConfig().nodeId("n1").queueCapacity(4).setting("fake-replication", "overflowing-resume"));
        final CompletableFuture<HttpResponse<String>> browser = client.sendAsync(
            HttpRequest.newBuilder(uri("/events?topic=a")).header("Last-Event-ID", "t=1,n1=5").build(),
            HttpResponse.BodyHandlers.ofString());
        final CompletableFuture<HttpResponse<String>> json = client.sendAsync(
            HttpRequest.newBuilder(uri("/events?topic=a")).header("Last-Event-ID", "t=1,n1=5")
                .header("Accept", "application/json").build(),
            HttpResponse.BodyHandlers.ofString());
        await(() -> FakeReplicationProvider.RESUMES_ENTERED.get() == 2, "both live subscriptions registered");
        for (int i = 0; i < 5; i++)
        {
            assertEquals(202, publish("{\"topic\":\"a\",\"data\":" + i + "}").statusCode());
        }
        assertEventStreamRefusal(browser.get(20, TimeUnit.SECONDS), "slow_client");
        final HttpResponse<String> refused = json.get(20, TimeUnit.SECONDS);
        assertEquals(503, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("\"error\":\"slow_client\""), refused.body());
        assertEquals(2, metric("ringcast_slow_client_disconnects_total"));
        await(() -> metric("ringcast_streams_open") == 0, "no stream left open");
    }

    @Test
    void shouldRefuseToStartWhenTheReplicationRefusesItsSettings()
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> RingcastServer.start(new ServerConfig().port(0).setting("fake-replication", "invalid")));
        assertTrue(e.getMessage().contains("'invalid' is not accepted"), e.getMessage());
    }

    private long metric(final String name)
    {
        try
        {
            final String text = client.send(HttpRequest.newBuilder(uri("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
            for (final String line : text.split("\n"))
            {
                if (line.startsWith(name + " "))
                {
                    return Long.parseLong(line.substring(name.length() + 1).trim());
                }
            }
            throw new AssertionError("metric " + name + " missing");
        }
        catch (final Exception e)
        {
            throw new AssertionError(e);
        }
    }
}
