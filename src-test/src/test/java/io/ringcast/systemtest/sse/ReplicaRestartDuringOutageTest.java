package io.ringcast.systemtest.sse;

import io.ringcast.test.Await;
import io.ringcast.test.PostgresServer;
import io.ringcast.test.sse.SseFrame;
import io.ringcast.test.sse.SseStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The restart sequence of a replica during a PostgreSQL outage, end to end over SSE with three
 * {@code RingcastServer}s: PostgreSQL stops; replicas b and c keep acknowledging and buffering; replica a restarts
 * while it is down; PostgreSQL returns; the clients of b and c move to a with their {@code Last-Event-ID}. Every
 * event must reach them exactly once, in each origin's order, without {@code event: reset}.
 *
 * <p>The rows b and c buffered are published before a starts but committed after it. To pin the order that loses
 * them when a node positions by time (the clients move to a before b's and c's buffers reach the outbox), a
 * statement trigger holds the inserts of b's and c's writers at a gate while the clients move; it holds them before
 * any row is written, so no transaction id is taken and nothing else waits.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReplicaRestartDuringOutageTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern DATA = Pattern.compile("\\{\"o\":\"([a-z]+)\",\"i\":(\\d+)}");
    private static final String TOPIC = "restart/outage";
    private static final String GATE = """
        CREATE TABLE test_gate (hold boolean NOT NULL);
        INSERT INTO test_gate VALUES (false);
        CREATE FUNCTION test_gate_hold() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            WHILE current_setting('application_name') IN ('ringcast-writer-nb', 'ringcast-writer-nc')
                AND (SELECT hold FROM test_gate) LOOP
                PERFORM pg_sleep(0.02);
            END LOOP;
            RETURN NULL;
        END $$;
        CREATE TRIGGER test_gate_hold BEFORE INSERT ON ringcast_outbox
            FOR EACH STATEMENT EXECUTE FUNCTION test_gate_hold();
        """;

    private final Map<String, Integer> published = new LinkedHashMap<>();

    @Test
    void shouldDeliverEverythingToClientsMovingToAReplicaThatRestartedDuringAnOutage() throws Exception
    {
        final PostgresServer pg = PostgresServer.shared();
        final String url = pg.freshDatabase("replica_restart_outage");
        TestServer a = TestServer.start(c -> c.nodeId("na").setting("pg-url", url));
        final TestServer b = TestServer.start(c -> c.nodeId("nb").setting("pg-url", url));
        final TestServer c = TestServer.start(c2 -> c2.nodeId("nc").setting("pg-url", url));
        try
        {
            for (final TestServer s : List.of(a, b, c))
            {
                awaitHealthy(s);
            }
            execute(url, GATE);
            final SseStream onB = b.api().subscribe(TOPIC);
            final SseStream onC = c.api().subscribe(TOPIC);
            publish(List.of(a, b, c), 30);
            onB.awaitFrames(90, WAIT);
            onC.awaitFrames(90, WAIT);

            execute(url, "UPDATE test_gate SET hold = true");
            pg.stop();
            publish(List.of(b, c), 100);
            Await.until(WAIT, "b and c serve their own outage events", () ->
                onB.frameCount() == 190 && onC.frameCount() == 190, () -> onB.describe() + " " + onC.describe());

            a.close();
            a = TestServer.start(c2 -> c2.nodeId("na").setting("pg-url", url));
            // a has not read its start position yet: a move to it is refused at once, in the form EventSource retries
            final SseStream early = a.api().stream("/events" + Api.query(TOPIC), "Last-Event-ID",
                onB.frames().get(onB.frameCount() - 1).id());
            assertEquals(200, early.status());
            early.awaitEnd(WAIT);
            assertEquals("error", early.frames().get(0).type(), early.describe());
            assertTrue(early.frames().get(0).data().contains("resume_unavailable"), early.describe());
            assertTrue(early.retryMs() > 0, "a retry: delay for EventSource");
            publish(List.of(b, c), 20);
            pg.start();
            awaitHealthy(a);

            final List<SseFrame> clientB = leave(onB);
            final List<SseFrame> clientC = leave(onC);
            final SseStream bOnA = a.api().stream("/events" + Api.query(TOPIC), "Last-Event-ID", last(clientB));
            final SseStream cOnA = a.api().stream("/events" + Api.query(TOPIC), "Last-Event-ID", last(clientC));
            assertEquals(200, bOnA.status(), bOnA.describe());
            assertEquals(200, cOnA.status(), cOnA.describe());

            execute(url, "UPDATE test_gate SET hold = false");
            publish(List.of(a, b, c), 30);
            final int total = published.values().stream().mapToInt(Integer::intValue).sum();
            awaitAll(bOnA, total - clientB.size());
            awaitAll(cOnA, total - clientC.size());
            clientB.addAll(bOnA.frames());
            clientC.addAll(cOnA.frames());
            bOnA.close();
            cOnA.close();
            assertEverythingOnce("the client that moved from b", clientB);
            assertEverythingOnce("the client that moved from c", clientC);
        }
        finally
        {
            ensureRunning(pg, url);
            for (final TestServer s : List.of(a, b, c))
            {
                s.close();
            }
        }
    }

    private void publish(final List<TestServer> nodes, final int each)
    {
        for (int i = 0; i < each; i++)
        {
            for (final TestServer s : nodes)
            {
                final String origin = s.engine().nodeId();
                final int n = published.merge(origin, 1, Integer::sum) - 1;
                s.api().publish(TOPIC, "{\"o\":\"" + origin + "\",\"i\":" + n + "}");
            }
        }
    }

    /** @return what the client received before it closed the stream. */
    private static List<SseFrame> leave(final SseStream from)
    {
        from.close();
        return new ArrayList<>(from.frames());
    }

    private static String last(final List<SseFrame> frames)
    {
        return frames.get(frames.size() - 1).id();
    }

    private static void awaitAll(final SseStream s, final int owed)
    {
        try
        {
            s.awaitFrames(owed, WAIT);
        }
        catch (final AssertionError e)
        {
            throw new AssertionError("expected " + owed + " events after the move, got " + s.frameCount() + ": " +
                s.describe(), e);
        }
    }

    private void assertEverythingOnce(final String who, final List<SseFrame> frames)
    {
        assertFalse(frames.stream().anyMatch(f -> f.type().equals("reset")), who + " got no reset");
        final Map<String, List<Integer>> byOrigin = new LinkedHashMap<>();
        for (final SseFrame f : frames)
        {
            final Matcher m = DATA.matcher(f.data());
            if (!m.matches())
            {
                throw new AssertionError(who + ": unexpected event " + f);
            }
            byOrigin.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(Integer.parseInt(m.group(2)));
        }
        for (final Map.Entry<String, Integer> p : published.entrySet())
        {
            final List<Integer> got = byOrigin.getOrDefault(p.getKey(), List.of());
            final List<Integer> missing = new ArrayList<>();
            for (int i = 0; i < p.getValue(); i++)
            {
                if (!got.contains(i))
                {
                    missing.add(i);
                }
            }
            assertEquals(range(p.getValue()), got, who + ": every event of " + p.getKey() +
                " exactly once, in order; missing " + missing + ", received " + got.size());
        }
    }

    private static List<Integer> range(final int n)
    {
        final List<Integer> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            list.add(i);
        }
        return list;
    }

    private static void awaitHealthy(final TestServer s)
    {
        Await.until(WAIT, s.engine().nodeId() + " healthy", () ->
            "ok".equals(s.api().get("/healthz").jsonField("status")), () -> s.api().get("/healthz").body());
    }

    private static void execute(final String url, final String sql) throws SQLException
    {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement())
        {
            s.execute(sql);
        }
    }

    private static void ensureRunning(final PostgresServer pg, final String url)
    {
        try (Connection c = DriverManager.getConnection(url))
        {
            c.isValid(1);
        }
        catch (final SQLException e)
        {
            pg.start();
        }
    }
}
