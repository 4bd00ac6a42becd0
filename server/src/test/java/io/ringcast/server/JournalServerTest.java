package io.ringcast.server;

import io.ringcast.sse.RingcastServer;
import io.ringcast.sse.ServerConfig;
import io.ringcast.test.Await;
import io.ringcast.test.Tokens;
import io.ringcast.test.sse.SseFrame;
import io.ringcast.test.sse.SseStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server with its journal ({@code --data-dir}): resume across restarts, durable acks, a full disk. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JournalServerTest
{
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private RingcastServer server;
    private Path mount;

    @TempDir
    Path dir;

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
        if (mount != null)
        {
            run("umount", mount.toString());
        }
    }

    private void start(final ServerConfig config)
    {
        server = RingcastServer.start(config.bindAddress("127.0.0.1").port(0));
    }

    private URI uri(final String pathAndQuery)
    {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    private HttpResponse<String> publish(final String query, final String json) throws Exception
    {
        return client.send(HttpRequest.newBuilder(uri("/publish" + query))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String id(final HttpResponse<String> r)
    {
        assertEquals(202, r.statusCode(), r.body());
        return r.body().replaceAll("\\{\"id\":\"(\\d+)\"}", "$1");
    }

    private String get(final String path) throws Exception
    {
        return client.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private double metric(final String name) throws Exception
    {
        for (final String line : get("/metrics").split("\n"))
        {
            if (line.startsWith(name + " "))
            {
                return Double.parseDouble(line.substring(name.length() + 1));
            }
        }
        throw new AssertionError("no metric " + name);
    }

    private static void await(final BooleanSupplier condition, final String what)
    {
        Await.until(Duration.ofSeconds(30), what, condition);
    }

    @Test
    void shouldResumeALastEventIdFromBeforeARestartExactlyFromDisk() throws Exception
    {
        final List<String> ids = new ArrayList<>();
        start(new ServerConfig().dataDir(dir));
        for (int i = 0; i < 5; i++)
        {
            ids.add(id(publish("", "{\"topic\":\"t\",\"data\":" + i + "}")));
        }
        server.close();

        start(new ServerConfig().dataDir(dir));
        final SseStream resumed = SseStream.open(client, uri("/events?topic=t"), "Last-Event-ID", ids.get(1));
        resources.add(resumed);
        for (int i = 2; i < 5; i++)
        {
            final SseFrame f = resumed.nextEvent();
            assertNotEquals("reset", f.type(), "a resume covered by the journal is exact");
            assertEquals(ids.get(i), f.id());
            assertEquals(Integer.toString(i), f.data());
        }
        final String live = id(publish("", "{\"topic\":\"t\",\"data\":5}"));
        assertTrue(Long.parseLong(live) > Long.parseLong(ids.get(4)), "ids continue after a restart");
        assertEquals(live, resumed.nextEvent().id());
    }

    @Test
    void shouldJournalTheLargestEventTheServerAcceptsWhenItsLimitIsRaised() throws Exception
    {
        final int max = 2 << 20; // far beyond the journal's default buffer: the server sizes it from this limit
        start(new ServerConfig().dataDir(dir).maxEventBytes(max).maxBodyBytes(max + 1024));
        final String data = "\"" + "x".repeat(max - 2) + "\"";
        id(publish("?ack=durable", "{\"topic\":\"t\",\"data\":" + data + "}"));
        assertEquals(0, metric("ringcast_journal_oversized_events_total"));
        assertEquals(1, metric("ringcast_publish_durable_acks_total"));
    }

    @Test
    void shouldAnswerADurableAckOnceSyncedAndRefuseAnUnknownAckLevel() throws Exception
    {
        start(new ServerConfig().dataDir(dir));
        id(publish("?ack=durable", "{\"topic\":\"t\",\"data\":1}"));
        assertEquals(1, metric("ringcast_publish_durable_acks_total"));
        assertTrue(metric("ringcast_journal_syncs_total") >= 1);
        final HttpResponse<String> bad = publish("?ack=disk", "{\"topic\":\"t\",\"data\":1}");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("ack must be"), bad.body());
        server.close();

        start(new ServerConfig());
        final HttpResponse<String> memoryOnly = publish("?ack=durable", "{\"topic\":\"t\",\"data\":1}");
        assertEquals(400, memoryOnly.statusCode());
        assertTrue(memoryOnly.body().contains("--data-dir"), memoryOnly.body());
    }

    @Test
    void shouldRefusePublishesWhileTheDiskIsFullAndResumeWhenSpaceReturns() throws Exception
    {
        mount = Files.createDirectories(dir.resolve("small"));
        run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString());
        start(new ServerConfig().dataDir(mount.resolve("journal")));
        final String data = "\"" + "x".repeat(30_000) + "\"";
        final List<String> accepted = new ArrayList<>();
        HttpResponse<String> refused = null;
        // publish until the journal refuses (the writer needs to reach the end of the 1 MiB disk first), within a deadline
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int i = 0; refused == null && System.nanoTime() < deadline; i++)
        {
            final HttpResponse<String> r = publish("", "{\"topic\":\"t\",\"data\":" + data + "}");
            if (r.statusCode() == 202)
            {
                accepted.add(id(r));
            }
            else
            {
                refused = r;
            }
            if (i % 10 == 9)
            {
                Thread.sleep(20); // paces the publishes so the writer keeps up
            }
        }
        assertTrue(refused != null, "publishes were refused once the disk was full");
        assertEquals(507, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("\"error\":\"journal_unavailable\""), refused.body());
        assertEquals(0, metric("ringcast_journal_writable"));
        assertTrue(get("/healthz").contains("\"status\":\"degraded\""));

        run("mount", "-o", "remount,size=64m", mount.toString());
        await(() ->
        {
            try
            {
                return metric("ringcast_journal_writable") == 1;
            }
            catch (final Exception e)
            {
                throw new IllegalStateException(e);
            }
        }, "the journal writes again");
        accepted.add(id(publish("?ack=durable", "{\"topic\":\"t\",\"data\":\"after\"}")));
        server.close();

        start(new ServerConfig().dataDir(mount.resolve("journal")));
        final SseStream resumed = SseStream.open(client, uri("/events?topic=t"), "Last-Event-ID",
            Long.toString(Long.parseLong(accepted.get(0)) - 1));
        resources.add(resumed);
        for (final String id : accepted)
        {
            final SseFrame f = resumed.nextEvent();
            assertNotEquals("reset", f.type());
            assertEquals(id, f.id(), "every accepted event was kept");
        }
    }

    @Test
    void shouldStreamANamedConsumerFromItsCommittedPositionAndCommitWithTheConsumersClaim() throws Exception
    {
        final ServerConfig config = new ServerConfig().dataDir(dir).jwtSecret(Tokens.SECRET)
            .consumer("billing", "beginning");
        start(config);
        final String publisher = Tokens.hs256("svc", List.of(), List.of("*"));
        final String billing = Tokens.sign(Tokens.macSigner(Tokens.SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            com.nimbusds.jose.JWSAlgorithm.HS256, Tokens.claims("worker", List.of("*"), List.of())
                .claim("consumers", List.of("billing"))
                .expirationTime(new java.util.Date(System.currentTimeMillis() + 600_000)).build());
        final String noClaim = Tokens.hs256("worker", List.of("*"), List.of());
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++)
        {
            ids.add(id(client.send(HttpRequest.newBuilder(uri("/publish"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + publisher)
                .POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"t\",\"data\":" + i + "}")).build(),
                HttpResponse.BodyHandlers.ofString())));
        }
        final SseStream first = SseStream.open(client, uri("/events?topic=t&consumer=billing"),
            "Authorization", "Bearer " + billing);
        resources.add(first);
        assertEquals(200, first.status(), "the consumer's stream opens");
        for (int i = 0; i < 5; i++)
        {
            assertEquals(ids.get(i), first.nextEvent().id(), "a new consumer starts at its seek: the beginning");
        }
        final HttpResponse<String> forbidden = commit("billing", ids.get(2), noClaim);
        assertEquals(403, forbidden.statusCode(), forbidden.body());
        assertEquals(403, commit("payroll", ids.get(2), billing).statusCode()); // the claim is checked first
        assertEquals(400, commit("billing", "12", billing).statusCode());
        final HttpResponse<String> committed = commit("billing", ids.get(2), billing);
        assertEquals(200, committed.statusCode(), committed.body());
        assertTrue(committed.body().contains("\"committed\":\"" + ids.get(2) + "\""), committed.body());
        assertEquals(2, metric("ringcast_journal_consumer_billing_lag_events"));
        first.close();
        resources.remove(first);
        server.close();

        start(config);
        final SseStream again = SseStream.open(client, uri("/events?topic=t&consumer=billing"),
            "Authorization", "Bearer " + billing);
        resources.add(again);
        assertEquals(ids.get(3), again.nextEvent().id(), "after a restart the stream starts after the commit");
        assertEquals(ids.get(4), again.nextEvent().id());
    }

    private HttpResponse<String> commit(final String consumer, final String id, final String token) throws Exception
    {
        return client.send(HttpRequest.newBuilder(uri("/commit?consumer=" + consumer + "&id=" + id))
            .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static void run(final String... command) throws Exception
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }
}
