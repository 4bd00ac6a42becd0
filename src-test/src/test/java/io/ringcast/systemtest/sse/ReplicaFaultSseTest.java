package io.ringcast.systemtest.sse;

import io.ringcast.test.Await;
import io.ringcast.test.PostgresServer;
import io.ringcast.test.sse.SseFrame;
import io.ringcast.test.sse.SseStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three replica processes (the runnable jar, memory acks, relay on) over one PostgreSQL, publishers on each, and SSE
 * clients that keep moving between the replicas with their {@code Last-Event-ID}, through these faults: the
 * listener (reader) backends terminated twice, a PostgreSQL restart, and {@code kill -9} of one replica, which is
 * then started again.
 *
 * <p>What must hold for every client: per origin, nothing twice and nothing out of order, no {@code event: reset};
 * every event acknowledged by a replica that was not killed arrives; of the killed replica's events, every one that
 * reached the outbox arrives, and nothing arrives that it did not accept.
 *
 * <p>What {@code kill -9} of a replica may lose with memory acks ({@code 202} = in memory): the events it had
 * acknowledged but its writer had not yet committed to the outbox (its queue and the batch in flight, at most
 * {@code pg-buffer-events} plus {@code pg-batch-size}). Its own clients had them live; no other replica ever will.
 * This test runs the replicas without a journal ({@code --data-dir none}) and asserts exactly that bound. With the
 * journal on, the restarted replica's writer writes what its journal holds, so an event acknowledged with
 * {@code ack=durable} is never lost ({@code RelayJournalCrashTest}); a memory ack may still lose the journal's flush
 * window.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ReplicaFaultSseTest
{
    private static final String TOPIC = "faults/t";
    private static final Pattern DATA = Pattern.compile("\\{\"o\":\"([a-z]+)\",\"i\":(\\d+)}");
    private static final Duration WAIT = Duration.ofSeconds(90);

    /** One replica process; restartable on a new port. */
    private static final class Replica
    {
        final String nodeId;
        final String url;
        volatile Process process;
        volatile Api api;
        Path log;
        int runs;

        Replica(final String nodeId, final String url)
        {
            this.nodeId = nodeId;
            this.url = url;
        }

        void start() throws Exception
        {
            final int port = ShadedJarTest.freePort();
            log = ShadedJarTest.logDir().resolve("replica-fault-" + nodeId + "-" + (++runs) + ".log");
            process = new ProcessBuilder(ShadedJarTest.javaCommand("--bind", "127.0.0.1", "--port",
                Integer.toString(port), "--node-id", nodeId, "--pg-url", url, "--data-dir", "none"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            final Api a = new Api(port);
            Await.until(Duration.ofSeconds(60), nodeId + " to answer /healthz with ok", () ->
            {
                assertTrue(process.isAlive(), nodeId + " is running; see " + log);
                try
                {
                    return "ok".equals(a.get("/healthz").jsonField("status"));
                }
                catch (final RuntimeException e)
                {
                    return false;
                }
            });
            api = a;
        }

        void kill9() throws InterruptedException
        {
            final Api a = api;
            api = null;
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            a.close();
        }

        void stop() throws InterruptedException
        {
            final Process p = process;
            if (p != null && p.isAlive())
            {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS))
                {
                    p.destroyForcibly();
                }
            }
            final Api a = api;
            if (a != null)
            {
                a.close();
            }
        }
    }

    /** Publishes at a steady pace to one replica, recording what was acknowledged and what has no answer. */
    private static final class Publisher extends Thread
    {
        final Replica replica;
        final List<Integer> acked = new ArrayList<>();
        final Set<Integer> unanswered = ConcurrentHashMap.newKeySet();
        /** Event number to the run of the replica process that acknowledged it. */
        final Map<Integer, Integer> runOf = new ConcurrentHashMap<>();
        volatile boolean running = true;
        int next;

        Publisher(final Replica replica)
        {
            super("publisher-" + replica.nodeId);
            this.replica = replica;
            setDaemon(true);
        }

        @Override
        public void run()
        {
            while (running)
            {
                final Api api = replica.api;
                if (api == null)
                {
                    LockSupport.parkNanos(20_000_000);
                    continue;
                }
                final int i = next++;
                final int run = replica.runs;
                unanswered.add(i);
                try
                {
                    final Api.Reply r = api.post("/publish", "application/json",
                        Api.eventJson(TOPIC, null, "{\"o\":\"" + replica.nodeId + "\",\"i\":" + i + "}", null));
                    if (r.status() == 202)
                    {
                        synchronized (acked)
                        {
                            acked.add(i);
                        }
                        runOf.put(i, run);
                        unanswered.remove(i);
                    }
                }
                catch (final RuntimeException e)
                {
                    // no answer: the replica was killed with the request in flight; it may or may not have the event
                }
                LockSupport.parkNanos(5_000_000);
            }
        }

        List<Integer> acked()
        {
            synchronized (acked)
            {
                return new ArrayList<>(acked);
            }
        }

        /** @return the events acknowledged by the given run of the replica process. */
        Set<Integer> ackedBy(final int run)
        {
            final Set<Integer> set = new HashSet<>();
            for (final Integer i : acked())
            {
                if (runOf.get(i) == run)
                {
                    set.add(i);
                }
            }
            return set;
        }
    }

    /** An SSE client that moves to the next live replica every few hundred milliseconds with its last id. */
    private static final class MovingClient extends Thread
    {
        final List<Replica> replicas;
        final Map<String, List<Integer>> got = new ConcurrentHashMap<>();
        final AtomicInteger resets = new AtomicInteger();
        final AtomicInteger moves = new AtomicInteger();
        final AtomicInteger refusals = new AtomicInteger();
        final AtomicReference<String> lastId = new AtomicReference<>();
        /** Where a client's events of an origin jumped: the move, the replica, the id it resumed from. */
        final List<String> jumps = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile boolean running = true;
        private int at;
        private volatile boolean streaming;
        private String node;
        private String resumedFrom;

        MovingClient(final int number, final List<Replica> replicas)
        {
            super("moving-client-" + number);
            this.replicas = replicas;
            this.at = number;
            setDaemon(true);
        }

        @Override
        public void run()
        {
            while (running)
            {
                final Replica replica = replicas.get(at++ % replicas.size());
                final Api api = replica.api;
                if (api == null)
                {
                    continue;
                }
                final String id = lastId.get();
                node = replica.nodeId + "#" + replica.runs;
                resumedFrom = id;
                SseStream s = null;
                try
                {
                    s = id == null ? api.stream("/events" + Api.query(TOPIC)) :
                        api.stream("/events" + Api.query(TOPIC), "Last-Event-ID", id);
                    if (s.status() != 200)
                    {
                        refusals.incrementAndGet();
                        continue;
                    }
                    streaming = true;
                    if (id == null)
                    {
                        // no position yet: a fresh stream elsewhere would not be owed what is published meanwhile
                        while (running && s.frameCount() == 0)
                        {
                            LockSupport.parkNanos(1_000_000);
                        }
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200 + (at * 37L) % 300));
                }
                catch (final RuntimeException | AssertionError e)
                {
                    refusals.incrementAndGet();
                }
                finally
                {
                    if (s != null)
                    {
                        s.close();
                        take(s.frames());
                    }
                }
                moves.incrementAndGet();
            }
        }

        private void take(final List<SseFrame> frames)
        {
            for (final SseFrame f : frames)
            {
                switch (f.type())
                {
                    case "message" ->
                    {
                        final Matcher m = DATA.matcher(f.data());
                        assertTrue(m.matches(), "unexpected event " + f);
                        final List<Integer> list = got.computeIfAbsent(m.group(1), k -> new ArrayList<>());
                        final int i = Integer.parseInt(m.group(2));
                        if (list.isEmpty() ? i != 0 : i != list.get(list.size() - 1) + 1)
                        {
                            jumps.add(m.group(1) + " " + (list.isEmpty() ? -1 : list.get(list.size() - 1)) + " -> " +
                                i + " on move " + moves.get() + " to " + node + " from " + resumedFrom + " (frame id " +
                                f.id() + ")");
                        }
                        list.add(i);
                        lastId.set(f.id());
                    }
                    case "reset" -> resets.incrementAndGet();
                    case "error" -> refusals.incrementAndGet();
                    default -> { }
                }
            }
        }

        List<Integer> got(final String origin)
        {
            return new ArrayList<>(got.getOrDefault(origin, List.of()));
        }
    }

    @Test
    void shouldLoseAndRepeatNothingAcknowledgedThroughListenerKillsAPostgresRestartAndAKilledReplica()
        throws Exception
    {
        final PostgresServer pg = PostgresServer.shared();
        final String url = pg.freshDatabase("replica_faults_sse");
        final List<Replica> replicas = List.of(new Replica("na", url), new Replica("nb", url), new Replica("nc", url));
        final List<Publisher> publishers = new ArrayList<>();
        final List<MovingClient> clients = new ArrayList<>();
        try
        {
            for (final Replica r : replicas)
            {
                r.start();
            }
            for (int i = 0; i < 3; i++)
            {
                clients.add(new MovingClient(i, replicas));
            }
            clients.forEach(Thread::start);
            Await.until(WAIT, "every client on a stream", () -> clients.stream().allMatch(c -> c.streaming));
            for (final Replica r : replicas)
            {
                publishers.add(new Publisher(r));
            }
            publishers.forEach(Thread::start);
            final Replica nc = replicas.get(2);

            for (int kill = 0; kill < 2; kill++)
            {
                awaitProgress(publishers);
                Await.until(WAIT, "reader backends to terminate", () -> queryLong(url,
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity" +
                    " WHERE application_name LIKE 'ringcast-reader-%'") >= 1);
            }
            awaitProgress(publishers);
            pg.stop();
            // long enough for every client to move during the outage: answered from memory or refused at once
            final int[] movesBefore = clients.stream().mapToInt(c -> c.moves.get()).toArray();
            awaitProgress(publishers);
            Await.until(WAIT, "every client to move during the outage", () ->
            {
                for (int i = 0; i < movesBefore.length; i++)
                {
                    if (clients.get(i).moves.get() < movesBefore[i] + 2)
                    {
                        return false;
                    }
                }
                return true;
            });
            pg.start();
            awaitProgress(publishers);

            nc.kill9();
            final Set<Integer> committedBeforeKill = outboxRows(url, "nc");
            awaitProgress(publishers.subList(0, 2));
            nc.start();
            awaitProgress(publishers);
            awaitProgress(publishers);
            publishers.forEach(p -> p.running = false);
            for (final Publisher p : publishers)
            {
                p.join();
            }

            final Publisher pc = publishers.get(2);
            // the restarted process's writer was not killed: everything it acknowledged reaches the outbox
            Await.until(WAIT, "nc's second run to commit what it acknowledged", () ->
                outboxRows(url, "nc").containsAll(pc.ackedBy(2)));
            final Set<Integer> ncCommitted = outboxRows(url, "nc");
            assertTrue(ncCommitted.containsAll(committedBeforeKill));
            for (final MovingClient c : clients)
            {
                Await.until(WAIT, c.getName() + " to receive every acknowledged event", () ->
                    c.got("na").size() >= publishers.get(0).acked().size() &&
                    c.got("nb").size() >= publishers.get(1).acked().size() &&
                    new HashSet<>(c.got("nc")).containsAll(ncCommitted), () -> describe(c, publishers));
            }
            clients.forEach(c -> c.running = false);
            for (final MovingClient c : clients)
            {
                c.join(30_000);
                assertEquals(0, c.resets.get(), c.getName() + " was never told to reset");
                assertEquals(publishers.get(0).acked(), c.got("na"), c.getName() + ": na exactly once, in order");
                assertEquals(publishers.get(1).acked(), c.got("nb"), c.getName() + ": nb exactly once, in order");
                assertKilledOrigin(c, pc, ncCommitted);
                assertTrue(c.moves.get() >= 10, c.getName() + " moved between replicas: " + c.moves.get());
                System.out.println(c.getName() + ": " + describe(c, publishers));
            }
        }
        finally
        {
            publishers.forEach(p -> p.running = false);
            clients.forEach(c -> c.running = false);
            for (final Replica r : replicas)
            {
                r.stop();
            }
            ensureRunning(pg, url);
        }
    }

    /**
     * The killed origin: nothing twice, in order, nothing it did not accept, and everything that reached the outbox
     * (memory acks without a journal: see the class comment).
     */
    private static void assertKilledOrigin(final MovingClient c, final Publisher p, final Set<Integer> committed)
    {
        final List<Integer> got = c.got("nc");
        for (int i = 1; i < got.size(); i++)
        {
            assertTrue(got.get(i - 1) < got.get(i), c.getName() + ": nc in order and once each, at " + i + ": " + got);
        }
        final Set<Integer> accepted = new HashSet<>(p.acked());
        accepted.addAll(p.unanswered);
        assertTrue(accepted.containsAll(got), c.getName() + ": only events nc accepted");
        assertTrue(new HashSet<>(got).containsAll(committed), c.getName() + ": every nc event in the outbox");
    }

    private static String describe(final MovingClient c, final List<Publisher> publishers)
    {
        final Map<String, String> m = new LinkedHashMap<>();
        for (final Publisher p : publishers)
        {
            m.put(p.replica.nodeId, c.got(p.replica.nodeId).size() + " of " + p.acked().size() + " acked");
        }
        return m + ", moves " + c.moves.get() + ", refusals " + c.refusals.get() + ", resets " + c.resets.get() +
            ", last id " + c.lastId.get() + ", jumps " + c.jumps;
    }

    /** Waits until every publisher has had 100 more events acknowledged. */
    private static void awaitProgress(final List<Publisher> publishers)
    {
        final int[] before = publishers.stream().mapToInt(p -> p.acked().size()).toArray();
        Await.until(WAIT, "publishing to go on", () ->
        {
            for (int i = 0; i < before.length; i++)
            {
                if (publishers.get(i).acked().size() < before[i] + 100)
                {
                    return false;
                }
            }
            return true;
        });
    }

    private static Set<Integer> outboxRows(final String url, final String origin)
    {
        final Set<Integer> rows = new HashSet<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT convert_from(payload, 'UTF8') FROM ringcast_outbox WHERE origin = '" +
                origin + "'"))
        {
            while (rs.next())
            {
                final Matcher m = DATA.matcher(rs.getString(1));
                assertTrue(m.matches(), rs.getString(1));
                rows.add(Integer.parseInt(m.group(2)));
            }
        }
        catch (final SQLException e)
        {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    private static long queryLong(final String url, final String sql)
    {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery(sql))
        {
            rs.next();
            return rs.getLong(1);
        }
        catch (final SQLException e)
        {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
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
