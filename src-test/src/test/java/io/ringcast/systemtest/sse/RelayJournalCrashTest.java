package io.ringcast.systemtest.sse;

import io.ringcast.systemtest.relay.support.RelayNode;
import io.ringcast.test.Await;
import io.ringcast.test.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay on the journal, with real processes: node {@code na} is the runnable jar (journal on, PostgreSQL relay),
 * node {@code nb} an in-process engine with the relay that records what it receives. PostgreSQL goes down while
 * {@code na} acknowledges publishes; {@code na} is killed with SIGKILL (or stopped with SIGTERM) and started again;
 * PostgreSQL returns. Every event {@code na} acknowledged reaches the outbox and {@code nb}, none twice.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RelayJournalCrashTest
{
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern INDEX = Pattern.compile("\"i\":(\\d+)");

    @TempDir
    Path dataDir;

    private final List<Process> processes = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private boolean pgStopped;

    @AfterEach
    void cleanUp() throws Exception
    {
        for (final Process p : processes)
        {
            p.destroyForcibly();
            p.waitFor(20, TimeUnit.SECONDS);
        }
        for (final AutoCloseable r : resources)
        {
            r.close();
        }
        if (pgStopped)
        {
            PostgresServer.shared().start(); // the shared server runs again for the next test
        }
    }

    private void stopPostgres()
    {
        pgStopped = true;
        PostgresServer.shared().stop();
    }

    private void startPostgres()
    {
        PostgresServer.shared().start();
        pgStopped = false;
    }

    @Test
    void shouldRelayEveryAcknowledgedEventOnceAfterAKillDuringAPostgresOutage() throws Exception
    {
        final PostgresServer pg = PostgresServer.shared();
        final String url = pg.freshDatabase("relay_journal_kill");
        final RelayNode b = node("nb", url);
        Node a = start(url, "kill-1");
        final Set<Integer> published = new HashSet<>();
        int next = 0;

        // with PostgreSQL up, ack=durable answers once the events are committed to the outbox
        final Api.Reply durable = a.api.post("/publish?ack=durable", "application/x-ndjson", ndjson(next, 500));
        assertEquals(202, durable.status(), durable.toString());
        next = record(published, next, 500);
        assertEquals(500, count(url, "SELECT count(*) FROM ringcast_outbox WHERE origin = 'na'"),
            "the 202 came after the commit");

        stopPostgres();
        // during the outage: ack=durable cannot confirm the outbox; the answer says the events are on disk
        final Api.Reply unconfirmed = a.api.post("/publish?ack=durable", "application/x-ndjson", ndjson(next, 700));
        next = record(published, next, 700);
        assertEquals(503, unconfirmed.status(), unconfirmed.toString());
        assertTrue(unconfirmed.body().contains("not_durable") && unconfirmed.body().contains("synced to this node"),
            unconfirmed.toString());
        // memory acks, then the node is killed once its journal has them
        for (int batch = 0; batch < 10; batch++)
        {
            final Api.Reply r = a.api.post("/publish", "application/x-ndjson", ndjson(next, 300));
            assertEquals(202, r.status(), r.toString());
            next = record(published, next, 300);
        }
        awaitJournaled(a, published.size());
        a.kill();

        // restarted while PostgreSQL is still down: it serves, and keeps acknowledging into its journal
        a = start(url, "kill-2");
        for (int batch = 0; batch < 3; batch++)
        {
            final Api.Reply r = a.api.post("/publish", "application/x-ndjson", ndjson(next, 300));
            assertEquals(202, r.status(), r.toString());
            next = record(published, next, 300);
        }
        awaitJournaled(a, 300 * 3);
        a.kill();
        a = start(url, "kill-3");

        startPostgres();
        final int total = published.size();
        final Node running = a;
        Await.until(() -> count(url, "SELECT count(*) FROM ringcast_outbox WHERE origin = 'na'") >= total, WAIT,
            () -> "the outbox to hold all " + total + " events of na: " + describe(url, b, running));
        Await.until(() -> b.receivedFrom("na").size() >= total, WAIT,
            () -> "nb to receive all " + total + " events of na: " + describe(url, b, running));
        assertEquals(published, outboxIndexes(url), "every published event in the outbox, none missing");
        assertEquals(total, count(url, "SELECT count(*) FROM ringcast_outbox WHERE origin = 'na'"), "none twice");
        final List<Long> received = b.receivedFrom("na");
        assertEquals(total, received.size(), "nb received each once");
        assertEquals(total, new HashSet<>(received).size(), "nb received none twice");
        assertEquals(0, b.outOfOrder(), "in na's order");

        // and with PostgreSQL back, ack=durable confirms again
        final Api.Reply after = a.api.post("/publish?ack=durable", "application/x-ndjson", ndjson(next, 10));
        assertEquals(202, after.status(), after.toString());
    }

    @Test
    void shouldLoseNothingWhenTheNodeStopsGracefullyWhilePostgresIsDown() throws Exception
    {
        final PostgresServer pg = PostgresServer.shared();
        final String url = pg.freshDatabase("relay_journal_stop");
        final RelayNode b = node("nb", url);
        Node a = start(url, "stop-1");
        final Set<Integer> published = new HashSet<>();
        int next = 0;
        final Api.Reply first = a.api.post("/publish", "application/x-ndjson", ndjson(next, 100));
        assertEquals(202, first.status(), first.toString());
        next = record(published, next, 100);
        Await.until(WAIT, "nb to receive the first events", () -> b.receivedFrom("na").size() >= 100);

        stopPostgres();
        for (int batch = 0; batch < 10; batch++)
        {
            final Api.Reply r = a.api.post("/publish", "application/x-ndjson", ndjson(next, 300));
            assertEquals(202, r.status(), r.toString());
            next = record(published, next, 300);
        }
        a.process.destroy(); // SIGTERM
        assertTrue(a.process.waitFor(30, TimeUnit.SECONDS), "the node stops on SIGTERM");
        assertEquals(0, a.process.exitValue(), "a clean stop; see " + a.log);

        startPostgres();
        a = start(url, "stop-2");
        final int total = published.size();
        final Node running = a;
        Await.until(() -> b.receivedFrom("na").size() >= total, WAIT,
            () -> "nb to receive all " + total + " events of na: " + describe(url, b, running));
        assertEquals(published, outboxIndexes(url));
        assertEquals(total, b.receivedFrom("na").size(), "nb received each once");
        assertEquals(total, new HashSet<>(b.receivedFrom("na")).size(), "none twice");
        assertEquals(0, b.outOfOrder());
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /** One run of the runnable jar as node {@code na}. */
    private final class Node
    {
        final Process process;
        final Api api;
        final Path log;

        Node(final Process process, final Api api, final Path log)
        {
            this.process = process;
            this.api = api;
            this.log = log;
        }

        void kill() throws InterruptedException
        {
            process.destroyForcibly(); // SIGKILL
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the killed process is gone");
        }
    }

    private Node start(final String url, final String run) throws IOException
    {
        final int port = ShadedJarTest.freePort();
        final Path log = ShadedJarTest.logDir().resolve("relay-journal-" + run + ".log");
        final Process process = new ProcessBuilder(ShadedJarTest.javaCommand("--bind", "127.0.0.1", "--port",
            Integer.toString(port), "--node-id", "na", "--data-dir", dataDir.resolve("na").toString(),
            "--pg-url", url)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(process);
        final Api api = new Api(port);
        resources.add(api);
        Await.until(Duration.ofSeconds(60), "node na (" + run + ") to answer /healthz", () ->
        {
            assertTrue(process.isAlive(), () -> "the server process is running; see " + log + ":\n" + read(log));
            try
            {
                return api.get("/healthz").status() == 200;
            }
            catch (final RuntimeException ex)
            {
                return false;
            }
        });
        return new Node(process, api, log);
    }

    private RelayNode node(final String id, final String url)
    {
        final RelayNode node = new RelayNode(id, RelayNode.config(url));
        resources.add(0, node);
        Await.until(WAIT, "node " + id + " to relay", () -> node.health().ok());
        return node;
    }

    private static String ndjson(final int from, final int count)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = from; i < from + count; i++)
        {
            sb.append("{\"topic\":\"crash/t\",\"data\":{\"i\":").append(i).append("}}\n");
        }
        return sb.toString();
    }

    private static int record(final Set<Integer> published, final int from, final int count)
    {
        for (int i = from; i < from + count; i++)
        {
            published.add(i);
        }
        return from + count;
    }

    /** Waits until the node's journal has written {@code events} events in this run (metric), before a kill. */
    private static void awaitJournaled(final Node node, final long events)
    {
        Await.until(() -> metric(node.api.get("/metrics").body(), "ringcast_journal_appended_events_total") >= events,
            WAIT, () -> "the journal to write " + events + " events");
    }

    private static double metric(final String text, final String name)
    {
        final Matcher m = Pattern.compile("(?m)^" + name + " ([0-9.eE+-]+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static Set<Integer> outboxIndexes(final String url) throws SQLException
    {
        final Set<Integer> found = new HashSet<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT convert_from(payload, 'UTF8') FROM ringcast_outbox " +
                "WHERE origin = 'na'"))
        {
            while (rs.next())
            {
                final Matcher m = INDEX.matcher(rs.getString(1));
                assertTrue(m.find(), rs.getString(1));
                found.add(Integer.parseInt(m.group(1)));
            }
        }
        return found;
    }

    private static long count(final String url, final String sql)
    {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery(sql))
        {
            rs.next();
            return rs.getLong(1);
        }
        catch (final SQLException e)
        {
            return -1;
        }
    }

    private static String describe(final String url, final RelayNode b, final Node a)
    {
        String health;
        try
        {
            health = a.api.get("/healthz").body();
        }
        catch (final RuntimeException e)
        {
            health = e.toString();
        }
        return "outbox " + count(url, "SELECT count(*) FROM ringcast_outbox WHERE origin = 'na'") + ", nb received " +
            b.receivedFrom("na").size() + ", na health " + health + "; log " + a.log;
    }

    private static String read(final Path log)
    {
        try
        {
            final String text = Files.readString(log);
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        }
        catch (final IOException e)
        {
            return e.toString();
        }
    }
}
